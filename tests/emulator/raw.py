"""Requests the SDK would not send, to check the emulator's own validation."""

from __future__ import annotations

from typing import Any, Dict

import httpx


def raw(coze_emulator: Any, method: str, path: str, body: Any) -> Dict[str, Any]:
    """A request the SDK would not send (it checks first): the Coze envelope that comes back."""
    headers = {"Authorization": f"Bearer {coze_emulator.token}"}
    resp = httpx.request(method, coze_emulator.base_url + path, json=body, headers=headers, timeout=10)
    envelope: Dict[str, Any] = resp.json()
    return envelope
