"""Running a chat whose bot calls local plugins (端插件): stream, answer each tool call with your
function, submit the outputs, and continue until the chat ends.

>>> def get_weather(city: str) -> str: return f"sunny in {city}"
>>> result = run_with_local_plugins(coze, tools={"get_weather": get_weather},
...                                 bot_id=BOT, user_id="u1", additional_messages=[...])
>>> result.text
"""

from __future__ import annotations

import inspect
import json
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple

from .._exceptions import CozeError
from ..types.chat import ChatStatus, ChatToolCall, ToolOutput
from .chat_stream import ChatStreamAccumulator

if TYPE_CHECKING:
    from .._client import AsyncCoze, Coze

__all__ = ["LocalPluginError", "arun_with_local_plugins", "run_with_local_plugins"]

Tool = Callable[..., Any]


class LocalPluginError(CozeError):
    """The bot called a tool that was not given, or the tool loop did not end."""


def _prepare(tools: Mapping[str, Tool], call: ChatToolCall) -> tuple[Tool, Any]:
    function = call.function
    name = function.name if function is not None else ""
    tool = tools.get(name or "")
    if tool is None:
        raise LocalPluginError(f"the bot called local plugin {name!r}, which is not in tools={sorted(tools)}")
    return tool, function.parse_arguments() if function is not None else {}


def _invoke(tool: Tool, arguments: Any) -> Any:
    return tool(**arguments) if isinstance(arguments, dict) else tool(arguments)


def _output(call: ChatToolCall, result: Any) -> ToolOutput:
    text = result if isinstance(result, str) else json.dumps(result, ensure_ascii=False)
    return ToolOutput(tool_call_id=call.id, output=text)


def _pending(acc: ChatStreamAccumulator, round_: int, max_rounds: int) -> List[ChatToolCall]:
    if acc.status != ChatStatus.REQUIRES_ACTION:
        return []
    if round_ >= max_rounds:
        raise LocalPluginError(f"the chat still asked for tools after {max_rounds} rounds")
    return acc.tool_calls


def _take(acc: ChatStreamAccumulator, event: Any, on_text: Optional[Callable[[str], None]]) -> None:
    text = acc.add(event)
    if text and on_text is not None:
        on_text(text)


def _calls(tools: Mapping[str, Tool], calls: List[ChatToolCall]) -> Iterator[Tuple[ChatToolCall, Any]]:
    """Each call with what its tool returned (an awaitable from an async tool, for the caller to await)."""
    for call in calls:
        tool, arguments = _prepare(tools, call)
        yield call, _invoke(tool, arguments)


def _submission(acc: ChatStreamAccumulator, outputs: List[ToolOutput]) -> Dict[str, Any]:
    """`chat.submit_tool_outputs` arguments answering the chat's tool calls, streamed."""
    assert acc.chat is not None
    return {
        "conversation_id": acc.chat.conversation_id,
        "chat_id": acc.chat.id,
        "tool_outputs": outputs,
        "stream": True,
    }


def run_with_local_plugins(
    coze: Coze,
    *,
    tools: Mapping[str, Tool],
    on_text: Optional[Callable[[str], None]] = None,
    max_rounds: int = 10,
    **chat: Any,
) -> ChatStreamAccumulator:
    """Stream a chat (`chat` are `coze.chat.stream` arguments), answering tool calls until it ends."""
    acc = ChatStreamAccumulator()
    events = coze.chat.stream(**chat)
    for round_ in range(max_rounds + 1):
        with events:
            for event in events:
                _take(acc, event, on_text)
        calls = _pending(acc, round_, max_rounds)
        if not calls:
            break
        outputs = [_output(call, result) for call, result in _calls(tools, calls)]
        events = coze.chat.submit_tool_outputs(**_submission(acc, outputs))
    return acc


async def arun_with_local_plugins(
    coze: AsyncCoze,
    *,
    tools: Mapping[str, Tool],
    on_text: Optional[Callable[[str], None]] = None,
    max_rounds: int = 10,
    **chat: Any,
) -> ChatStreamAccumulator:
    """The async twin of `run_with_local_plugins`; tools may be sync or async functions."""
    acc = ChatStreamAccumulator()
    events = await coze.chat.stream(**chat)
    for round_ in range(max_rounds + 1):
        async with events:
            async for event in events:
                _take(acc, event, on_text)
        calls = _pending(acc, round_, max_rounds)
        if not calls:
            break
        outputs = []
        for call, result in _calls(tools, calls):
            outputs.append(_output(call, await result if inspect.isawaitable(result) else result))
        events = await coze.chat.submit_tool_outputs(**_submission(acc, outputs))
    return acc
