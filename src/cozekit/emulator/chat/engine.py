"""Runs chats. A model turn that needs no waiting runs in the thread and transaction that record its
chat (`ChatEngine.settle`); any other runs as an asyncio task, writing state through the chat backend
and, when a client streams, frames into a queue. A task outlives its HTTP request (non-stream chats,
dropped streams) the way a real Coze chat keeps running server-side."""

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
    ModelEvent,
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
from .backend import ChatsBackend, ChatStart, Started

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

    def start(self, account: Account, req: ChatStart) -> Begun:
        """Record a new chat and prepare its model turn, in one transaction (in a worker thread); when
        nothing in the turn waits (`settle`), run it there too, so the chat ends in that transaction."""
        chats = self.chats
        with self.scripts.kept_on_failure(), chats.store.transaction():
            started = chats.begin(account, req)
            prepared = self.prepare(account, started.chat["id"], started)
            settled = self.settle(account, started, prepared, req.stream)
        frames: List[bytes] = []
        if req.stream:
            frames.append(frame("conversation.chat.created", started.created))
            frames.append(frame("conversation.chat.in_progress", started.in_progress))
        if settled is None:
            return Begun(started.created, started.in_progress, prepared, frames)
        if req.stream:
            frames += [frame(name, data) for name, data in settled]
            frames.append(DONE_FRAME)
        return Begun(started.created, started.in_progress, None, frames)

    def settle(
        self, account: Account, started: Started, prepared: Prepared, stream: bool
    ) -> Optional[List[Tuple[str, Any]]]:
        """The whole model turn now, in the thread and transaction that recorded the chat, when nothing in
        it waits: no streaming delay, no workflow step, a model that answers without I/O (`at_once`).
        Returns every event after the start's (deltas only with `stream`); None: run it as a task."""
        later, turn = prepared
        if turn is None:
            return later
        chat, request, workflows = turn
        if workflows or self.config.chunk_delay:
            return None
        model, follow_ups = self._model_for(chat["bot_id"])
        answer = Answer()
        deltas = []
        try:
            events = model.at_once(request)
            if events is None:
                return None
            for event in events:
                text = answer.take(event, self.ids)
                if text is None:
                    break
                if stream:
                    deltas.append(_delta(chat, answer.msg_id, text))
        except Exception:  # as in a task: the chat fails (nothing of the turn is written yet)
            log.exception("chat %s crashed", chat["id"])
            crash = CozeErrors.INTERNAL_ERROR
            answer, deltas = Answer(failure=Failure(crash.code, crash.msg)), []
        emit = _collect(later)
        for delta in deltas:
            emit("conversation.message.delta", delta)
        self._conclude(account, chat, request, answer, follow_ups, True, emit, started.chat)
        return later

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
            answer = Answer()
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
                text = answer.take(event, self.ids)
                if text is None:
                    break
                if sink is not None:
                    emit("conversation.message.delta", _delta(chat, answer.msg_id, text))
                    deltas += 1
                    if deltas % DELTAS_PER_WRITE == 0:
                        await asyncio.sleep(0)  # let the stream send them
            if chat_id in chats.canceled_here:
                return
            later = []
            record = not workflows  # else recorded above, after the workflow step
            await OFFLOAD.run(
                self._conclude, account, chat, request, answer, follow_ups, record, _collect(later)
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
        request = chats.model_request(account, chat, started.messages if started is not None else None)
        if not request.tool_outputs:
            request = self._recall(account, chat, request, emit)
        return chat, request, self._workflows_pending(account, chat, started)

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

    def _conclude(
        self,
        account: Account,
        chat: Dict[str, Any],
        request: ModelRequest,
        answer: Answer,
        follow_ups: Optional[List[str]],
        record: bool,
        emit: Emit,
        held: Optional[Dict[str, Any]] = None,
    ) -> None:
        """After the model turn (in a worker thread): store the model's input (with `record`) and the
        turn's outcome, in one transaction, emitting their events. `held`: the chat as this transaction
        wrote it (not read again); else it is read locked, and a cancel made meanwhile wins."""
        chats = self.chats
        recorded = request if record else None  # stored with the chat's end state: one write of the chat
        if answer.failure is not None:
            failure = answer.failure
            snap = chats.fail(account, chat["id"], failure.code, failure.msg, recorded)
            if snap:
                emit("conversation.chat.failed", snap)
            return
        with chats.store.transaction():  # a cancel comes before (nothing is stored) or after
            if held is None:
                held = chats.store.get("chat", chat["id"], owner=account.space, lock=True)
            if held is None or held["status"] == "canceled":
                return
            self._outcome(account, chat, request, recorded, answer, follow_ups, emit, held)

    def _outcome(
        self,
        account: Account,
        chat: Dict[str, Any],
        request: ModelRequest,
        recorded: Optional[ModelRequest],
        answer: Answer,
        follow_ups: Optional[List[str]],
        emit: Emit,
        held: Dict[str, Any],
    ) -> None:
        """The turn's outcome, in the transaction that holds the chat (`held`): its replies need no read
        of their conversation, its end state no second read of the chat."""
        chats = self.chats
        prompt = request.system_prompt + "".join(m["content"] for m in request.history) + request.query
        text = "".join(answer.text)
        usage = {"input_count": estimate_tokens(prompt), "output_count": estimate_tokens(text)}
        if answer.msg_id:
            reasoning = "".join(answer.reasoning)
            reply = chats.add_reply(
                account, chat, "answer", text, id=answer.msg_id, reasoning=reasoning, held=True
            )
            emit("conversation.message.completed", reply)
        if answer.calls:
            self._require_action(account, chat, answer.calls, usage, emit, recorded)
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
        calls: List[ToolCall],
        usage: Dict[str, int],
        emit: Emit,
        recorded: Optional[ModelRequest] = None,
    ) -> None:
        chats = self.chats
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


@dataclasses.dataclass
class Answer:
    """What a model turn has said: its answer message (id, text, reasoning), or where it stopped
    (tool calls, a failure)."""

    msg_id: str = ""
    text: List[str] = dataclasses.field(default_factory=list)
    reasoning: List[str] = dataclasses.field(default_factory=list)
    calls: List[ToolCall] = dataclasses.field(default_factory=list)
    failure: Optional[Failure] = None

    def take(self, event: ModelEvent, ids: IdGenerator) -> Optional[Text]:
        """Add a model event; returns it when it is text (the turn goes on), None when it ends the turn."""
        if isinstance(event, Calls):
            self.calls = [
                ToolCall(
                    id=str(c.get("id") or f"call_{ids.next()}"),
                    name=str(c["name"]),
                    arguments=arguments_json(c.get("arguments") or {}),
                )
                for c in event.calls
            ]
            return None
        if isinstance(event, Failure):
            self.failure = event
            return None
        self.msg_id = self.msg_id or ids.next()
        (self.reasoning if event.reasoning else self.text).append(event.chunk)
        return event


@dataclasses.dataclass
class Begun:
    """A chat `ChatEngine.start` recorded: its `created` and `in_progress` snapshots and its model turn,
    `prepared` to run as a task, or None when the turn already ran (`settle`). For a stream, `frames`:
    the start's two, or every frame from `created` to `done` when the turn already ran."""

    created: Dict[str, Any]
    in_progress: Dict[str, Any]
    prepared: Optional[Prepared]
    frames: List[bytes] = dataclasses.field(default_factory=list)


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
