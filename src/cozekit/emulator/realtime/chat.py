"""`/v1/chat`: voice (or text) chat with a bot. Speech in is transcribed (on `complete`, or by server
turn detection), the bot answers through the emulator's chat engine, and the answer comes back as
text deltas plus spoken audio. A new user turn, `conversation.chat.cancel`, or (with server_vad)
the user speaking again interrupts a reply with `conversation.chat.canceled`."""

from __future__ import annotations

import asyncio
import contextlib
import json
from asyncio import to_thread
from typing import Any, AsyncIterator, Coroutine, Dict, List, Optional, Tuple

from ..audio.voice import pcm as pcmlib
from ..audio.voice.vad import TurnDetector
from ..chat.backend import ChatStart
from ..conversations.messages import render_message
from ..core.errors import CozeErrors, EmulatorError, bad_request
from ..core.sse import drain, frame
from ..workflows.engine.chatflow import ChatflowRequest
from .audio_config import (
    INPUT_DEFAULTS,
    OUTPUT_DEFAULTS,
    audio_delta,
    input_audio,
    is_opus_input,
    output_audio,
)
from .codecs import InputDecoder
from .pacing import Pacer, pacer_for
from .session import Closed, Session, log
from .voice_out import Speaker

AUDIO_KEYS = ("id", "conversation_id", "bot_id", "role", "type", "chat_id", "section_id")
TURN_TYPES = ("client_interrupt", "server_vad", "semantic_vad")
ALWAYS_SENT = ("error", "chat.created", "chat.updated")
INTERRUPTED_BY_SPEECH, CANCELED_BY_USER, REPLACED_BY_MESSAGE = 1, 2, 3


def parse_frame(frame: bytes) -> Tuple[str, Any]:
    head, _, data = frame.decode().partition("\ndata:")
    return head[len("event:") :], json.loads(data)


