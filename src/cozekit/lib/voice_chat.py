"""A voice chat with a bot over `coze.websockets.chat`, turn by turn: feed audio (a file, bytes or any
chunk iterator) or text, iterate the reply as typed items, interrupt it, close. Nothing needs a sound
device, and no wait outlives its timeout.

>>> with VoiceChat(coze, bot_id=BOT, voice_id=VOICE) as chat:
...     for item in chat.send_audio("question.wav"):
...         if isinstance(item, ReplyText): print(item.text, end="")
...         elif isinstance(item, ReplyAudio): speaker.write(item.data)
...         if should_stop(): chat.interrupt()         # the turn then ends with ReplyDone(canceled=True)

Local plugins (端插件): with `tools={"name": function}` a turn that reaches `requires_action` runs the
called functions (keyword arguments from the call's JSON), yields a `ReplyToolCall` for each, submits
their outputs (`conversation.chat.submit_tool_outputs`) and goes on with the bot's answer. A tool that
raises is answered with `{"error": "<type>: <message>"}` (the item carries the exception); a call of a
tool not in `tools`, or more than `max_tool_rounds` rounds, raises `LocalPluginError`. Without `tools`
the turn ends with `ReplyDone` whose chat carries `required_action`.
"""

from __future__ import annotations

import contextlib
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Dict,
    Iterator,
    Mapping,
    Optional,
    Set,
    Tuple,
    Type,
    Union,
)

from .._exceptions import CozeError
from ..types.chat import Chat
from ._audio import AudioSource, PCMFormat, aclose_source, close_source, open_audio
from ._voice_flow import AsyncPump, SyncPump, VoiceFlow, VoiceIO
from ._voice_turn import (
    ReplyAudio,
    ReplyDone,
    ReplyText,
    ReplyToolCall,
    Turn,
    UserTranscript,
    VoiceChatItem,
    setup_flow,
    turn_flow,
)
from .local_plugins import Tool

if TYPE_CHECKING:
    from .._client import AsyncCoze, Coze
    from ..websockets import AsyncWebsocketsChatClient, WebsocketsChatClient, WebsocketsOptions

__all__ = [
    "AsyncVoiceChat",
    "ReplyAudio",
    "ReplyDone",
    "ReplyText",
    "ReplyToolCall",
    "UserTranscript",
    "VoiceChat",
    "VoiceChatItem",
]

TURN_DETECTIONS = ("client_interrupt", "server_vad", "semantic_vad")
Pump = Union[SyncPump, AsyncPump]


def _check_text(text: str) -> None:
    if not text:
        raise ValueError("text must be non-empty")


