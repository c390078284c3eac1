"""Chatflows (`/v1/workflows/chat`): a chatflow run bound to a conversation, streamed as chat events.

This turn's user message is `USER_INPUT`; earlier questions and answers of the conversation's section
are the history LLM nodes see. Each node's text becomes one assistant `answer` message. A question
node ends the turn in `requires_action`, and the next call in the same conversation answers it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json
from typing import Any, Awaitable, Dict, List, Optional, Set, Tuple

from ...conversations.backend import ConversationsBackend
from ...conversations.messages import MessagesBackend, render_message
from ...core.base import Account
from ...core.errors import EmulatorError, bad_request, not_found
from ...core.ids import IdGenerator
from ...core.offload import OFFLOAD
from ...core.sse import frame
from ...core.store import Store
from ..backend import WorkflowsBackend
from .context import Done, Failed, Interrupted
from .service import STREAM, RunRequest, WorkflowRunner

BINDING = "chatflow_interrupt"
"""Key on the conversation document: the interrupt the next user message answers."""
MAX_MESSAGES = 50


@dataclasses.dataclass
class ChatflowRequest:
    workflow_id: str
    additional_messages: List[Dict[str, Any]]
    parameters: Any = None
    app_id: Optional[str] = None
    bot_id: Optional[str] = None
    conversation_id: Optional[str] = None
    workflow_version: Optional[str] = None
    connector_id: Optional[str] = None
    base_url: str = ""
    logid: str = ""
    user_id: Optional[str] = None
    """`ext.user_id`: the end user of canvas user variables and named conversations."""


def _verbose(msg_type: str, data: str) -> str:
    body = {"msg_type": msg_type, "data": data, "from_module": None, "from_unit": None}
    return json.dumps(body, separators=(",", ":"))


def _finish_reason(reason: int) -> str:
    return _verbose("generate_answer_finish", json.dumps({"finish_reason": reason, "FinData": ""}))


CARD_TEMPLATE_ID = 7383997384420262000
"""The card template Coze Studio names in a chatflow's input and option-question cards."""


def question_card(interrupt: Dict[str, Any]) -> Optional[str]:
    """The card message (JSON text) a chatflow shows for an input node's form or a question with
    options, as Coze Studio shows them; None for a question asked as text. `x_properties`'
    `workflow_card_info` carries the fields or options (Coze Studio's names); `data` holds the same values,
    not Coze Studio's card layout."""
    try:
        payload = json.loads(str(interrupt.get("data") or ""))
    except json.JSONDecodeError:
        return None
    if not isinstance(payload, dict):
        return None
    info: Dict[str, Any]
    if payload.get("content_type") == "form_schema":
        try:
            fields = json.loads(str(payload.get("content") or "[]"))
        except json.JSONDecodeError:
            return None
        keep = ("type", "name", "required")
        fields = [{k: f.get(k) for k in keep} for f in fields if isinstance(f, dict)]
        info = {"card_type": "INPUT", "input_card_data": fields}
    else:
        messages = payload.get("messages")
        asked = messages[-1] if isinstance(messages, list) and messages else None
        if not isinstance(asked, dict) or asked.get("content_type") != "option":
            return None
        raw = asked.get("content")
        content: Dict[str, Any] = raw if isinstance(raw, dict) else {}
        options = [{"name": str((o or {}).get("name") or "")} for o in content.get("options") or []]
        title = str(content.get("question") or "")
        info = {"card_type": "QUESTION", "question_card_data": {"Title": title, "Options": options}}
    text = json.dumps(info, ensure_ascii=False, separators=(",", ":"))
    card = {
        "card_type": 3,
        "content_type": 50,
        "response_type": "card",
        "template_id": CARD_TEMPLATE_ID,
        "template_url": "",
        "data": text,
        "x_properties": {"workflow_card_info": text},
    }
    return json.dumps(card, ensure_ascii=False, separators=(",", ":"))


def _check(flows: Chatflows, account: Account, req: ChatflowRequest) -> None:
    msgs = req.additional_messages
    if not msgs or msgs[-1]["role"] != "user":
        raise bad_request("additional_messages must end with this turn's user message (USER_INPUT)")
    if len(msgs) > MAX_MESSAGES:
        raise bad_request(f"additional_messages allows at most {MAX_MESSAGES} messages")
    if req.bot_id and req.app_id:
        raise bad_request("bot_id and app_id cannot both be set")
    if req.bot_id and flows.store.get("bot", req.bot_id, owner=account.user_id) is None:
        raise not_found("bot_id", req.bot_id)
    definition = flows.workflows.published(account, req.workflow_id, req.workflow_version)[1]
    if definition.mode != "chatflow":
        raise bad_request(f"workflow_id={req.workflow_id} is not a chatflow; run it with /v1/workflow/run")


