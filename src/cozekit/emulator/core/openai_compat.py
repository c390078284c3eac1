"""An optional model backed by any OpenAI-compatible `/chat/completions` endpoint (httpx, streamed)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any, Dict, List

import httpx

from .errors import CozeErrors
from .llm import Calls, Failure, ModelEvent, ModelRequest, Text

MODEL_ERROR = CozeErrors.MODEL_ERROR.code


class OpenAICompatModel:
    """Streams a chat completion; tool calls of the bot's local tools become `Calls`."""

    def __init__(self, base_url: str, api_key: str | None, model: str | None, timeout: float = 60.0) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.api_key = api_key
        self.model = model or "gpt-4o-mini"
        self.timeout = timeout

    def payload(self, request: ModelRequest) -> Dict[str, Any]:
        messages: List[Dict[str, Any]] = []
        if request.system_prompt:
            messages.append({"role": "system", "content": request.system_prompt})
        messages.extend(request.history)
        messages.append({"role": "user", "content": request.query})
        if request.tool_calls:
            messages.append(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": c.id,
                            "type": "function",
                            "function": {"name": c.name, "arguments": c.arguments},
                        }
                        for c in request.tool_calls
                    ],
                }
            )
            for call in request.tool_calls:
                out = request.tool_outputs.get(call.id, "")
                messages.append({"role": "tool", "tool_call_id": call.id, "content": out})
        body: Dict[str, Any] = {"model": self.model, "messages": messages, "stream": True}
        if request.tools:
            body["tools"] = [
                {
                    "type": "function",
                    "function": {"name": t.name, "description": t.description, "parameters": t.parameters},
                }
                for t in request.tools
            ]
        return body

    def at_once(self, request: ModelRequest) -> None:
        """A completion is a request to the configured server: never at once."""
        return None

    async def run(self, request: ModelRequest) -> AsyncIterator[ModelEvent]:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        calls: Dict[int, Dict[str, str]] = {}
        try:
            async with (
                httpx.AsyncClient(timeout=self.timeout) as client,
                client.stream("POST", self.url, json=self.payload(request), headers=headers) as resp,
            ):
                if resp.status_code != 200:
                    await resp.aread()
                    yield Failure(MODEL_ERROR, f"model error: HTTP {resp.status_code}: {resp.text[:200]}")
                    return
                async for line in resp.aiter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    for event in _delta_events(json.loads(data), calls):
                        yield event
        except (httpx.HTTPError, ValueError) as exc:
            yield Failure(MODEL_ERROR, f"model error: {exc}")
            return
        if calls:
            ordered = [calls[i] for i in sorted(calls)]
            yield Calls(
                [{"id": c.get("id") or None, "name": c["name"], "arguments": c["arguments"]} for c in ordered]
            )


def _delta_events(chunk: Dict[str, Any], calls: Dict[int, Dict[str, str]]) -> List[ModelEvent]:
    events: List[ModelEvent] = []
    for choice in chunk.get("choices") or []:
        delta = choice.get("delta") or {}
        if delta.get("reasoning_content"):
            events.append(Text(str(delta["reasoning_content"]), reasoning=True))
        if delta.get("content"):
            events.append(Text(str(delta["content"])))
        for tc in delta.get("tool_calls") or []:
            slot = calls.setdefault(int(tc.get("index", 0)), {"id": "", "name": "", "arguments": ""})
            if tc.get("id"):
                slot["id"] = str(tc["id"])
            fn = tc.get("function") or {}
            slot["name"] += str(fn.get("name") or "")
            slot["arguments"] += str(fn.get("arguments") or "")
    return events