class _Core:
    """Configuration and turn bookkeeping shared by `VoiceChat` and `AsyncVoiceChat`."""

    def __init__(
        self,
        bot_id: str,
        voice_id: Optional[str],
        user_id: Optional[str],
        conversation_id: Optional[str],
        sample_rate: int,
        input_format: PCMFormat,
        turn_detection: str,
        chunk_ms: int,
        pace: float,
        reply_timeout: float,
        cancel_timeout: float,
        tools: Optional[Mapping[str, Tool]],
        max_tool_rounds: int,
    ) -> None:
        if not bot_id:
            raise ValueError("bot_id must be non-empty")
        if turn_detection not in TURN_DETECTIONS:
            raise ValueError(f"turn_detection must be one of {TURN_DETECTIONS}")
        if reply_timeout <= 0 or cancel_timeout <= 0:
            raise ValueError("timeouts must be > 0")
        if pace < 0:
            raise ValueError("pace must be >= 0")
        if max_tool_rounds < 1:
            raise ValueError("max_tool_rounds must be >= 1")
        self._tools = dict(tools) if tools else None
        self._max_tool_rounds = max_tool_rounds
        self.bot_id = bot_id
        self.sample_rate = sample_rate
        self.input_format = input_format
        self._chunk_ms = chunk_ms
        self._pace = pace
        self._reply_timeout = reply_timeout
        self._cancel_timeout = cancel_timeout
        self._turn_detection = turn_detection
        output: Dict[str, Any] = {"codec": "pcm", "pcm_config": {"sample_rate": sample_rate}}
        if voice_id is not None:
            output["voice_id"] = voice_id
        chat_config = {"user_id": user_id, "conversation_id": conversation_id}
        self._config: Dict[str, Any] = {
            "output_audio": output,
            "turn_detection": {"type": turn_detection},
        }
        if any(v is not None for v in chat_config.values()):
            self._config["chat_config"] = {k: v for k, v in chat_config.items() if v is not None}
        self._turn: Optional[Turn] = None
        self._stale: Set[str] = set()
        self._stale_cancels = 0
        self.last_chat: Optional[Chat] = None

    def config(self, fmt: PCMFormat) -> Dict[str, Any]:
        return {**self._config, "input_audio": fmt.input_audio()}

    def begin(self) -> Turn:
        previous = self._turn
        if previous is not None and not previous.finished:
            if previous.started:
                raise CozeError("a turn is still running: finish iterating it (or interrupt it) first")
            previous.superseded = True  # created but never iterated: replaced
        self._turn = Turn(
            self._reply_timeout,
            self._cancel_timeout,
            self._stale,
            self._stale_cancels,
            tools=self._tools,
            max_tool_rounds=self._max_tool_rounds,
        )
        self._stale_cancels = 0
        return self._turn

    def start(self, turn: Turn) -> None:
        """A turn's iteration begins (stale events are the caller's to discard)."""
        if turn.superseded:
            raise CozeError("this turn was replaced by a later send_text/send_audio before it started")
        turn.started = True

    def text_turn(self, session: Any, pump: Pump, text: str) -> Tuple[Turn, VoiceFlow, Any]:
        """A new turn asking `text`, its flow, and no audio source."""
        _check_text(text)
        turn = self.begin()
        io = VoiceIO(session, pump)
        message = {"role": "user", "content_type": "text", "content": text}
        return turn, turn_flow(io, turn, [io.send("conversation_message_create", message)], False, 0.0), None

    def audio_turn(self, session: Any, pump: Pump, audio: AudioSource) -> Tuple[Turn, VoiceFlow, Any]:
        """A new turn speaking `audio`, its flow (configuring the audio's format first when it differs
        from the session's), and the audio's chunks (closed by the caller when the turn stops)."""
        source = open_audio(audio, self.input_format, self._chunk_ms)
        new_format = None if source.format == self.input_format else source.format
        turn = self.begin()
        io = VoiceIO(session, pump, source.chunks)
        return turn, self._audio_flow(io, turn, new_format), source.chunks

    def took(self, item: VoiceChatItem) -> None:
        """An item the caller got: a `ReplyDone`'s chat becomes `last_chat`."""
        if isinstance(item, ReplyDone) and item.chat is not None:
            self.last_chat = item.chat

    def _audio_flow(self, io: VoiceIO, turn: Turn, new_format: Optional[PCMFormat]) -> VoiceFlow:
        if new_format is not None:
            self.input_format = new_format
            yield from setup_flow(io, self.config(new_format), self._reply_timeout)
        yield from turn_flow(io, turn, [], True, self._pace)

    def setup(self, io: VoiceIO) -> VoiceFlow:
        return setup_flow(io, self.config(self.input_format), self._reply_timeout)

    def end(self, turn: Turn) -> bool:
        """Book-keep a turn that stopped; True if its reply must be canceled (abandoned mid-reply)."""
        if turn.finished:
            return False
        turn.finished = True
        if turn.chat_id is not None:
            self._stale.add(turn.chat_id)
        if turn.sent_cancel:
            self._stale_cancels += 1
            return False
        self._stale_cancels += 1
        return True

    def _mark_interrupted(self) -> bool:
        turn = self._turn
        return turn is not None and turn.interrupt()