@dataclasses.dataclass
class Chatflows:
    """Chatflow chats (`/v1/workflows/chat` and the voice chat): what they need, and `start`."""

    store: Store
    ids: IdGenerator
    conversations: ConversationsBackend
    messages: MessagesBackend
    workflows: WorkflowsBackend
    runner: WorkflowRunner

    async def start(self, account: Account, req: ChatflowRequest) -> asyncio.Queue[Optional[bytes]]:
        """Check the request and record the turn (in the thread pool), then run it in the background;
        the queue gets its frames."""
        return self.launch(account, await asyncio.to_thread(self.record, account, req))

    def record(self, account: Account, req: ChatflowRequest) -> RecordedTurn:
        """Check the request (errors before any event) and record the turn (store work: any thread)."""
        return record_chatflow(self, account, req)

    def launch(self, account: Account, turn: RecordedTurn) -> asyncio.Queue[Optional[bytes]]:
        """Start a recorded turn's run in the background (on the event loop); the queue gets its frames."""
        conv, chat, bot_id, run_doc, answer = turn
        queue: asyncio.Queue[Optional[bytes]] = asyncio.Queue()
        queue.put_nowait(frame("conversation.chat.created", chat))
        chat["status"] = "in_progress"
        queue.put_nowait(frame("conversation.chat.in_progress", chat))
        self.runner.launch(_Turn(self, account, conv, chat, bot_id, queue).run(run_doc, answer))
        return queue


RecordedTurn = Tuple[Dict[str, Any], Dict[str, Any], str, Dict[str, Any], Optional[str]]
"""A recorded chatflow turn: its conversation, chat, bot id, run and the answer it resumes with."""


def record_chatflow(flows: Chatflows, account: Account, req: ChatflowRequest) -> RecordedTurn:
    """Check the request (errors before any event) and record the turn, its run first."""
    _check(flows, account, req)
    conversations, messages = flows.conversations, flows.messages
    conv = conversations.get(account, req.conversation_id) if req.conversation_id else None
    section = conv["last_section_id"] if conv else ""
    history = [
        {"role": m["role"], "content": messages.flatten(account, m["content"], m["content_type"])}
        for m in (
            messages.of_conversation(
                account, conv["id"], section_id=section, type=["question", "answer"], hidden=False
            )
            if conv
            else []
        )
    ]
    entries = [
        (m, str(m.get("content") or ""), str(m.get("content_type") or "text"))
        for m in req.additional_messages
    ]
    history += [{"role": m["role"], "content": messages.flatten(account, c, t)} for m, c, t in entries[:-1]]
    query = messages.flatten(account, entries[-1][1], entries[-1][2])

    # the run first: a rejected request (4000...) leaves no trace in the conversation
    runner = flows.runner
    binding = (conv or {}).get(BINDING)
    run_doc: Optional[Dict[str, Any]] = None
    answer: Optional[str] = None
    if binding and binding["workflow_id"] == req.workflow_id:
        try:
            run_doc = runner.prepare_resume(account, req.workflow_id, binding["event_id"], binding["type"])
            answer = query
        except EmulatorError:
            run_doc = None  # the interrupted run is gone or finished: start afresh
    if run_doc is None:
        run = RunRequest(**{f.name: getattr(req, f.name) for f in dataclasses.fields(RunRequest)})
        run_doc = runner.create(account, run, STREAM, extra={"USER_INPUT": query}, history=history)

    with flows.store.transaction():  # the conversation as it is now: a clear or rename meanwhile is kept
        if conv is None:
            conv = conversations.create(account, bot_id=req.bot_id, connector_id=req.connector_id)
        else:
            conv = conversations.get(account, conv["id"], lock=True)
        run_doc["conversation_id"] = conv["id"]  # the `Default` conversation of conversation nodes
        conv.pop(BINDING, None)
        conversations.save(account, conv)
        chat_id = flows.ids.next()
        for i, (m, content, ctype) in enumerate(entries):
            last = i == len(entries) - 1
            kind = "question" if m["role"] == "user" else "answer"
            messages.add(
                account,
                conv,
                role=m["role"],
                type=kind,
                content=content,
                content_type=ctype,
                chat_id=chat_id if last else "",
            )

    chat: Dict[str, Any] = {
        "id": chat_id,
        "conversation_id": conv["id"],
        "created_at": flows.workflows.now(),
        "last_error": {"code": 0, "msg": ""},
        "status": "created",
        "usage": {"token_count": 0, "output_count": 0, "input_count": 0},
        "section_id": conv["last_section_id"],
    }
    return conv, chat, req.bot_id or "", run_doc, answer