class ChatSession(Session):
    created_event = "chat.created"
    for_channels = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.bot_id = self.ws.query_params.get("bot_id") or ""
        self.workflow_id = self.ws.query_params.get("workflow_id") or ""
        """With a workflow id, each turn runs that chatflow (`/v1/workflows/chat`) instead of the bot."""
        self.chat_config: Dict[str, Any] = {}
        self.input: Dict[str, Any] = dict(INPUT_DEFAULTS)
        self.output: Dict[str, Any] = dict(OUTPUT_DEFAULTS)
        self.turn_detection: Dict[str, Any] = {"type": "client_interrupt"}
        self.extra: Dict[str, Any] = {}
        self.subscriptions: Optional[List[str]] = None
        self.buffer = b""
        self.detector: Optional[TurnDetector] = None
        self.decoder: Optional[InputDecoder] = None
        self.pending: List[Dict[str, Any]] = []
        self.conversation_id = ""
        self.chat_id = ""
        self.turn: Optional[asyncio.Task[None]] = None
        self.pacer: Optional[Pacer] = None
        """`limit_config` pacing of the audio deltas, across sentences and turns."""

    async def opened(self) -> None:
        if not self.bot_id:
            raise bad_request("bot_id is required in the query string")
        if self.workflow_id and self.account.scoped:
            raise CozeErrors.NO_PERMISSION()  # a channel token may not run workflows (as on REST)
        await to_thread(
            self.services.bots.for_chat, self.account, self.bot_id, None
        )  # 4101 for a bot outside its scope
        await super().opened()

    async def emit(self, event_type: str, data: Optional[Any] = None) -> None:
        subscribed = self.subscriptions is None or event_type in self.subscriptions
        if not subscribed and event_type not in ALWAYS_SENT:
            return
        await super().emit(event_type, data)

    async def finished(self) -> None:
        await self._stop_turn()

    # configuration

    async def on_chat_update(self, data: Dict[str, Any]) -> None:
        chat_config = {**self.chat_config, **(data.get("chat_config") or {})}
        conversation_id = chat_config.get("conversation_id")
        if conversation_id:
            await to_thread(self.services.conversations.get, self.account, str(conversation_id))
        new_input = input_audio(self.input, data.get("input_audio") or {}, g711=True)
        new_output = output_audio(self.output, data.get("output_audio") or {}, g711=True)
        await to_thread(self.services.audio.voice, self.account, str(new_output["voice_id"]))
        turn_detection = {**self.turn_detection, **(data.get("turn_detection") or {})}
        if turn_detection.get("type") not in TURN_TYPES:
            raise bad_request(f"turn_detection.type must be one of {', '.join(TURN_TYPES)}")
        check_interrupt_config(turn_detection.get("interrupt_config"))
        await self._check_voice_print(data.get("voice_print_config"))
        subscriptions = data.get("event_subscriptions")
        if subscriptions is not None and not isinstance(subscriptions, list):
            raise bad_request("event_subscriptions must be a list of event types")
        self.chat_config, self.input, self.output = chat_config, new_input, new_output
        self.turn_detection = turn_detection
        if conversation_id:
            self.conversation_id = str(conversation_id)
        if subscriptions is not None:
            self.subscriptions = [str(s) for s in subscriptions]
        for key in ("asr_config", "need_play_prologue", "prologue_content", "voice_print_config"):
            if data.get(key) is not None:
                self.extra[key] = data[key]
        self.detector = self._detector()
        self.decoder = None
        self.pacer = pacer_for(new_output, pcm_needs_frame_size=True)
        await self.emit("chat.updated", self.effective())
        if data.get("need_play_prologue"):
            await self._prologue()

    async def _check_voice_print(self, config: Any) -> None:
        """The group must be the caller's and the score 0-100 (matches are not surfaced: Coze does not
        document where they appear)."""
        if not config:
            return
        if not isinstance(config, dict):
            raise bad_request("voice_print_config must be an object")
        if config.get("group_id"):
            await to_thread(self.services.voiceprints.check_group, self.account, str(config["group_id"]))
        if not 0 <= int(config.get("score", 40)) <= 100:
            raise bad_request("voice_print_config.score must be between 0 and 100")

    def effective(self) -> Dict[str, Any]:
        out = {
            "chat_config": self.chat_config,
            "input_audio": self.input,
            "output_audio": self.output,
            "turn_detection": self.turn_detection,
            **self.extra,
        }
        if self.subscriptions is not None:
            out["event_subscriptions"] = self.subscriptions
        return out

    def _detector(self) -> Optional[TurnDetector]:
        kind = self.turn_detection["type"]
        if kind == "client_interrupt":
            return None
        silence = int(self.turn_detection.get("silence_duration_ms") or 500)
        if kind == "semantic_vad":
            semantic = self.turn_detection.get("semantic_vad_config") or {}
            silence = int(semantic.get("silence_threshold_ms") or 300)
        prefix = int(self.turn_detection.get("prefix_padding_ms") or 600)
        return TurnDetector(int(self.input["sample_rate"]), silence, prefix)

    async def _prologue(self) -> None:
        text = self.extra.get("prologue_content")
        if not text:
            bot = await to_thread(self.services.bots.for_chat, self.account, self.bot_id, None)
            text = (bot["config"].get("onboarding_info") or {}).get("prologue") or ""
        if text:
            await self._speak_alone(str(text))

    # audio in

    async def on_input_audio_buffer_append(self, data: Dict[str, Any]) -> None:
        chunk = audio_delta(data)
        if self.detector is None:
            self.buffer += chunk
            if is_opus_input(self.input):
                self._input_decoder().feed(chunk)  # opus keeps state: decode in order, as it comes
            return
        keywords = self.turn_detection.get("interrupt_config") or {}
        for event in self.detector.feed(self._pcm_chunk(chunk)):
            if event[0] == "speech_started":
                await self.emit("input_audio_buffer.speech_started")
                if not keywords.get("mode"):
                    await self.interrupt(INTERRUPTED_BY_SPEECH, "interrupted by the user speaking")
            else:
                await self.emit("input_audio_buffer.speech_stopped")
                await self._heard(pcmlib.wav_bytes(event[1], int(self.input["sample_rate"])), keywords)

    def _pcm_chunk(self, chunk: bytes) -> bytes:
        return self._input_decoder().feed(chunk)

    def _input_decoder(self) -> InputDecoder:
        if self.decoder is None:
            self.decoder = InputDecoder(self.input)
        return self.decoder

    async def on_input_audio_buffer_complete(self, data: Dict[str, Any]) -> None:
        """Push to talk: the buffered speech is a user turn. With server turn detection (server_vad,
        semantic_vad) the event has no effect, as Coze documents: no reply, the turn ends on silence."""
        if self.detector is not None:
            return
        await self.emit("input_audio_buffer.completed")
        buffer, self.buffer = self.buffer, b""
        decoder, self.decoder = self._input_decoder(), None
        await self._heard(decoder.whole(buffer))

    async def on_input_audio_buffer_clear(self, data: Dict[str, Any]) -> None:
        self.buffer, self.decoder = b"", None
        if self.detector is not None:
            self.detector.clear()
        await self.emit("input_audio_buffer.cleared")

    async def _heard(self, wav: bytes, keywords: Optional[Dict[str, Any]] = None) -> None:
        """A user turn from speech. With keyword interruption, speech during a reply only counts
        (and interrupts it) when it has one of the keywords."""
        text = await asyncio.to_thread(self.services.audio.transcribe, wav)
        await self.emit("conversation.audio_transcript.update", {"content": text})
        await self.emit("conversation.audio_transcript.completed", {"content": text})
        if not text:
            return
        if keywords and keywords.get("mode") and self.turn is not None and not self.turn.done():
            if not keyword_hit(text, keywords):
                return
            await self.interrupt(INTERRUPTED_BY_SPEECH, "interrupted by a keyword")
        await self._start({"role": "user", "content_type": "text", "content": text})

    # messages and chat control

    async def on_conversation_message_create(self, data: Dict[str, Any]) -> None:
        role = data.get("role")
        content_type = data.get("content_type") or "text"
        content = data.get("content")
        if role not in ("user", "assistant"):
            raise bad_request("role must be user or assistant")
        if content_type not in ("text", "object_string") or not isinstance(content, str):
            raise bad_request("content_type must be text or object_string, with string content")
        await to_thread(self.services.messages.check_content, self.account, content, content_type)
        message = {"role": role, "content_type": content_type, "content": content}
        if role == "assistant":
            self.pending.append({**message, "type": "answer"})
            return
        await self.interrupt(REPLACED_BY_MESSAGE, "replaced by a new message")
        await self._start(message)

    async def on_conversation_clear(self, data: Dict[str, Any]) -> None:
        await self._stop_turn()
        if self.conversation_id:
            await to_thread(self.services.conversations.clear, self.account, self.conversation_id)
        self.pending = []
        await self.emit("conversation.cleared")

    async def on_conversation_chat_cancel(self, data: Dict[str, Any]) -> None:
        if not await self.interrupt(CANCELED_BY_USER, "canceled by the user"):
            raise bad_request("no chat is in progress")

    async def on_conversation_chat_submit_tool_outputs(self, data: Dict[str, Any]) -> None:
        chat_id = str(data.get("chat_id") or self.chat_id)
        outputs = [
            {"tool_call_id": str(o["tool_call_id"]), "output": str(o["output"])} for o in data["tool_outputs"]
        ]
        if not self.conversation_id:
            raise bad_request("no chat is waiting for tool outputs")
        first = await to_thread(self._submit, self.conversation_id, chat_id, outputs)
        queue = self.services.engine.launch(self.account, chat_id, first, stream=True)
        assert queue is not None
        self.turn = asyncio.get_running_loop().create_task(self._guarded(self._relay(queue)))

    def _submit(self, conversation_id: str, chat_id: str, outputs: List[Dict[str, str]]) -> List[bytes]:
        """Record the tool outputs (store work: a worker thread); the frames the turn starts with."""
        chats = self.services.chats
        responses = chats.submit_tool_outputs(self.account, conversation_id, chat_id, outputs)
        first = [frame("conversation.chat.in_progress", chats.snapshot(self.account, chat_id))]
        return first + [frame("conversation.message.completed", r) for r in responses]

    async def on_input_text_generate_audio(self, data: Dict[str, Any]) -> None:
        text = data.get("text")
        if data.get("mode", "text") != "text" or not isinstance(text, str) or not text:
            raise bad_request("input_text.generate_audio takes {mode: text, text}")
        if len(text.encode()) > 1024:
            raise CozeErrors.TEXT_TOO_LONG(limit=1024)
        await self._speak_alone(text)

    async def _speak_alone(self, text: str) -> None:
        speaker = Speaker(
            self,
            self.services.audio.synthesize,
            {"id": "0", "role": "assistant", "type": "answer", "chat_id": "0"},
        )
        await speaker.say(text)
        await self.emit("conversation.audio.completed", speaker.audio_message(""))

    # turns

    async def interrupt(self, code: int, msg: str) -> bool:
        """Stop the running reply; True (and `conversation.chat.canceled`) if there was one."""
        if not await self._stop_turn():
            return False
        await self.emit("conversation.chat.canceled", {"code": code, "msg": msg})
        return True

    async def _stop_turn(self) -> bool:
        task, self.turn = self.turn, None
        if task is None or task.done():
            return False
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        if self.chat_id and self.conversation_id:
            with contextlib.suppress(EmulatorError):
                await to_thread(self.services.chats.cancel, self.account, self.conversation_id, self.chat_id)
        return True

    async def _start(self, message: Dict[str, Any]) -> None:
        """Start a reply (the bot's, or the chatflow's) in the background."""
        cfg = self.chat_config
        messages = [*self.pending, message]
        if self.workflow_id:
            request = ChatflowRequest(
                workflow_id=self.workflow_id,
                additional_messages=messages,
                parameters=cfg.get("parameters"),
                bot_id=self.bot_id,
                conversation_id=self.conversation_id or None,
                logid=self.logid,
            )
            queue = await self.services.chatflows.start(self.account, request)
        else:
            start = ChatStart(
                bot_id=self.bot_id,
                user_id=str(cfg.get("user_id") or self.account.user_id),
                conversation_id=self.conversation_id or None,
                additional_messages=messages,
                stream=True,
                auto_save_history=cfg.get("auto_save_history") is not False,
                custom_variables=cfg.get("custom_variables"),
                meta_data=cfg.get("meta_data"),
            )
            created, in_progress = await to_thread(self.services.chats.start, self.account, start)
            first = [
                frame("conversation.chat.created", created),
                frame("conversation.chat.in_progress", in_progress),
            ]
            launched = self.services.engine.launch(self.account, created["id"], first, stream=True)
            assert launched is not None
            queue = launched
        self.pending = []
        head = queue.get_nowait()  # conversation.chat.created, queued before the run starts
        assert head is not None
        created = parse_frame(head)[1]
        self.conversation_id, self.chat_id = created["conversation_id"], created["id"]
        self.turn = asyncio.get_running_loop().create_task(self._guarded(self._relay(queue, head)))

    async def _guarded(self, turn: Coroutine[Any, Any, None]) -> None:
        """Run a reply in the background: failures become `error` events, a gone client ends it."""
        try:
            await turn
        except Closed:
            pass
        except EmulatorError as err:
            with contextlib.suppress(Closed):
                await self.error(err.code, err.msg)
        except Exception:
            log.exception("voice chat turn failed")
            with contextlib.suppress(Closed):
                await self.error(CozeErrors.INTERNAL_ERROR.code, CozeErrors.INTERNAL_ERROR.msg)

    async def _relay(self, queue: asyncio.Queue[Optional[bytes]], head: Optional[bytes] = None) -> None:
        """Forward a run's chat events, speaking the answer sentence by sentence."""
        speaker: Optional[Speaker] = None
        frames = drain(queue)
        while True:
            raw = head if head is not None else await anext_or_none(frames)
            head = None
            if raw is None:
                return
            event, data = parse_frame(raw)
            if event == "done":
                return
            if event == "conversation.chat.created":
                await self._echo_question(data)
            if event == "conversation.message.delta":
                if speaker is None:
                    speaker = Speaker(
                        self, self.services.audio.synthesize, {k: data.get(k, "") for k in AUDIO_KEYS}
                    )
                await self.emit(event, data)
                await speaker.feed(data.get("content") or "")
            elif event == "conversation.message.completed":
                if data.get("type") == "answer" and speaker is not None:
                    await speaker.flush()
                await self.emit(event, data)
            else:
                if speaker is not None and event != "conversation.chat.created":
                    await speaker.complete()
                    speaker = None
                await self.emit(event, data)

    async def _echo_question(self, chat: Dict[str, Any]) -> None:
        """The turn's user message, as Coze echoes it before `conversation.chat.created`."""
        turn = await to_thread(
            self.services.messages.of_conversation,
            self.account,
            chat["conversation_id"],
            chat_id=chat["id"],
            role="user",
        )
        for m in turn:
            await self.emit("conversation.message.completed", render_message(m))


async def anext_or_none(frames: AsyncIterator[bytes]) -> Optional[bytes]:
    try:
        return await frames.__anext__()
    except StopAsyncIteration:
        return None


def check_interrupt_config(config: Any) -> None:
    if not config:
        return
    if not isinstance(config, dict) or config.get("mode") not in (None, "keyword_contains", "keyword_prefix"):
        raise bad_request("turn_detection.interrupt_config.mode must be keyword_contains or keyword_prefix")
    keywords = config.get("keywords") or []
    if config.get("mode") and not 1 <= len(keywords) <= 5:
        raise bad_request("turn_detection.interrupt_config.keywords takes 1 to 5 keywords")
    for word in keywords:
        if not isinstance(word, str) or not 6 <= len(word.encode()) <= 24:
            raise bad_request("each interrupt keyword has 6-24 bytes")
        if any(not (ch.isalnum() or ch.isspace()) for ch in word):
            raise bad_request("interrupt keywords cannot contain punctuation")


def keyword_hit(text: str, config: Dict[str, Any]) -> bool:
    keywords = [str(k) for k in config.get("keywords") or []]
    if config.get("mode") == "keyword_prefix":
        return any(text.startswith(k) for k in keywords)
    return any(k in text for k in keywords)
