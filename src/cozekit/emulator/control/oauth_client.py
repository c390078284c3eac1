"""`OAuthControlClient`: a small client for `/_emulator/oauth/` (also reachable as `emulator.control.oauth`).
`OAuthControl` is its older name, kept for existing code."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import httpx

from ..core.config import CONTROL_TOKEN_HEADER


class OAuthControlClient:
    """Create OAuth apps, issue codes, decide device codes and move the OAuth clock."""

    def __init__(
        self, base_url: str, http: Optional[httpx.Client] = None, control_token: Optional[str] = None
    ) -> None:
        self._owns = http is None
        headers = {CONTROL_TOKEN_HEADER: control_token} if control_token else {}
        self._http = http or httpx.Client(timeout=10, headers=headers)
        self._base = base_url.rstrip("/") + "/_emulator/oauth"

    def _call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        resp = self._http.request(method, self._base + path, json=body, params=params or None)
        payload = resp.json()
        if payload.get("code"):
            raise RuntimeError(f"control plane {method} {path}: {payload['code']} {payload['msg']}")
        return payload.get("data")

    def create_app(self, client_type: str, **fields: Any) -> Dict[str, Any]:
        """A new app: `client_id`, plus `client_secret` (web) or `public_key_id`/`private_key` (jwt)."""
        return dict(self._call("POST", "/apps", {"client_type": client_type, **fields}))

    def update_app(self, client_id: str, **changes: Any) -> Dict[str, Any]:
        """Change `access_token_ttl`, `refresh_token_ttl`, `device_code_ttl`, `interval`, `disabled`..."""
        return dict(self._call("PATCH", f"/apps/{client_id}", changes))

    def add_key(self, client_id: str, public_key: Optional[str] = None) -> Dict[str, str]:
        """Register `public_key` (or a generated pair, returning its `private_key`) under a new kid."""
        return dict(self._call("POST", f"/apps/{client_id}/keys", {"public_key": public_key}))

    def issue_code(self, client_id: str, redirect_uri: str, **fields: Any) -> str:
        """An authorization code as if the user consented (`code_challenge`, `user_id`... optional)."""
        body = {"redirect_uri": redirect_uri, **fields}
        return str(self._call("POST", f"/apps/{client_id}/codes", body)["code"])

    def pending_devices(self, client_id: Optional[str] = None) -> List[Dict[str, str]]:
        params = {"client_id": client_id} if client_id else {}
        return list(self._call("GET", "/devices", **params))

    def approve_device(self, user_code: str, user_id: Optional[str] = None) -> Dict[str, str]:
        return dict(self._call("POST", f"/devices/{user_code}/approve", {"user_id": user_id}))

    def deny_device(self, user_code: str) -> Dict[str, str]:
        return dict(self._call("POST", f"/devices/{user_code}/deny", {}))

    def fail_next(
        self, error: str, message: Optional[str] = None, status: Optional[int] = None, times: int = 1
    ) -> None:
        """The next `times` token/device-code answers are OAuth error `error` (documented message)."""
        self._call(
            "POST", "/failures", {"error": error, "message": message, "status": status, "times": times}
        )

    def clock(self) -> float:
        return float(self._call("GET", "/clock")["now"])

    def advance_clock(self, seconds: float) -> float:
        """Move the OAuth clock forward; returns the new emulator time."""
        return float(self._call("POST", "/clock", {"advance": seconds})["now"])

    def close(self) -> None:
        if self._owns:
            self._http.close()


OAuthControl = OAuthControlClient
"""The older name of `OAuthControlClient`."""
