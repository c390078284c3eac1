"""Delivering callback events (doc pages subscribe_callback_message, agent_callback_messages): signed
POSTs to callback apps' URLs, off the request path.

Each delivery runs in its own daemon thread, retries a bounded number of times with exponential backoff,
and is recorded in a log the control plane shows. Only URLs whose host is loopback or listed in the
`callback_hosts` setting are ever contacted.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import secrets
import threading
import time
import uuid
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

import httpx

from ..core.config import EmulatorConfig
from ..core.store import Store
from ..workspaces.connectors import ConnectorsBackend
from .api_apps import ApiAppsBackend

SIGNATURE_HEADER = "X-Coze-Signature"
TIMESTAMP_HEADER = "X-Coze-Timestamp"
NONCE_HEADER = "X-Coze-Nonce"
MAX_LOG = 500


def sign(timestamp: str, nonce: str, verify_token: str, body: bytes) -> str:
    """Coze's callback signature: lower-case hex SHA-1 of timestamp + nonce + verify token + raw body."""
    return hashlib.sha1(timestamp.encode() + nonce.encode() + verify_token.encode() + body).hexdigest()


def signed_headers(verify_token: str, body: bytes) -> Dict[str, str]:
    timestamp = str(int(time.time()))
    nonce = secrets.token_hex(8)
    return {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(timestamp, nonce, verify_token, body),
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
    }


