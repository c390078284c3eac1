"""Local plugins, failures and injected faults, end to end through the SDK and the emulator."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

import cozekit
from cozekit import ChatEventType, ChatStatus, Message
from cozekit.lib import ChatStreamAccumulator, arun_with_local_plugins, run_with_local_plugins
from sync_or_async import Client, collect, run

WEATHER_TOOL = {"name": "get_weather", "description": "weather in a city", "parameters": {}}


def question(text: str = "weather in Nanjing?") -> List[Message]:
    return [Message.build_user_question_text(text)]


def tool_bot(coze_emulator: Any) -> str:
    bot_id = coze_emulator.control.create_bot(name="Tools", local_tools=[WEATHER_TOOL])
    coze_emulator.control.script(
        bot_id,
        {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Nanjing"}}]},
        {"text": "It is sunny in Nanjing."},
    )
    return bot_id


async def test_requires_action_then_submit_streamed(client: Client, coze_emulator: Any) -> None:
    bot_id = tool_bot(coze_emulator)
    events = await collect(
        await run(client.chat.stream(bot_id=bot_id, user_id="u", additional_messages=question()))
    )
    last = events[-1]
    assert last.event == ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION
    assert last.chat is not None and last.chat.status == ChatStatus.REQUIRES_ACTION
    (call,) = last.chat.required_action.tool_calls  # type: ignore[union-attr]
    assert call.function is not None and call.function.name == "get_weather"
    assert call.function.parse_arguments() == {"city": "Nanjing"}
    resumed = await run(
        client.chat.submit_tool_outputs(
            conversation_id=last.chat.conversation_id,
            chat_id=last.chat.id,
            tool_outputs=[{"tool_call_id": call.id, "output": "sunny"}],
            stream=True,
        )
    )
    acc = ChatStreamAccumulator()
    for event in await collect(resumed):
        acc.add(event)
    assert acc.status == ChatStatus.COMPLETED
    assert acc.text == "It is sunny in Nanjing."


async def test_submit_not_streamed_then_poll(client: Client, coze_emulator: Any) -> None:
    bot_id = tool_bot(coze_emulator)
    poll = await run(client.chat.create_and_poll(bot_id=bot_id, user_id="u", additional_messages=question()))
    assert poll.chat.status == ChatStatus.REQUIRES_ACTION
    call = poll.chat.required_action.tool_calls[0]  # type: ignore[union-attr]
    chat = await run(
        client.chat.submit_tool_outputs(
            conversation_id=poll.chat.conversation_id,
            chat_id=poll.chat.id,
            tool_outputs=[cozekit.ToolOutput(tool_call_id=call.id, output="sunny")],
        )
    )
    assert chat.id == poll.chat.id
    for _ in range(200):
        chat = await run(client.chat.retrieve(conversation_id=chat.conversation_id, chat_id=chat.id))
        if chat.status == ChatStatus.COMPLETED:
            break
    assert chat.status == ChatStatus.COMPLETED


def test_local_plugin_loop_sync(coze_emulator: Any) -> None:
    bot_id = tool_bot(coze_emulator)
    seen: List[Dict[str, Any]] = []

    def get_weather(city: str) -> Dict[str, str]:
        seen.append({"city": city})
        return {"city": city, "weather": "sunny"}

    coze = cozekit.Coze(cozekit.TokenAuth(coze_emulator.token), coze_emulator.base_url)
    pieces: List[str] = []
    result = run_with_local_plugins(
        coze,
        tools={"get_weather": get_weather},
        on_text=pieces.append,
        bot_id=bot_id,
        user_id="u",
        additional_messages=question(),
    )
    assert seen == [{"city": "Nanjing"}]
    assert result.status == ChatStatus.COMPLETED
    assert "".join(pieces) == result.text == "It is sunny in Nanjing."


async def test_local_plugin_loop_async_with_async_tool(coze_emulator: Any) -> None:
    bot_id = tool_bot(coze_emulator)

    async def get_weather(city: str) -> str:
        return f"sunny in {city}"

    async with cozekit.AsyncCoze(cozekit.TokenAuth(coze_emulator.token), coze_emulator.base_url) as coze:
        result = await arun_with_local_plugins(
            coze,
            tools={"get_weather": get_weather},
            bot_id=bot_id,
            user_id="u",
            additional_messages=question(),
        )
    assert result.text == "It is sunny in Nanjing."


def test_local_plugin_loop_names_a_missing_tool(coze_emulator: Any) -> None:
    bot_id = tool_bot(coze_emulator)
    coze = cozekit.Coze(cozekit.TokenAuth(coze_emulator.token), coze_emulator.base_url)
    with pytest.raises(cozekit.lib.LocalPluginError, match="get_weather"):
        run_with_local_plugins(coze, tools={}, bot_id=bot_id, user_id="u", additional_messages=question())


async def test_failed_chat_raises_its_real_error_from_create_and_poll(
    client: Client, coze_emulator: Any
) -> None:
    coze_emulator.control.script(
        coze_emulator.demo_bot_id, {"error": {"code": 4013, "msg": "model exploded"}}
    )
    with pytest.raises(cozekit.ChatFailedError) as info:
        await run(
            client.chat.create_and_poll(
                bot_id=coze_emulator.demo_bot_id, user_id="u", additional_messages=question()
            )
        )
    assert (info.value.code, info.value.msg) == (4013, "model exploded")
    assert info.value.chat.status == ChatStatus.FAILED


async def test_failed_chat_streams_chat_failed(client: Client, coze_emulator: Any) -> None:
    coze_emulator.control.script(coze_emulator.demo_bot_id, {"error": {"code": 5000, "msg": "boom"}})
    stream = await run(
        client.chat.stream(bot_id=coze_emulator.demo_bot_id, user_id="u", additional_messages=question())
    )
    events = await collect(stream)
    assert events[-1].event == ChatEventType.CONVERSATION_CHAT_FAILED
    assert events[-1].chat.last_error.code == 5000  # type: ignore[union-attr]


async def test_error_event_mid_stream_raises_typed_error(client: Client, coze_emulator: Any) -> None:
    coze_emulator.control.fault("stream_error", path="/v3/chat", code=4009, msg="overloaded", after_events=2)
    stream = await run(
        client.chat.stream(bot_id=coze_emulator.demo_bot_id, user_id="u", additional_messages=question())
    )
    with pytest.raises(cozekit.RateLimitError) as info:
        await collect(stream)
    assert info.value.msg == "overloaded"
    assert info.value.logid == stream.logid


async def test_dropped_stream_is_a_connection_error(client: Client, coze_emulator: Any) -> None:
    coze_emulator.control.fault("drop", path="/v3/chat", after_events=2)
    with pytest.raises(cozekit.APIConnectionError):
        stream = await run(
            client.chat.stream(bot_id=coze_emulator.demo_bot_id, user_id="u", additional_messages=question())
        )
        await collect(stream)


async def test_rate_limit_with_retry_after_is_retried(client: Client, coze_emulator: Any) -> None:
    coze_emulator.control.fault("http_error", path="/v1/users/me", status=429, retry_after=0, count=2)
    me = await run(client.users.me())
    assert me.user_id


async def test_server_error_on_chat_is_not_resent(client: Client, coze_emulator: Any) -> None:
    coze_emulator.control.fault("http_error", path="/v3/chat", status=502, count=1)
    with pytest.raises(cozekit.GatewayError) as info:
        await run(
            client.chat.create(bot_id=coze_emulator.demo_bot_id, user_id="u", additional_messages=question())
        )
    assert info.value.logid  # the fault fires once: a resent request would have succeeded
    coze_emulator.control.fault("http_error", path="/v1/users/me", status=502, count=1)
    assert (await run(client.users.me())).user_id  # an idempotent GET is retried


async def test_business_error_on_http_200(client: Client, coze_emulator: Any) -> None:
    coze_emulator.control.fault("business_error", path="/v1/users/me", code=4101, msg="no permission")
    with pytest.raises(cozekit.PermissionDeniedError) as info:
        await run(client.users.me(max_retries=0))
    assert info.value.status_code == 200 and info.value.code == 4101