class VoiceChat(_Core):
    """A voice chat session (sync). `with VoiceChat(coze, bot_id=...) as chat:`, then one turn at a
    time with `send_audio(...)` or `send_text(...)`; each yields `ReplyText`, `ReplyAudio`,
    `UserTranscript` items and ends with `ReplyDone`.

    `sample_rate`: the reply audio's rate. `input_format`: raw PCM input's format (a WAV file brings its
    own and reconfigures the session). `turn_detection`: "client_interrupt" (the helper completes the
    input after the last chunk) or "server_vad"/"semantic_vad" (the server detects the end of speech).
    `reply_timeout`: seconds for a reply after the input ends (`APITimeoutError` otherwise);
    `cancel_timeout`: after `interrupt()`, the turn ends within this many seconds. `tools`: local
    plugins the helper answers (see the module docstring); the reply timeout restarts after each round.
    """

    def __init__(
        self,
        coze: Coze,
        *,
        bot_id: str,
        voice_id: Optional[str] = None,
        user_id: Optional[str] = None,
        conversation_id: Optional[str] = None,
        workflow_id: Optional[str] = None,
        sample_rate: int = 24000,
        input_format: PCMFormat = PCMFormat(),
        turn_detection: str = "client_interrupt",
        chunk_ms: int = 100,
        pace: float = 0.0,
        reply_timeout: float = 60.0,
        cancel_timeout: float = 5.0,
        tools: Optional[Mapping[str, Tool]] = None,
        max_tool_rounds: int = 10,
        options: Optional[WebsocketsOptions] = None,
    ) -> None:
        super().__init__(
            bot_id,
            voice_id,
            user_id,
            conversation_id,
            sample_rate,
            input_format,
            turn_detection,
            chunk_ms,
            pace,
            reply_timeout,
            cancel_timeout,
            tools,
            max_tool_rounds,
        )
        self._client: WebsocketsChatClient = coze.websockets.chat.create(
            bot_id=bot_id, workflow_id=workflow_id, options=options
        )
        self._coze = coze
        self._pump = SyncPump()
        self._pump.attach(self._client)

    @property
    def logid(self) -> str:
        return self._client.logid

    def connect(self) -> None:
        """Open the connection and configure the session (waits for `chat.updated`)."""
        self._client.connect()
        try:
            self._coze.run_flow(self.setup(VoiceIO(self._client, self._pump)))
        except BaseException:
            self._client.close()
            raise

    def close(self) -> None:
        """Close the connection (bounded by the options' `close_timeout`)."""
        self._client.close()

    def __enter__(self) -> VoiceChat:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def send_text(self, text: str) -> Iterator[VoiceChatItem]:
        """Ask in text; the reply comes as text and audio."""
        return self._run(*self.text_turn(self._client, self._pump, text))

    def send_audio(self, audio: AudioSource) -> Iterator[VoiceChatItem]:
        """Speak: `audio` is a `.wav`/raw PCM path, bytes, or an iterable of raw PCM chunks."""
        return self._run(*self.audio_turn(self._client, self._pump, audio))

    def interrupt(self) -> None:
        """Stop the current reply (`conversation.chat.cancel`); safe from any thread, a no-op when no turn
        runs. The turn's iterator drops the rest of the reply and ends with `ReplyDone(canceled=True)`."""
        if self._mark_interrupted():
            self._pump.wake()

    def _run(self, turn: Turn, flow: VoiceFlow, chunks: Any) -> Iterator[VoiceChatItem]:
        self.start(turn)
        self._pump.discard()
        try:
            for item in self._coze.iter_flow(flow):
                self.took(item)
                yield item
        finally:
            if self.end(turn):
                with contextlib.suppress(CozeError):
                    self._client.conversation_chat_cancel()
            close_source(chunks)


class AsyncVoiceChat(_Core):
    """The async twin of `VoiceChat`: `async with`, `async for item in chat.send_audio(...)`, and
    `await chat.interrupt()`; `send_audio` also takes async iterables, and `tools` may be async functions."""

    def __init__(
        self,
        coze: AsyncCoze,
        *,
        bot_id: str,
        voice_id: Optional[str] = None,
        user_id: Optional[str] = None,
        conversation_id: Optional[str] = None,
        workflow_id: Optional[str] = None,
        sample_rate: int = 24000,
        input_format: PCMFormat = PCMFormat(),
        turn_detection: str = "client_interrupt",
        chunk_ms: int = 100,
        pace: float = 0.0,
        reply_timeout: float = 60.0,
        cancel_timeout: float = 5.0,
        tools: Optional[Mapping[str, Tool]] = None,
        max_tool_rounds: int = 10,
        options: Optional[WebsocketsOptions] = None,
    ) -> None:
        super().__init__(
            bot_id,
            voice_id,
            user_id,
            conversation_id,
            sample_rate,
            input_format,
            turn_detection,
            chunk_ms,
            pace,
            reply_timeout,
            cancel_timeout,
            tools,
            max_tool_rounds,
        )
        self._client: AsyncWebsocketsChatClient = coze.websockets.chat.create(
            bot_id=bot_id, workflow_id=workflow_id, options=options
        )
        self._coze = coze
        self._pump = AsyncPump()
        self._pump.attach(self._client)

    @property
    def logid(self) -> str:
        return self._client.logid

    async def connect(self) -> None:
        await self._client.connect()
        try:
            await self._coze.run_flow(self.setup(VoiceIO(self._client, self._pump)))
        except BaseException:
            await self._client.close()
            raise

    async def close(self) -> None:
        await self._client.close()

    async def __aenter__(self) -> AsyncVoiceChat:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()

    def send_text(self, text: str) -> AsyncIterator[VoiceChatItem]:
        return self._run(*self.text_turn(self._client, self._pump, text))

    def send_audio(self, audio: AudioSource) -> AsyncIterator[VoiceChatItem]:
        return self._run(*self.audio_turn(self._client, self._pump, audio))

    async def interrupt(self) -> None:
        """The async twin of `VoiceChat.interrupt`."""
        if self._mark_interrupted():
            self._pump.wake()

    async def _run(self, turn: Turn, flow: VoiceFlow, chunks: Any) -> AsyncIterator[VoiceChatItem]:
        self.start(turn)
        self._pump.discard()
        try:
            async for item in self._coze.iter_flow(flow):
                self.took(item)
                yield item
        finally:
            if self.end(turn):
                with contextlib.suppress(CozeError):
                    await self._client.conversation_chat_cancel()
            await aclose_source(chunks)