class _Turn:
    def __init__(
        self,
        flows: Chatflows,
        account: Account,
        conv: Dict[str, Any],
        chat: Dict[str, Any],
        bot_id: str,
        queue: asyncio.Queue[Optional[bytes]],
    ) -> None:
        self.flows, self.account, self.conv, self.chat, self.bot_id = flows, account, conv, chat, bot_id
        self.queue = queue
        self.open: Dict[str, Dict[str, Any]] = {}
        """Messages being streamed, by node_execute_uuid: their id and the text so far."""
        self.cards: Set[str] = set()
        """Nodes whose question is shown as a card when the run stops there, not as their text."""
        self.shows_cards = False
        """Whether the workflow (a canvas) shows forms and options as cards."""

    def put(self, event: str, data: Any) -> None:
        self.queue.put_nowait(frame(event, data))

    def add(
        self,
        type: str,
        content: str,
        id: Optional[str] = None,
        hidden: bool = False,
        content_type: str = "text",
    ) -> Dict[str, Any]:
        doc = self.flows.messages.add(
            self.account,
            self.conv,
            role="assistant",
            type=type,
            content=content,
            content_type=content_type,
            bot_id=self.bot_id,
            chat_id=self.chat["id"],
            id=id,
            hidden=hidden,
        )
        return render_message(doc)

    async def _put_added(self, type: str, content: str, **fields: Any) -> None:
        """Store a message (in a worker thread), then send its `conversation.message.completed`."""
        added = await OFFLOAD.run(functools.partial(self.add, type, content, **fields))
        self.put("conversation.message.completed", added)

    def on_event(self, event: str, data: Dict[str, Any]) -> Optional[Awaitable[None]]:
        """Workflow `Message` events become answer deltas, one message per node execution; a node's
        last one stores its message (the run awaits that before it goes on: `context.Emit`)."""
        if event != "Message" or data.get("node_id") in self.cards:
            return None
        uuid = str(data.get("node_execute_uuid"))
        current = self.open.setdefault(
            uuid, {"id": self.flows.ids.next(), "parts": [], "created_at": self.flows.workflows.now()}
        )
        current["parts"].append(data["content"])
        delta = {
            "id": current["id"],
            "conversation_id": self.conv["id"],
            "role": "assistant",
            "type": "answer",
            "content": data["content"],
            "content_type": "text",
            "chat_id": self.chat["id"],
            "section_id": self.conv["last_section_id"],
            "created_at": current["created_at"],
        }
        if self.bot_id:
            delta["bot_id"] = self.bot_id
        self.put("conversation.message.delta", delta)
        if data.get("node_is_finish"):
            del self.open[uuid]
            return self._put_added("answer", "".join(current["parts"]), id=current["id"])
        return None

    def _bind(self, workflow_id: str, interrupt: Dict[str, Any]) -> None:
        """The conversation's next turn answers this interrupt (written under its lock)."""
        with self.flows.store.transaction():
            conv = self.flows.conversations.get(self.account, self.conv["id"], lock=True)
            conv[BINDING] = {
                "workflow_id": workflow_id,
                "event_id": interrupt["event_id"],
                "type": interrupt["type"],
            }
            self.flows.conversations.save(self.account, conv)

    async def run(self, run_doc: Dict[str, Any], answer: Optional[str]) -> None:
        try:
            try:
                found = await asyncio.to_thread(
                    self.flows.workflows.published, self.account, run_doc["workflow_id"], run_doc["version"]
                )
                self.cards = found[1].card_nodes()
                self.shows_cards = found[1].shows_cards
            except EmulatorError:
                pass  # the run fails with the same error
            outcome = await self.flows.runner.execute(self.account, run_doc, answer, self.on_event)
            chat = self.chat
            chat["usage"] = dict(run_doc["engine"]["usage"])
            now = self.flows.workflows.now()
            if isinstance(outcome, Done):
                await self._put_added("verbose", _finish_reason(0), hidden=True)
                chat.update(status="completed", completed_at=now)
                self.put("conversation.chat.completed", chat)
            elif isinstance(outcome, Interrupted):
                data = outcome.interrupt_data
                card = question_card(data) if self.shows_cards else None
                if card is not None:
                    await self._put_added("answer", card, content_type="card")
                await self._put_added("verbose", _verbose("interrupt", ""), hidden=True)
                await self._put_added("verbose", _finish_reason(1), hidden=True)
                await OFFLOAD.run(self._bind, run_doc["workflow_id"], data)
                chat.update(status="requires_action")
                self.put("conversation.chat.requires_action", chat)
            else:
                assert isinstance(outcome, Failed)
                chat.update(
                    status="failed", failed_at=now, last_error={"code": outcome.code, "msg": outcome.msg}
                )
                self.put("conversation.chat.failed", chat)
            self.put("done", {"debug_url": run_doc["debug_url"]})
        finally:
            self.queue.put_nowait(None)
