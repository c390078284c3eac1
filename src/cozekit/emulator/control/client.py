"""`ControlClient`: a small Python client for the `/_emulator/` control plane (`emulator.control`).
`Control` is its older name, kept for existing code."""

from __future__ import annotations

import base64
import os
import ssl
from typing import Any, Dict, List, Optional, Sequence, Union

import httpx

from ..core.config import CONTROL_TOKEN_HEADER
from .oauth_client import OAuthControlClient


class ControlClient:
    """A small client for the `/_emulator/` control plane; sends `control_token` when there is one."""

    def __init__(
        self,
        base_url: str,
        verify: Union[ssl.SSLContext, bool] = True,
        control_token: Optional[str] = None,
    ) -> None:
        headers = {CONTROL_TOKEN_HEADER: control_token} if control_token else {}
        self._http = httpx.Client(
            base_url=base_url + "/_emulator", timeout=10, verify=verify, headers=headers
        )

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        resp = self._http.request(method, path, json=body)
        payload = resp.json()
        if payload.get("code"):
            raise RuntimeError(f"control plane {method} {path}: {payload['code']} {payload['msg']}")
        return payload.get("data")

    def reset(self) -> Dict[str, Any]:
        return dict(self._call("POST", "/reset"))

    def info(self) -> Dict[str, Any]:
        return dict(self._call("GET", "/info"))

    def create_account(self, name: str = "tester") -> Dict[str, str]:
        """Another isolated account: `{"user_id", "workspace_id", "token", "user_name"}`."""
        return dict(self._call("POST", "/accounts", {"name": name}))

    def create_enterprise(
        self, *, token: Optional[str] = None, name: str = "Test Enterprise"
    ) -> Dict[str, str]:
        """An enterprise whose super admin is the token's account (the dev account by default):
        `{"enterprise_id", "organization_id"}` (its default organization)."""
        body = {"name": name, **({"token": token} if token else {})}
        return dict(self._call("POST", "/enterprises", body))

    def create_connector(
        self, *, token: Optional[str] = None, name: str = "Test Channel", device_keys: Sequence[str] = ()
    ) -> str:
        """A custom channel owned by the token's account; `device_keys` enable binding devices."""
        body = {"name": name, "device_keys": list(device_keys), **({"token": token} if token else {})}
        return str(self._call("POST", "/connectors", body)["connector_id"])

    def connector(self, connector_id: str) -> Dict[str, Any]:
        """A custom channel as stored: `installed_workspaces`, `user_configs` (per user id), `reviews`."""
        return dict(self._call("GET", f"/connectors/{connector_id}"))

    def create_app(self, **fields: Any) -> str:
        """An app; fields as `POST /_emulator/apps` (`token`, `workspace_id`, `name`, `published`,
        `connector_ids`, `draft_changed`, `folder_id`)."""
        return str(self._call("POST", "/apps", fields)["app_id"])

    def hold_copy_tasks(self, hold: bool = True) -> None:
        """Keep copy tasks `in_progress` until called again with `hold=False`."""
        self._call("PUT", "/copy_tasks/hold", {"hold": hold})

    def create_template(self, **fields: Any) -> str:
        """A template every account can duplicate; fields as `POST /_emulator/templates` (`name`,
        `entity_type` agent/app, `description`, `prompt`, `local_tools`, `template_id`)."""
        return str(self._call("POST", "/templates", fields)["template_id"])

    def create_live(self, **fields: Any) -> Dict[str, Any]:
        """A live broadcast (`token`, `app_id`, `streams: [{"name", "live_type"}]`, `live_id`):
        `{"live_id", "app_id", "stream_infos"}`."""
        return dict(self._call("POST", "/audio/live", fields))

    def create_bot(self, **fields: Any) -> str:
        """A bot (published unless `published=False`); fields as `POST /_emulator/bots`."""
        return str(self._call("POST", "/bots", fields)["bot_id"])

    def set_local_tools(self, bot_id: str, tools: List[Dict[str, Any]]) -> None:
        self._call("PUT", f"/bots/{bot_id}/local_tools", {"tools": tools})

    def script(self, bot_id: str, *replies: Dict[str, Any]) -> int:
        """Queue scripted replies (`{"text"}`, `{"chunks"}`, `{"tool_calls"}`, `{"error"}`...)."""
        return int(self._call("POST", f"/bots/{bot_id}/replies", {"replies": list(replies)})["pending"])

    def fault(self, kind: str, **fields: Any) -> Dict[str, Any]:
        """Arm a fault: kind is http_error, business_error, stream_error, drop or latency."""
        return dict(self._call("POST", "/faults", {"kind": kind, **fields}))

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def configure(self, **settings: Any) -> Dict[str, Any]:
        return dict(self._call("PATCH", "/config", settings))

    def delete_bot(self, bot_id: str) -> List[str]:
        """Delete a bot as the Coze UI would; returns the ids of the `bot.deleted` deliveries."""
        return list(self._call("DELETE", f"/bots/{bot_id}")["deliveries"])

    def billing_event(self, event_type: str, token: Optional[str] = None, **event: Any) -> List[str]:
        """Raise a `benefit.*` event (fields default to a plausible one); returns the delivery ids."""
        body = {"event_type": event_type, "event": event, **({"token": token} if token else {})}
        return list(self._call("POST", "/callbacks/events", body)["deliveries"])

    def callback_deliveries(
        self, *, api_app_id: Optional[str] = None, event_type: Optional[str] = None, wait: bool = True
    ) -> List[Dict[str, Any]]:
        """The delivery log (`id, api_app_id, event_type, event_id, url, payload, status, attempts`); by
        default after waiting for deliveries in flight (status `delivered`, `failed` or `refused`)."""
        params = {"wait": "true" if wait else "false"}
        if api_app_id:
            params["api_app_id"] = api_app_id
        if event_type:
            params["event_type"] = event_type
        resp = self._http.get("/callbacks/deliveries", params=params)
        payload = resp.json()
        if payload.get("code"):
            raise RuntimeError(f"control plane GET /callbacks/deliveries: {payload['code']} {payload['msg']}")
        return list(payload["data"])

    def unknown_fields(self) -> List[Dict[str, Any]]:
        """Body fields requests carried that their endpoint does not know: `{method, path, field, count}`."""
        return list(self._call("GET", "/unknown_fields"))

    def chat(self, chat_id: str) -> Dict[str, Any]:
        """The stored chat, including `model_inputs` (what each model turn saw)."""
        return dict(self._call("GET", f"/chats/{chat_id}"))

    def register_transcript(self, audio: Union[bytes, str], text: str) -> None:
        """Make transcription return `text` for `audio` (its bytes, or their sha256 hex digest)."""
        if isinstance(audio, str):
            self._call("POST", "/transcripts", {"sha256": audio, "text": text})
        else:
            encoded = base64.b64encode(audio).decode()
            self._call("POST", "/transcripts", {"audio_base64": encoded, "text": text})

    def create_workflow(
        self,
        definition: Union[Dict[str, Any], str],
        *,
        publish: bool = True,
        format: str = "json",
        token: Optional[str] = None,
        workspace_id: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Load a workflow definition (docs/emulator-workflows.md), published as a new version unless
        `publish=False`: `{"workflow_id", "name", "mode", "version", "workspace_id"}`."""
        body = {"definition": definition, "publish": publish, "format": format}
        body.update({k: v for k, v in (("token", token), ("workspace_id", workspace_id)) if v})
        return dict(self._call("POST", "/workflows", body))

    def load_canvas(
        self,
        canvas: Union[Dict[str, Any], str, os.PathLike[str]],
        name: Optional[str] = None,
        *,
        workflow_id: Optional[str] = None,
        mode: Optional[str] = None,
        publish: bool = True,
        token: Optional[str] = None,
        workspace_id: Optional[str] = None,
        variables: Optional[Dict[str, Dict[str, Any]]] = None,
        strict_types: bool = True,
    ) -> Dict[str, Any]:
        """Load and publish a Coze canvas (an object, JSON text, or a `.json` file's path; a file's
        workflow is named after it): `{"workflow_id", "name", "mode", "version", "workspace_id"}`.
        `variables` declares app and user variables with their defaults: `{"app": {...}, "user": {...}}`.
        `strict_types=False` loads a canvas whose reference types do not match (Coze Studio converts
        at run time; a value that cannot convert becomes null)."""
        if not isinstance(canvas, dict) and not str(canvas).lstrip().startswith("{"):
            path = os.fspath(canvas)
            name = name or os.path.splitext(os.path.basename(path))[0]
            with open(path, encoding="utf-8") as f:
                canvas = f.read()
        body: Dict[str, Any] = {"canvas": canvas, "name": name, "publish": publish}
        if not strict_types:
            body["strict_types"] = False
        extra = (
            ("workflow_id", workflow_id),
            ("mode", mode),
            ("token", token),
            ("workspace_id", workspace_id),
            ("variables", variables),
        )
        body.update({k: v for k, v in extra if v})
        return dict(self._call("POST", "/workflows", body))

    def create_database(
        self,
        name: str,
        fields: List[Dict[str, Any]],
        *,
        database_id: Optional[str] = None,
        workspace_id: Optional[str] = None,
        rw_mode: str = "unlimited",
    ) -> Dict[str, Any]:
        """Define a table for workflow database nodes: fields `{"name", "type", "required"?, "id"?}`
        (types string, integer, number, boolean, time). Returns `{"database_id", "name", "fields",
        "rw_mode"}`, the fields with their ids. `rw_mode`: `unlimited` (rows shared by all users),
        `limited` (each user sees only their rows) or `read_only`."""
        body: Dict[str, Any] = {"name": name, "fields": fields, "rw_mode": rw_mode}
        body.update({k: v for k, v in (("database_id", database_id), ("workspace_id", workspace_id)) if v})
        return dict(self._call("POST", "/databases", body))

    def database_rows(self, database_id: str) -> List[Dict[str, Any]]:
        """Every row of a database table, oldest first, with its system fields."""
        return list(self._call("GET", f"/databases/{database_id}/rows")["rows"])

    def script_workflow_node(self, workflow_id: str, node_id: str, *replies: Dict[str, Any]) -> int:
        """Queue replies (`{"text"}`, `{"chunks"}`, `{"error"}`) for one LLM node of a workflow."""
        path = f"/workflows/{workflow_id}/nodes/{node_id}/replies"
        return int(self._call("POST", path, {"replies": list(replies)})["pending"])

    def workflow_settings(self, **settings: Any) -> Dict[str, Any]:
        """`premium` (async runs allowed), `trim_bytes` (history output limit), `ping_interval` (s)."""
        return dict(self._call("PATCH", "/workflows/settings", settings))

    def register_web_page(self, url: str, content: str, title: str = "") -> None:
        """Serve `content` (HTML or text) for `url` to knowledge-base web-page documents."""
        self._call("POST", "/knowledge/web_pages", {"url": url, "content": content, "title": title})

    def configure_ingestion(
        self, *, hold: Optional[bool] = None, step_delay_ms: Optional[int] = None
    ) -> Dict[str, Any]:
        """Hold document processing before its next step (`hold=True`) or slow every step down."""
        body = {"hold": hold, "step_delay_ms": step_delay_ms}
        return dict(self._call("PATCH", "/knowledge/ingestion", body))

    @property
    def oauth(self) -> OAuthControlClient:
        """The OAuth control plane (apps, codes, device decisions, the clock), on this client's connection."""
        return OAuthControlClient(str(self._http.base_url).rstrip("/")[: -len("/_emulator")], http=self._http)

    def close(self) -> None:
        self._http.close()


Control = ControlClient
"""The older name of `ControlClient`."""
