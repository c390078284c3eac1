"""cozepy's patterns give cozepy's results: each pattern runs with `cozepy` and with `cozekit` (only the
import differs) against one emulator, sync and async, and the two results are compared.

Where the results differ on purpose (cozepy's bug or a blocking call), the test says so and
docs/migrating-from-cozepy.md lists it.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import wave
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, List, Tuple

import httpx
import pytest

import cozekit
from cozekit.emulator import ThreadedEmulator

from .conftest import SDKS, WEATHER, async_client, sync_client

BOT = ThreadedEmulator.demo_bot_id
WORKSPACE = ThreadedEmulator.workspace_id


def _publish_bots(emu: ThreadedEmulator, count: int) -> None:
    coze = sync_client(cozekit, emu)
    for i in range(count):
        coze.bots.publish(bot_id=coze.bots.create(space_id=WORKSPACE, name=f"compat {i}").bot_id)


# -- pagers ------------------------------------------------------------------------------------------


def _walk_sync(sdk: ModuleType, emu: ThreadedEmulator) -> Dict[str, Any]:
    coze = sync_client(sdk, emu)
    bots = coze.bots.list(space_id=WORKSPACE, page_size=2)
    workspaces = coze.workspaces.list()
    assert bots.response.logid and workspaces.response.logid
    return {
        "items": [b.bot_id for b in bots.items],
        "has_more": bots.has_more,
        "all": [b.bot_id for b in bots],
        "pages": [[b.bot_id for b in page.items] for page in bots.iter_pages()],
        "page_logids": all(page.response.logid for page in coze.bots.list(space_id=WORKSPACE).iter_pages()),
        "workspaces": [w.id for w in workspaces],
    }


async def _walk_async(sdk: ModuleType, emu: ThreadedEmulator) -> Dict[str, Any]:
    coze = async_client(sdk, emu)
    bots = await coze.bots.list(space_id=WORKSPACE, page_size=2)
    workspaces = await coze.workspaces.list()
    assert bots.response.logid and workspaces.response.logid
    pages = [[b.bot_id for b in page.items] async for page in bots.iter_pages()]
    return {
        "items": [b.bot_id for b in bots.items],
        "has_more": bots.has_more,
        "all": [b.bot_id async for b in await coze.bots.list(space_id=WORKSPACE, page_size=2)],
        "pages": pages,
        "page_logids": True,
        "workspaces": [w.id async for w in await coze.workspaces.list()],
    }


async def test_pagers_iterate_and_describe_their_first_page_as_cozepys_do(emu: ThreadedEmulator) -> None:
    _publish_bots(emu, 3)
    sync = {name: _walk_sync(sdk, emu) for name, sdk in SDKS.items()}
    asyn = {name: await _walk_async(sdk, emu) for name, sdk in SDKS.items()}
    assert sync["cozekit"] == sync["cozepy"] == asyn["cozepy"] == asyn["cozekit"]
    assert sync["cozekit"]["has_more"] is True
    assert len(sync["cozekit"]["all"]) == 4 and len(sync["cozekit"]["pages"]) == 2


async def test_message_id_pagers_and_the_raw_response(emu: ThreadedEmulator) -> None:
    coze = sync_client(cozekit, emu)
    conv = coze.conversations.create(messages=[cozekit.Message.build_user_question_text("one")])
    coze.conversations.messages.create(
        conversation_id=conv.id, role="user", content="two", content_type="text"
    )
    results = {}
    for name, sdk in SDKS.items():
        pager = sync_client(sdk, emu).conversations.messages.list(conversation_id=conv.id, limit=1)
        apager = await async_client(sdk, emu).conversations.messages.list(conversation_id=conv.id, limit=1)
        results[name] = (
            [m.content for m in pager],
            [m.content for m in pager.items],
            pager.has_more,
            [m.content async for m in apager],
        )
    assert results["cozekit"] == results["cozepy"] == (["two", "one"], ["two"], True, ["two", "one"])
    pager = coze.conversations.messages.list(conversation_id=conv.id, limit=1)
    raw = pager.response.http_response
    assert isinstance(raw, httpx.Response) and raw.headers["x-tt-logid"] == pager.response.logid
    assert pager.logid == pager.response.logid  # cozekit's own spelling stays


def test_every_result_has_a_response_with_a_logid(emu: ThreadedEmulator) -> None:
    coze = sync_client(cozekit, emu)
    me = coze.users.me()
    assert me.response.logid and isinstance(me.response.http_response, httpx.Response)
    assert me.logid == me.response.logid
    listed = coze.bots.list(space_id=WORKSPACE).items
    assert listed[0].response is not None and listed[0].response.logid
    voices = coze.audio.voices.list()
    assert voices.response.logid


# -- chat ---------------------------------------------------------------------------------------------


def _chat_pattern(sdk: ModuleType, emu: ThreadedEmulator) -> Tuple[List[str], str, int]:
    coze = sync_client(sdk, emu)
    kinds, text, tokens = [], "", 0
    for event in coze.chat.stream(
        bot_id=BOT, user_id="u1", additional_messages=[sdk.Message.build_user_question_text("hello")]
    ):
        kinds.append(event.event.value)
        if event.event == sdk.ChatEventType.CONVERSATION_MESSAGE_DELTA:
            text += event.message.content
        if event.event == sdk.ChatEventType.CONVERSATION_CHAT_COMPLETED:
            tokens = event.chat.usage.token_count
    return kinds, text, tokens


async def _async_chat_pattern(sdk: ModuleType, emu: ThreadedEmulator) -> Tuple[List[str], str, int]:
    coze = async_client(sdk, emu)
    kinds, text, tokens = [], "", 0
    async for event in coze.chat.stream(  # cozepy's style: iterate the call, no `await`
        bot_id=BOT, user_id="u1", additional_messages=[sdk.Message.build_user_question_text("hello")]
    ):
        kinds.append(event.event.value)
        if event.event == sdk.ChatEventType.CONVERSATION_MESSAGE_DELTA:
            text += event.message.content
        if event.event == sdk.ChatEventType.CONVERSATION_CHAT_COMPLETED:
            tokens = event.chat.usage.token_count
    return kinds, text, tokens


async def test_a_chat_stream_handled_cozepys_way(emu: ThreadedEmulator) -> None:
    results = [_chat_pattern(sdk, emu) for sdk in SDKS.values()]
    results += [await _async_chat_pattern(sdk, emu) for sdk in SDKS.values()]
    coze = async_client(cozekit, emu)
    question = [cozekit.Message.build_user_question_text("hello")]
    # cozekit's style: await the open stream, a context manager
    async with await coze.chat.stream(bot_id=BOT, user_id="u1", additional_messages=question) as stream:
        events = [event async for event in stream]
    text = "".join(e.message.content for e in events if e.event == "conversation.message.delta")
    results.append(([e.event.value for e in events], text, events[-1].chat.usage.token_count))
    assert all(r == results[0] for r in results)
    kinds, text, tokens = results[0]
    assert kinds[0] == "conversation.chat.created" and kinds[-1] == "conversation.chat.completed"
    assert text.endswith("heard: hello") and tokens > 0


async def test_stream_and_binary_results_have_a_response_with_a_logid(emu: ThreadedEmulator) -> None:
    """`stream.response.logid` (cozepy's HTTPResponse); needs the `streams` branch's `Stream.response`."""
    coze = sync_client(cozekit, emu)
    stream = coze.chat.stream(
        bot_id=BOT, user_id="u1", additional_messages=[cozekit.Message.build_user_question_text("x")]
    )
    assert stream.response.logid
    list(stream)
    astream = await async_client(cozekit, emu).chat.stream(
        bot_id=BOT, user_id="u1", additional_messages=[cozekit.Message.build_user_question_text("y")]
    )
    assert astream.response.logid
    [e async for e in astream]
    voice = coze.audio.voices.list().items[0].voice_id
    speech = coze.audio.speech.create(input="hi", voice_id=voice)
    assert speech.response.logid
    speech.read()


async def test_create_and_poll_like_cozepy(emu: ThreadedEmulator) -> None:
    results = []
    for sdk in SDKS.values():
        question = [sdk.Message.build_user_question_text("ping")]
        poll = sync_client(sdk, emu).chat.create_and_poll(
            bot_id=BOT, user_id="u1", additional_messages=question
        )
        assert poll.chat.status == sdk.ChatStatus.COMPLETED
        results.append([(m.role.value, m.type.value, m.content) for m in poll.messages])
    # cozepy 0.20.0's AsyncCoze has no create_and_poll; cozekit's has.
    question = [cozekit.Message.build_user_question_text("ping")]
    acoze = async_client(cozekit, emu)
    poll = await acoze.chat.create_and_poll(bot_id=BOT, user_id="u1", additional_messages=question)
    assert poll.chat.status == cozekit.ChatStatus.COMPLETED
    results.append([(m.role.value, m.type.value, m.content) for m in poll.messages])
    assert all(r == results[0] for r in results)
    assert results[0][0][1] == "answer" and results[0][0][2].endswith("heard: ping")


async def test_submit_tool_outputs_stream(emu: ThreadedEmulator) -> None:
    answers = {}
    for name, sdk in SDKS.items():
        coze = async_client(sdk, emu)
        events = [
            e
            async for e in coze.chat.stream(
                bot_id=BOT,
                user_id="u1",
                additional_messages=[sdk.Message.build_user_question_text("get_weather")],
            )
        ]
        chat = events[-1].chat
        assert events[-1].event == sdk.ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION
        call = chat.required_action.submit_tool_outputs.tool_calls[0]
        after = [
            e
            async for e in coze.chat.submit_tool_outputs_stream(
                conversation_id=chat.conversation_id,
                chat_id=chat.id,
                tool_outputs=[sdk.ToolOutput(tool_call_id=call.id, output="sunny")],
            )
        ]
        answers[name] = [
            e.message.content
            for e in after
            if e.event == sdk.ChatEventType.CONVERSATION_MESSAGE_COMPLETED and e.message.type == "answer"
        ]
    assert answers["cozekit"] == answers["cozepy"] == ["Tool results: get_weather returned sunny."]


# -- workflows ----------------------------------------------------------------------------------------


def _handle_workflow_stream(sdk: ModuleType, coze: Any, workflow_id: str, stream: Any) -> List[Any]:
    """cozepy's example loop: print messages and errors, answer an interrupt by resuming."""
    seen: List[Any] = []
    for event in stream:
        if event.event == sdk.WorkflowEventType.MESSAGE:
            seen.append(("message", event.message.node_title, event.message.content))
        elif event.event == sdk.WorkflowEventType.ERROR:
            seen.append(("error", event.error.error_code))
        elif event.event == sdk.WorkflowEventType.INTERRUPT:
            seen.append(("interrupt", event.interrupt.interrupt_data.type))
            resumed = coze.workflows.runs.resume(
                workflow_id=workflow_id,
                event_id=event.interrupt.interrupt_data.event_id,
                resume_data="Tuesday",
                interrupt_type=event.interrupt.interrupt_data.type,
            )
            seen += _handle_workflow_stream(sdk, coze, workflow_id, resumed)
    return seen


async def _handle_async(sdk: ModuleType, coze: Any, workflow_id: str, stream: Any) -> List[Any]:
    seen: List[Any] = []
    async for event in stream:  # the call itself, as cozepy's async generators are iterated
        if event.event == sdk.WorkflowEventType.MESSAGE:
            seen.append(("message", event.message.node_title, event.message.content))
        elif event.event == sdk.WorkflowEventType.INTERRUPT:
            seen.append(("interrupt", event.interrupt.interrupt_data.type))
            resumed = coze.workflows.runs.resume(
                workflow_id=workflow_id,
                event_id=event.interrupt.interrupt_data.event_id,
                resume_data="Tuesday",
                interrupt_type=event.interrupt.interrupt_data.type,
            )
            seen += await _handle_async(sdk, coze, workflow_id, resumed)
    return seen


async def test_a_workflow_stream_handled_cozepys_way(emu: ThreadedEmulator) -> None:
    workflow_id = str(emu.control.create_workflow(WEATHER)["workflow_id"])
    results = []
    for sdk in SDKS.values():
        coze = sync_client(sdk, emu)
        stream = coze.workflows.runs.stream(workflow_id=workflow_id, parameters={"city": "Lima"})
        results.append(_handle_workflow_stream(sdk, coze, workflow_id, stream))
        acoze = async_client(sdk, emu)
        astream = acoze.workflows.runs.stream(workflow_id=workflow_id, parameters={"city": "Lima"})
        results.append(await _handle_async(sdk, acoze, workflow_id, astream))
    assert all(r == results[0] for r in results)
    assert results[0][0][0] == "message" and results[0][1][0] == "interrupt"
    assert results[0][-1][:2] == ("message", "End")
    assert json.loads(results[0][-1][2]) == {"output": "Lima on Tuesday: sunny"}


def test_workflow_done_is_yielded_by_cozekit_and_dropped_by_cozepy(emu: ThreadedEmulator) -> None:
    """A deliberate difference: cozekit yields `Done` (it carries the debug URL); an if-chain ignores it."""
    plain = {
        "name": "plain_compat",
        "nodes": [
            {"id": "start", "type": "start"},
            {"id": "say", "type": "message", "title": "Say", "content": "hi"},
            {"id": "end", "type": "end", "outputs": {"output": "done"}},
        ],
    }
    workflow_id = str(emu.control.create_workflow(plain)["workflow_id"])
    kinds = {}
    for name, sdk in SDKS.items():
        coze = sync_client(sdk, emu)
        kinds[name] = [e.event.value for e in coze.workflows.runs.stream(workflow_id=workflow_id)]
    assert kinds["cozekit"] == [*kinds["cozepy"], "Done"]
    assert kinds["cozepy"][-1] == "Message"


# -- messages, files, audio, enums, auth, logging ------------------------------------------------------


def test_message_builders_build_the_same_messages() -> None:
    dumps = {}
    for name, sdk in SDKS.items():
        objects = [
            sdk.MessageObjectString.build_text("look"),
            sdk.MessageObjectString.build_image(file_id="f1"),
            sdk.MessageObjectString.build_file(file_url="https://example.invalid/a.pdf"),
            sdk.MessageObjectString.build_audio(file_id="a1"),
        ]
        built = [
            sdk.Message.build_user_question_text("hi", meta_data={"k": "v"}),
            sdk.Message.build_user_question_objects(objects),
            sdk.Message.build_assistant_answer("hello"),
        ]
        dumps[name] = [m.model_dump(mode="json", exclude_none=True) for m in built]
        dumps[name][1]["content"] = [_no_nulls(o) for o in json.loads(dumps[name][1]["content"])]
    # The same messages; cozekit's object_string leaves out the nulls cozepy writes in it.
    assert dumps["cozekit"] == dumps["cozepy"]
    assert dumps["cozekit"][1]["content"][1] == {"type": "image", "file_id": "f1"}
    objects = [
        cozekit.MessageObjectString.build_text("x"),
        cozekit.MessageObjectString.build_image(file_id="f"),
    ]
    assert "null" not in cozekit.Message.build_user_question_objects(objects).content


def _no_nulls(obj: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in obj.items() if v is not None}


async def test_uploads_from_a_path_a_string_and_an_open_file(emu: ThreadedEmulator, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"twelve bytes")
    uploaded = {}
    for name, sdk in SDKS.items():
        coze, acoze = sync_client(sdk, emu), async_client(sdk, emu)
        with open(path, "rb") as handle:
            files = [
                coze.files.upload(file=path),
                coze.files.upload(file=str(path)),
                coze.files.upload(file=handle),
            ]
        files.append(await acoze.files.upload(file=path))
        uploaded[name] = [(f.file_name, f.bytes) for f in files]
        assert all(coze.files.retrieve(file_id=f.id).bytes == 12 for f in files)
    assert uploaded["cozekit"] == uploaded["cozepy"] == [("notes.txt", 12)] * 4


def test_speech_to_a_file_and_pcm_to_wav(emu: ThreadedEmulator, tmp_path: Path) -> None:
    import cozepy.util

    import cozekit.util

    written = {}
    for name, sdk in SDKS.items():
        coze = sync_client(sdk, emu)
        voice = coze.audio.voices.list().items[0].voice_id
        speech = coze.audio.speech.create(input="hello", voice_id=voice, response_format=sdk.AudioFormat.PCM)
        target = tmp_path / f"{name}.pcm"
        speech.write_to_file(str(target))
        written[name] = target.read_bytes()
    assert written["cozekit"] == written["cozepy"] and len(written["cozekit"]) > 1000
    pcm = written["cozekit"]
    for name, util in (("cozepy", cozepy.util), ("cozekit", cozekit.util)):
        util.write_pcm_to_wav_file(pcm, str(tmp_path / f"{name}.wav"))
    assert (tmp_path / "cozekit.wav").read_bytes() == (tmp_path / "cozepy.wav").read_bytes()
    with wave.open(str(tmp_path / "cozekit.wav"), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (24000, 1, 2)
        assert wav.readframes(wav.getnframes()) == pcm
    buffer = io.BytesIO()
    cozekit.util.write_pcm_to_wav_file(b"\0\0" * 8, buffer, channels=2, sample_width=1, frame_rate=8000)
    with wave.open(io.BytesIO(buffer.getvalue())) as back:
        assert (back.getnchannels(), back.getsampwidth(), back.getframerate()) == (2, 1, 8000)


def test_util_helpers_answer_as_cozepys_do() -> None:
    import cozepy.util

    import cozekit.util

    for module in (cozepy.util, cozekit.util):
        assert module.base64_encode_string("héllo") == "aMOpbGxv"
        assert module.gen_s256_code_challenge("abc") == "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
        assert module.remove_url_trailing_slash("https://api.coze.cn//") == "https://api.coze.cn"
        assert module.http_base_url_to_ws("https://api.coze.cn") == "wss://ws.coze.cn"
        assert module.remove_none_values({"a": 1, "b": None}) == {"a": 1}
        dumped = module.dump_exclude_none({"x": [cozekit.ChatStatus.COMPLETED, None], "y": None})
        assert dumped == {"x": ["completed"]}
        assert len(module.random_hex(7)) == 7 and int(module.random_hex(7), 16) >= 0
        assert module.get_model_default(cozekit.ChatUpdateEvent, "event_type") == "chat.update"
    assert cozekit.util.http_base_url_to_ws("http://127.0.0.1:8080") == "ws://127.0.0.1:8080"  # cozepy raises

    class Handler:
        def on_a(self, cli: Any, event: Any) -> None: ...

        def other(self) -> None: ...

    found = cozekit.util.get_methods(Handler)
    assert [(m["function"].__name__, [p.name for p in m["parameters"]], m["type"]) for m in found] == [
        ("on_a", ["cli", "event"], "instancemethod")
    ]


def test_enums_keep_cozepys_members_values_and_comparisons() -> None:
    import enum

    cozepy = SDKS["cozepy"]
    checked = 0
    for name in cozepy.__all__:
        theirs = getattr(cozepy, name)
        if not (isinstance(theirs, type) and issubclass(theirs, enum.Enum)) or not hasattr(cozekit, name):
            continue
        ours = getattr(cozekit, name)
        for member in theirs:
            mine = ours[member.name]
            assert (mine.value, mine.name, mine == member.value, repr(mine)) == (
                member.value,
                member.name,
                True,
                repr(member),
            )
            assert hash(mine) == hash(member.value) and isinstance(mine, type(member.value))
            assert ours(member.value) is mine
            if isinstance(member, int):  # int enums print the number, as cozepy's (IntEnum) do on 3.11+
                assert (str(mine), f"{mine}") == (str(member.value),) * 2
                if sys.version_info >= (3, 11):  # before, IntEnum's str() was `Class.MEMBER`
                    assert (str(member), f"{member}") == (str(mine), f"{mine}")
            checked += 1
    assert checked > 100
    # The one difference: str() is the value (as Python 3.11's StrEnum), where cozepy's is `Class.MEMBER`.
    assert str(cozekit.ChatStatus.COMPLETED) == f"{cozekit.ChatStatus.COMPLETED}" == "completed"
    assert str(cozepy.ChatStatus.COMPLETED) == "ChatStatus.COMPLETED"
    # Unknown server values stay usable in both.
    assert cozekit.ChatEventType("conversation.future") == "conversation.future"


async def test_cozepy_style_auth_subclasses_work(emu: ThreadedEmulator) -> None:
    token = emu.token

    class Vault(cozekit.SyncAuth):
        @property
        def token_type(self) -> str:
            return "Bearer"

        @property
        def token(self) -> str:
            return token

    class AsyncVault(cozekit.AsyncAuth):
        @property
        def token_type(self) -> str:
            return "Bearer"

        @property
        async def atoken(self) -> str:
            return token

    assert cozekit.Coze(auth=Vault(), base_url=emu.base_url).users.me().user_name == "developer"
    acoze = cozekit.AsyncCoze(auth=AsyncVault(), base_url=emu.base_url)
    assert (await acoze.users.me()).user_name == "developer"
    assert await AsyncVault().atoken == token and await cozekit.AsyncTokenAuth(token).atoken == token
    with pytest.raises(TypeError, match="AsyncCoze"):
        cozekit.Coze(auth=cozekit.AsyncTokenAuth(token), base_url=emu.base_url).users.me()
    headers: Dict[str, str] = {}
    cozekit.TokenAuth(token).authentication(headers)
    assert headers == {"Authorization": f"Bearer {token}"}
    assert isinstance(cozekit.TokenAuth("t"), cozekit.SyncAuth) and isinstance(
        cozekit.TokenAuth("t"), cozekit.Auth
    )
    from cozekit.auth import AsyncTokenAuth, TokenAuth

    assert TokenAuth is cozekit.TokenAuth and AsyncTokenAuth is cozekit.AsyncTokenAuth


async def test_cozepys_http_clients_pass_as_http_client(emu: ThreadedEmulator) -> None:
    with cozekit.SyncHTTPClient() as http:
        assert http.timeout == cozekit.DEFAULT_TIMEOUT and http.follow_redirects
        coze = cozekit.Coze(auth=cozekit.TokenAuth(emu.token), base_url=emu.base_url, http_client=http)
        assert coze.users.me().user_name == "developer"
    async with cozekit.AsyncHTTPClient(timeout=30) as ahttp:
        assert ahttp.timeout == httpx.Timeout(30)
        acoze = cozekit.AsyncCoze(
            auth=cozekit.AsyncTokenAuth(emu.token), base_url=emu.base_url, http_client=ahttp
        )
        assert (await acoze.users.me()).user_name == "developer"


def test_deprecated_knowledge_documents_still_work(emu: ThreadedEmulator) -> None:
    coze = sync_client(cozekit, emu)
    with pytest.warns(DeprecationWarning, match="datasets.documents"):
        documents = coze.knowledge.documents
    assert type(documents) is type(coze.datasets.documents)
    assert list(documents.list(dataset_id=_a_dataset(coze))) == []


def _a_dataset(coze: Any) -> str:
    return str(coze.datasets.create(name="compat", space_id=WORKSPACE, format_type=0).dataset_id)


def test_importing_installs_no_log_handler_and_setup_logging_installs_one() -> None:
    code = (
        "import logging, cozekit, cozekit.log\n"
        "from cozekit import setup_logging\n"
        "log = logging.getLogger('cozekit')\n"
        "assert log.handlers == [] and log.propagate and log.level == logging.NOTSET\n"
        "setup_logging(logging.INFO); setup_logging(logging.DEBUG)\n"
        "assert log.handlers == [cozekit.log.handler] and not log.propagate and log.level == logging.DEBUG\n"
        "cozekit.log.log_info('hello %s', 'there')\n"
        "try:\n"
        "    setup_logging(15)\n"
        "except ValueError as e:\n"
        "    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "invalid log level: 15\n"
    assert re.fullmatch(r"\[cozekit\]\[INFO\]\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] hello there\n", done.stderr)


async def test_an_async_stream_call_is_awaited_iterated_or_entered(emu: ThreadedEmulator) -> None:
    coze = async_client(cozekit, emu)

    def call() -> Any:
        question = [cozekit.Message.build_user_question_text("hey")]
        return coze.chat.stream(bot_id=BOT, user_id="u1", additional_messages=question)

    iterated = [e.event.value async for e in call()]
    async with call() as entered:
        from_context = [e.event.value async for e in entered]
    awaited = await call()
    from_await = [e.event.value async for e in awaited]
    assert iterated == from_context == from_await
    assert iterated[-1] == "conversation.chat.completed"
    pending = call()
    assert await pending is await pending  # awaiting twice gives the one stream, sent once
    await (await pending).close()


def test_list_results_keep_their_response(emu: ThreadedEmulator) -> None:
    coze = sync_client(cozekit, emu)
    poll = coze.chat.create_and_poll(
        bot_id=BOT, user_id="u1", additional_messages=[cozekit.Message.build_user_question_text("hi")]
    )
    messages = coze.chat.messages.list(conversation_id=poll.chat.conversation_id, chat_id=poll.chat.id)
    assert isinstance(messages, cozekit.ListResponse) and messages.response.logid
    assert isinstance(messages.response.http_response, httpx.Response)
    assert [m.type.value for m in messages][:1] == ["answer"]