def url_refusal(url: str, allowed_hosts: Tuple[str, ...]) -> Optional[str]:
    """Why the emulator will not post to `url`, or None when it may (loopback or an allowed host)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "callback_url must be an http(s) URL"
    host = parts.hostname.lower()
    if host == "localhost" or host in (h.lower() for h in allowed_hosts):
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return f"the emulator only posts callbacks to loopback or its callback_hosts setting, not {host}"


def encode(payload: Dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class CallbackDeliveries:
    """Background delivery of events and the log of every delivery."""

    def __init__(
        self, config: EmulatorConfig, store: Store, api_apps: ApiAppsBackend, connectors: ConnectorsBackend
    ) -> None:
        self._config, self._store, self._api_apps, self._connectors = config, store, api_apps, connectors
        self._lock = threading.Lock()
        self._log: List[Dict[str, Any]] = []
        self._generation = 0
        self._threads: List[threading.Thread] = []

    # -- URL verification -------------------------------------------------------------------------

    async def challenge(self, url: str, verify_token: str) -> Optional[str]:
        """POST a signed `{"challenge"}` to `url`; None when it is echoed in time, else why not."""
        why = url_refusal(url, self._config.callback_hosts)
        if why:
            return why
        challenge = secrets.token_urlsafe(16)
        body = encode({"challenge": challenge})
        try:
            async with httpx.AsyncClient(timeout=self._config.callback_timeout) as client:
                resp = await client.post(url, content=body, headers=signed_headers(verify_token, body))
            echoed = resp.json().get("challenge") if resp.status_code == 200 else None
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            return f"the callback URL did not answer the challenge ({type(exc).__name__})"
        if echoed != challenge:
            return "the callback URL did not echo the challenge"
        return None

    # -- events -----------------------------------------------------------------------------------

    def emit(
        self,
        apps: List[Dict[str, Any]],
        event_type: str,
        event: Dict[str, Any],
        coze_account_id: str = "",
    ) -> List[str]:
        """Queue one delivery per app (subscribed to `event_type`, with a URL); returns the delivery ids."""
        ids = []
        for app in apps:
            url = app.get("callback_url")
            if not url or event_type not in app.get("events", ()):
                continue
            header = {
                "event_type": event_type,
                "event_id": f"{uuid.uuid4()}-{app['id']}",
                "created_at": int(time.time() * 1000),
                "coze_account_id": coze_account_id,
                "api_app_id": str(app["id"]),
            }
            if app.get("connector_id"):
                header["connector_id"] = str(app["connector_id"])
            payload = {"header": header, "event": event}
            entry: Dict[str, Any] = {
                "id": secrets.token_hex(8),
                "api_app_id": str(app["id"]),
                "event_type": event_type,
                "event_id": header["event_id"],
                "url": url,
                "payload": payload,
                "status": "pending",
                "attempts": [],
            }
            with self._lock:
                self._log.append(entry)
                del self._log[:-MAX_LOG]
                generation = self._generation
                self._threads = [t for t in self._threads if t.is_alive()]
                thread = threading.Thread(
                    target=self._deliver,
                    args=(entry, str(app["verify_token"]), generation),
                    name="cozekit-callback",
                    daemon=True,
                )
                self._threads.append(thread)
            thread.start()
            ids.append(entry["id"])
        return ids

    def _deliver(self, entry: Dict[str, Any], verify_token: str, generation: int) -> None:
        config = self._config
        body = encode(entry["payload"])
        why = url_refusal(entry["url"], config.callback_hosts)
        if why:
            self._finish(entry, "refused", {"error": why})
            return
        delay = config.callback_backoff
        for attempt in range(1 + max(0, config.callback_retries)):
            if generation != self._generation:
                return
            record: Dict[str, Any] = {"at": int(time.time() * 1000)}
            try:
                resp = httpx.post(
                    entry["url"],
                    content=body,
                    headers=signed_headers(verify_token, body),
                    timeout=config.callback_timeout,
                )
                record["status_code"] = resp.status_code
                record["response"] = resp.text[:2000]
                ok = resp.status_code == 200
            except httpx.HTTPError as exc:
                record["error"] = f"{type(exc).__name__}: {exc}"
                ok = False
            with self._lock:
                entry["attempts"].append(record)
            if ok:
                self._audit(entry, resp)
                self._finish(entry, "delivered")
                return
            if attempt < config.callback_retries:
                time.sleep(delay * (2**attempt))
        self._finish(entry, "failed")

    def _audit(self, entry: Dict[str, Any], resp: httpx.Response) -> None:
        """A channel callback app answers `bot.published` with its review: record it on the channel."""
        header = entry["payload"]["header"]
        if header["event_type"] != "bot.published" or not header.get("connector_id"):
            return
        try:
            answer = resp.json()
        except ValueError:
            return
        bot_id = str(entry["payload"]["event"].get("bot_id_str") or "")
        self._connectors.audit_answer(str(header["connector_id"]), bot_id, answer)

    def _finish(self, entry: Dict[str, Any], status: str, record: Optional[Dict[str, Any]] = None) -> None:
        with self._lock:
            if record:
                entry["attempts"].append(record)
            entry["status"] = status

    def bot_event(
        self, bot: Dict[str, Any], event_type: str, connector_ids: List[str], user_name: str = ""
    ) -> List[str]:
        """Deliver a bot event: to the normal callback apps of the bot's workspace owner (with `space_id`)
        and to the connector callback apps of `connector_ids` (with the channel's `connector_id`)."""
        workspace = self._store.get("workspace", str(bot["workspace_id"])) or {}
        owner = str(workspace.get("owner_uid") or bot["owner_user_id"])
        cfg = bot.get("published") or bot["draft"]
        if event_type == "bot.published":
            event: Dict[str, Any] = {
                "user_id_str": int(bot["owner_user_id"]),
                "user_name": user_name,
                "bot_id_str": int(bot["id"]),
                "bot_name": cfg.get("name") or "",
                "description": cfg.get("description") or "",
                "version": str(bot.get("version") or ""),
            }
        else:
            event = {
                "bot_id": str(bot["id"]),
                "bot_name": cfg.get("name") or "",
                "description": cfg.get("description") or "",
            }
        normal = [a for a in self._api_apps.subscribers(owner) if a["app_type"] == "normal"]
        ids = self.emit(normal, event_type, {**event, "space_id": str(bot["workspace_id"])}, owner)
        for connector_id in connector_ids:
            apps = self._api_apps.connector_apps(connector_id)
            extra = {"connector_id": connector_id} if event_type == "bot.unpublished" else {}
            ids += self.emit(apps, event_type, {**event, **extra}, owner)
        return ids

    # -- control plane ----------------------------------------------------------------------------

    def log(self, api_app_id: Optional[str] = None, event_type: Optional[str] = None) -> List[Dict[str, Any]]:
        with self._lock:
            return [
                json.loads(json.dumps(e))
                for e in self._log
                if api_app_id in (None, e["api_app_id"]) and event_type in (None, e["event_type"])
            ]

    def wait(self, timeout: float = 8.0) -> bool:
        """Wait for every delivery in flight; False when some are still running after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in threads)

    def reset(self) -> None:
        """Forget the log; deliveries still retrying stop before their next attempt."""
        with self._lock:
            self._generation += 1
            self._log.clear()
