"""Runs chats: one asyncio task per model turn, writing state through the chat backend and, when a
client streams, frames into a queue. A task outlives its HTTP request (non-stream chats, dropped
streams) the way a real Coze chat keeps running server-side."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

from ..core.base import Account
from ..core.config import EmulatorConfig
from ..core.errors import CozeErrors
from ..core.ids import IdGenerator
from ..core.injections import ScriptBook
from ..core.llm import (
    Calls,
    DeterministicModel,
    Failure,
    Model,
    ModelRequest,
    ScriptedModel,
    Text,
    ToolCall,
    arguments_json,
    deterministic_follow_ups,
    estimate_tokens,
)
from ..core.offload import OFFLOAD
from ..core.openai_compat import OpenAICompatModel
from ..core.sse import DONE_FRAME, frame
from ..knowledge.backend import KnowledgeBackend
from ..workflows.engine.bot_tools import BINDING, BotWorkflows, workflow_ids
from .backend import ChatsBackend, Started

log = logging.getLogger("cozekit.emulator")
CANCEL_POLL_SECONDS = 0.05
"""How often a running model turn reads its chat's status for a cancel made by another worker (a cancel
made in this process is seen before the next delta)."""
DELTAS_PER_WRITE = 8
"""A model that answers without waiting (no chunk delay) hands the stream this many deltas at a time
(the loop runs between them; the stream writes what is queued in one write)."""
Sink = Optional["asyncio.Queue[Optional[bytes]]"]
VERBOSE_FINISH = json.dumps(
    {
        "msg_type": "generate_answer_finish",
        "data": json.dumps({"finish_reason": 0, "FinData": ""}, separators=(",", ":")),
        "from_module": None,
        "from_unit": None,
    },
    separators=(",", ":"),
)


class ChatEngine:
    def __init__(
        self,
        config: EmulatorConfig,
        ids: IdGenerator,
        scripts: ScriptBook,
        chats: ChatsBackend,
        knowledge: KnowledgeBackend,
        bot_workflows: BotWorkflows,
    ) -> None:
        self.config, self.ids, self.scripts = config, ids, scripts
        self.chats, self.knowledge, self.bot_workflows = chats, knowledge, bot_workflows
        self._tasks: Set[asyncio.Task[None]] = set()

    def launch(
        self,
        account: Account,
        chat_id: str,
        first: List[bytes],
        stream: bool,
        prepared: Optional[Prepared] = None,
    ) -> Sink:
        """Start the chat's model turn in the background; with `stream`, return the frame queue.
        `prepared`: what `prepare` returned in the thread that started the chat (saves a thread hop)."""
        sink: Sink = None
        if stream:
            sink = asyncio.Queue()
            for f in first:
                sink.put_nowait(f)
        task = asyncio.get_running_loop().create_task(self._run(account, chat_id, sink, prepared))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return sink

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    def _model_for(self, bot_id: str) -> Tuple[Model, Optional[List[str]]]:
        scripted = self.scripts.pop(bot_id)
        if scripted is not None:
            return ScriptedModel(scripted), scripted.follow_ups
        cfg = self.config
        if cfg.openai_base_url:
            return OpenAICompatModel(cfg.openai_base_url, cfg.openai_api_key, cfg.openai_model), None
        return DeterministicModel(cfg.chunk_size), None

    async def _run(self, account: Account, chat_id: str, sink: Sink, prepared: Optional[Prepared]) -> None:
        """The model turn: one thread hop to read and prepare it (the chat, its history, recall), the
        model's events on the loop, one hop to store the outcome with the model's input in one
        transaction. A cancel is seen before each delta: this process's at once, another worker's
        within `CANCEL_POLL_SECONDS`."""
        chats = self.chats

        def emit(event: str, data: Any) -> None:
            if sink is not None:
                sink.put_nowait(frame(event, data))

        try:
            await asyncio.sleep(0)
            if prepared is None:
                prepared = await OFFLOAD.run(self.prepare, account, chat_id)
            later, turn = prepared
            for name, data in later:
                emit(name, data)
            if turn is None:
                return
            chat, request, workflows = turn
            if workflows:  # the bot has workflows, or one waits on this conversation
                step = await self.bot_workflows.call(account, chat, request)
                for message in step.messages:
                    emit("conversation.message.completed", message)
                if step.interrupt is not None:  # a workflow question: the user answers it next
                    snap = await OFFLOAD.run(
                        chats.require_action,
                        account,
                        chat_id,
                        [step.interrupt],
                        {"input_count": 0, "output_count": 0},
                        "reply_message",
                    )
                    if snap:
                        emit("conversation.chat.requires_action", snap)
                    return
                await OFFLOAD.run(chats.record_input, account, chat_id, request)
            model, follow_ups = self._model_for(chat["bot_id"])
            msg_id = ""
            text: List[str] = []
            reasoning: List[str] = []
            calls: List[Dict[str, Any]] = []
            failure: Optional[Failure] = None
            record = not workflows  # else recorded above, after the workflow step
            checked = time.monotonic()
            deltas = 0
            async for event in model.run(request):
                if isinstance(event, Text):
                    if self.config.chunk_delay:
                        await asyncio.sleep(self.config.chunk_delay)
                    if chat_id in chats.canceled_here:
                        return
                    if time.monotonic() - checked >= CANCEL_POLL_SECONDS:
                        if await OFFLOAD.run(chats.is_canceled, account, chat_id):
                            return
                        checked = time.monotonic()
                    msg_id = msg_id or self.ids.next()
                    (reasoning if event.reasoning else text).append(event.chunk)
                    if sink is not None:
                        emit("conversation.message.delta", _delta(chat, msg_id, event))
                        deltas += 1
                        if deltas % DELTAS_PER_WRITE == 0:
                            await asyncio.sleep(0)  # let the stream send them
                elif isinstance(event, Calls):
                    calls = event.calls
                    break
                else:
                    failure = event
                    break
            if chat_id in chats.canceled_here:
                return
            prompt = request.system_prompt + "".join(m["content"] for m in request.history) + request.query
            usage = {"input_count": estimate_tokens(prompt), "output_count": estimate_tokens("".join(text))}
            if failure is not None:
                snap = await OFFLOAD.run(
                    self._fail, account, chat_id, failure.code, failure.msg, request if record else None
                )
                if snap:
                    emit("conversation.chat.failed", snap)
                return
            later = []
            await OFFLOAD.run(
                self._finish,
                account,
                chat,
                request,
                msg_id,
                text,
                reasoning,
                calls,
                follow_ups,
                usage,
                record,
                _collect(later),
            )
            for name, data in later:
                emit(name, data)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("chat %s crashed", chat_id)
            crash = CozeErrors.INTERNAL_ERROR
            snap = await OFFLOAD.run(chats.fail, account, chat_id, crash.code, crash.msg)
            if snap:
                emit("conversation.chat.failed", snap)
        finally:
            chats.canceled_here.discard(chat_id)
            if sink is not None:
                sink.put_nowait(DONE_FRAME)
                sink.put_nowait(None)

    def prepare(self, account: Account, chat_id: str, started: Optional[Started] = None) -> Prepared:
        """Before the model turn (in a worker thread): the events it emits first, and the turn.
        `started`: the chat as `ChatsBackend.begin` just recorded it, in this thread (not read again)."""
        later: List[Tuple[str, Any]] = []
        return later, self._prepare(account, chat_id, _collect(later), started)

    def _prepare(
        self, account: Account, chat_id: str, emit: Emit, started: Optional[Started] = None
    ) -> Optional[Turn]:
        """Before the model turn (in a worker thread): the chat (None if it is gone or canceled), what the
        model sees (with recalled knowledge), and whether its bot's workflows must run first."""
        chats = self.chats
        chat = started.chat if started is not None else chats.raw(account, chat_id)
        if chat is None or chat["status"] == "canceled":
            return None
        request = chats.model_request(account, chat)
        if not request.tool_outputs:
            request = self._recall(account, chat, request, emit)
        return chat, request, self._workflows_pending(account, chat, started)

    def _fail(
        self, account: Account, chat_id: str, code: int, msg: str, request: Optional[ModelRequest]
    ) -> Optional[Dict[str, Any]]:
        """A failed model turn: its input (when not yet recorded) and the failed state, in one transaction."""
        return self.chats.fail(account, chat_id, code, msg, request)

    def _workflows_pending(
        self, account: Account, chat: Dict[str, Any], started: Optional[Started] = None
    ) -> bool:
        """Whether this turn must go through the bot's workflows (`BotWorkflows.call`): the bot has
        some, or a workflow question waits on the conversation; otherwise that step does nothing.
        `started`: the bot and conversation as the chat's start read them (no store read)."""
        store = self.chats.store
        bot = started.bot if started is not None else store.get("bot", chat["bot_id"], owner=account.user_id)
        if workflow_ids(bot or {}):
            return True
        if started is not None:
            conv: Optional[Dict[str, Any]] = started.conversation
        else:
            conv = store.get("conversation", chat["conversation_id"], owner=account.space)
        return bool(conv and conv.get(BINDING))

    def _finish(
        self,
        account: Account,
        chat: Dict[str, Any],
        request: ModelRequest,
        msg_id: str,
        text: List[str],
        reasoning: List[str],
        calls: List[Dict[str, Any]],
        follow_ups: Optional[List[str]],
        usage: Dict[str, int],
        record: bool,
        emit: Emit,
    ) -> None:
        """After the model turn (in a worker thread): store the model's input (with `record`), the
        answer, the tool calls or the closing messages and the chat's end state, emitting their events."""
        chats = self.chats
        with chats.store.transaction():  # a cancel comes before (nothing is stored) or after
            held = chats.store.get("chat", chat["id"], owner=account.space, lock=True)
            if held is None or held["status"] == "canceled":
                return
            recorded = request if record else None  # stored with the chat's end state: one write of the chat
            self._outcome(
                account,
                chat,
                request,
                recorded,
                msg_id,
                text,
                reasoning,
                calls,
                follow_ups,
                usage,
                emit,
                held,
            )

    def _outcome(
        self,
        account: Account,
        chat: Dict[str, Any],
        request: ModelRequest,
        recorded: Optional[ModelRequest],
        msg_id: str,
        text: List[str],
        reasoning: List[str],
        calls: List[Dict[str, Any]],
        follow_ups: Optional[List[str]],
        usage: Dict[str, int],
        emit: Emit,
        held: Dict[str, Any],
    ) -> None:
        """The turn's outcome, in the transaction that read the chat locked (`held`): its replies need no
        read of their conversation, its end state no second read of the chat."""
        chats = self.chats
        if msg_id:
            answer = chats.add_reply(
                account, chat, "answer", "".join(text), id=msg_id, reasoning="".join(reasoning), held=True
            )
            emit("conversation.message.completed", answer)
        if calls:
            self._require_action(account, chat, calls, usage, emit, recorded)
            return
        verbose = chats.add_reply(account, chat, "verbose", VERBOSE_FINISH, held=True)
        emit("conversation.message.completed", verbose)
        wanted = self.config.follow_ups
        if follow_ups is None and (wanted or (wanted is None and chat["bot"]["suggest"])):
            follow_ups = deterministic_follow_ups(request.query)
        for question in follow_ups or []:
            reply = chats.add_reply(account, chat, "follow_up", question, held=True)
            emit("conversation.message.completed", reply)
        snap = chats.complete(account, chat["id"], usage, recorded, held)
        if snap:
            emit("conversation.chat.completed", snap)

    def _recall(
        self, account: Account, chat: Dict[str, Any], request: ModelRequest, emit: Any
    ) -> ModelRequest:
        """Knowledge recall before the model turn: a `knowledge` message, and the slices in the prompt."""
        knowledge = chat["bot"].get("knowledge") or {}
        slices, content = self.knowledge.recall_for_chat(account, knowledge, request.query)
        if not slices:
            return request
        emit("conversation.message.completed", self.chats.add_reply(account, chat, "knowledge", content))
        prompt = f"{request.system_prompt}\n\nRecalled knowledge:\n{content}".lstrip()
        return dataclasses.replace(request, knowledge=slices, system_prompt=prompt)

    def _require_action(
        self,
        account: Account,
        chat: Dict[str, Any],
        raw_calls: List[Dict[str, Any]],
        usage: Dict[str, int],
        emit: Any,
        recorded: Optional[ModelRequest] = None,
    ) -> None:
        chats = self.chats
        calls = [
            ToolCall(
                id=str(c.get("id") or f"call_{self.ids.next()}"),
                name=str(c["name"]),
                arguments=arguments_json(c.get("arguments") or {}),
            )
            for c in raw_calls
        ]
        for call in calls:
            content = json.dumps(
                {
                    "name": call.name,
                    "arguments": _loads(call.arguments),
                    "plugin_type": 1,
                    "thought": "",
                },
                ensure_ascii=False,
            )
            emit("conversation.message.completed", chats.add_reply(account, chat, "function_call", content))
        snap = chats.require_action(account, chat["id"], calls, usage, model_input=recorded)
        if snap:
            emit("conversation.chat.requires_action", snap)


def _loads(arguments: str) -> Any:
    try:
        return json.loads(arguments or "{}")
    except ValueError:
        return arguments


def _delta(chat: Dict[str, Any], msg_id: str, event: Text) -> Dict[str, Any]:
    return {
        "id": msg_id,
        "conversation_id": chat["conversation_id"],
        "bot_id": chat["bot_id"],
        "role": "assistant",
        "type": "answer",
        "content": "" if event.reasoning else event.chunk,
        "content_type": "text",
        "chat_id": chat["id"],
        "section_id": chat["section_id"],
        **({"reasoning_content": event.chunk} if event.reasoning else {}),
    }


Emit = Callable[[str, Any], None]
Turn = Tuple[Dict[str, Any], ModelRequest, bool]
"""A prepared model turn: the chat, what the model sees, whether the bot's workflows run first."""
Prepared = Tuple[List[Tuple[str, Any]], Optional[Turn]]
"""`ChatEngine.prepare`: the events to emit first, and the turn (None: the chat is gone or canceled)."""


def _collect(into: List[Tuple[str, Any]]) -> Emit:
    """An `emit` for code running in a worker thread: events are kept, the loop sends them after."""

    def emit(event: str, data: Any) -> None:
        into.append((event, data))

    return emit
