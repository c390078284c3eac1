"""The OAuth server's state and rules: apps, codes, device codes, tokens and a movable clock.

Every secret (client secret, code, device code, access and refresh token) is stored only as its sha256.
The clock offset lives in the store, so a reset puts it back to real time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

from ..admin.accounts import token_hash
from ..core.base import Account, Backend
from ..workspaces.backend import role_in

APP_TYPES = ("web", "pkce", "device", "jwt")
ACCESS_TTL = 900
REFRESH_TTL = 30 * 86400
CODE_TTL = 600
DEVICE_TTL = 300
DEVICE_INTERVAL = 5
SLOW_DOWN_STEP = 5
MAX_DEVICE_INTERVAL = 30
"""Each `slow_down` adds 5 s to the code's interval (RFC 8628 §3.5), up to the SDKs' 30 s cap."""
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
FAILURE_MESSAGES = {
    "internal_error": "Service internal error.",
    "authorization_pending": "the user has not finished authorization yet",
    "slow_down": "polling too fast; wait longer between requests",
    "access_denied": "the user denied the authorization request",
    "expired_token": "the device code has expired",
}


class OAuthFailure(Exception):
    """An OAuth error answer: `error` (the code), a message, and the HTTP status."""

    def __init__(self, error: str, message: str = "", status: int = 400) -> None:
        super().__init__(f"{error}: {message}")
        self.error = error
        self.message = message or error
        self.status = status

    def body(self) -> Dict[str, str]:
        return {
            "error": self.error,
            "error_code": self.error_code,
            "error_message": self.message,
            "error_description": self.message,
        }

    @property
    def error_code(self) -> str:
        return self.error


def invalid_request(parameter: str) -> OAuthFailure:
    return OAuthFailure("invalid_request", f"invalid request: {parameter}")


def invalid_client(why: str = "invalid client credentials") -> OAuthFailure:
    return OAuthFailure("invalid_client", why, status=401)


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def redirect_allowed(registered: List[str], redirect_uri: str) -> bool:
    """Exact match, or for a loopback URI any port (RFC 8252 §7.3); no registered URI allows any."""
    if not registered:
        return True
    got = urlsplit(redirect_uri)
    for uri in registered:
        if uri == redirect_uri:
            return True
        want = urlsplit(uri)
        if want.hostname in LOOPBACK_HOSTS and (want.scheme, want.hostname, want.path) == (
            got.scheme,
            got.hostname,
            got.path,
        ):
            return True
    return False


class OAuthBackend(Backend):
    # -- the clock -----------------------------------------------------------------------------
    def offset(self) -> float:
        doc = self.store.get("oauth_clock", "clock")
        return float(doc["offset"]) if doc else 0.0

    def clock(self) -> float:
        """The emulator's OAuth time: real time plus the control plane's offset."""
        return time.time() + self.offset()

    def advance(self, seconds: float) -> float:
        self.store.insert_missing("oauth_clock", {"id": "clock", "offset": 0.0}, owner="")
        with self.store.transaction():  # two advances at once both count
            doc = self.store.get("oauth_clock", "clock", lock=True) or {"id": "clock", "offset": 0.0}
            self.store.upsert("oauth_clock", {**doc, "offset": float(doc["offset"]) + seconds}, owner="")
        return self.clock()

    # -- armed failures ------------------------------------------------------------------------
    def arm_failure(
        self, error: str, message: str = "", status: Optional[int] = None, times: int = 1
    ) -> None:
        """The next `times` answers of the token and device-code endpoints are this OAuth error."""
        if times < 1:
            raise ValueError("times must be >= 1")
        status = status or (500 if error == "internal_error" else 401 if error == "invalid_client" else 400)
        doc = {"id": "next", "error": error, "message": message or FAILURE_MESSAGES.get(error, error)}
        self.store.upsert("oauth_failure", {**doc, "status": status, "times": times}, owner="")

    def take_failure(self) -> Optional[OAuthFailure]:
        """The armed failure for this answer, if any, used up once (two requests never take one use)."""
        if self.store.get("oauth_failure", "next") is None:  # the common case: one read, no transaction
            return None
        with self.store.transaction():
            doc = self.store.get("oauth_failure", "next", lock=True)
            if doc is None:
                return None
            if int(doc["times"]) <= 1:
                self.store.delete("oauth_failure", "next")
            else:
                self.store.update("oauth_failure", {**doc, "times": int(doc["times"]) - 1}, owner="")
        return OAuthFailure(str(doc["error"]), str(doc["message"]), int(doc["status"]))

    # -- apps ----------------------------------------------------------------------------------
    def create_app(self, owner: Account, client_type: str, **fields: Any) -> Dict[str, Any]:
        """A new app; the answer carries its `client_secret` (web apps) once."""
        if client_type not in APP_TYPES:
            raise ValueError(f"client_type must be one of {', '.join(APP_TYPES)}")
        client_id = self.ids.next() + secrets.token_hex(4) + ".app.coze"
        app: Dict[str, Any] = {
            "id": client_id,
            "client_type": client_type,
            "name": fields.get("name") or f"{client_type} app",
            "owner_user_id": owner.user_id,
            "redirect_uris": list(fields.get("redirect_uris") or []),
            "public_keys": {},
            "enterprise_id": fields.get("enterprise_id") or "",
            "access_token_ttl": int(fields.get("access_token_ttl") or ACCESS_TTL),
            "refresh_token_ttl": int(fields.get("refresh_token_ttl") or REFRESH_TTL),
            "device_code_ttl": int(fields.get("device_code_ttl") or DEVICE_TTL),
            "interval": int(fields["interval"]) if fields.get("interval") is not None else DEVICE_INTERVAL,
            "disabled": False,
            "secret_hash": "",
        }
        out = {"client_id": client_id, "client_type": client_type}
        if client_type == "web":
            secret = "sec_" + secrets.token_urlsafe(32)
            app["secret_hash"] = token_hash(secret)
            out["client_secret"] = secret
        self.store.insert("oauth_app", app, owner=owner.user_id)
        return {**out, **self.public(app)}

    def app(self, client_id: str) -> Optional[Dict[str, Any]]:
        return self.store.get("oauth_app", client_id) if client_id else None

    def _locked_app(self, client_id: str) -> Dict[str, Any]:
        """The app, held until the caller's transaction ends (KeyError if there is none)."""
        app = self.store.get("oauth_app", client_id, lock=True) if client_id else None
        if app is None:
            raise KeyError(client_id)
        return app

    def update_app(self, client_id: str, changes: Dict[str, Any]) -> Dict[str, Any]:
        with self.store.transaction():
            app = self._locked_app(client_id)
            app.update(changes)
            self.store.update("oauth_app", app, owner=app["owner_user_id"])
        return self.public(app)

    def add_public_key(self, client_id: str, public_key: str, key_id: Optional[str] = None) -> str:
        with self.store.transaction():  # keys added at once are all kept
            app = self._locked_app(client_id)
            kid = key_id or secrets.token_hex(20)
            app["public_keys"][kid] = public_key
            self.store.update("oauth_app", app, owner=app["owner_user_id"])
        return kid

    @staticmethod
    def public(app: Dict[str, Any]) -> Dict[str, Any]:
        shown = {k: v for k, v in app.items() if k not in ("id", "secret_hash", "public_keys")}
        return {**shown, "client_id": app["id"], "public_key_ids": sorted(app["public_keys"])}

    def usable_app(self, client_id: str, *types: str) -> Dict[str, Any]:
        """The app, checked to exist, be enabled and be of one of `types`."""
        app = self.app(client_id)
        if app is None:
            raise invalid_client(f"unknown client_id {client_id[:80]}")
        if app["disabled"]:
            raise OAuthFailure("access_deny", f"app: {app['name']} is currently deactivated by the owner")
        if app["client_type"] not in types:
            raise OAuthFailure("access_deny", "invalid app type")
        return app

    def check_secret(self, app: Dict[str, Any], secret: Optional[str]) -> None:
        if not secret or not _same(token_hash(secret), app["secret_hash"]):
            raise invalid_client("invalid client secret")

    # -- authorization codes -------------------------------------------------------------------
    def issue_code(
        self,
        app: Dict[str, Any],
        user_id: str,
        redirect_uri: str,
        challenge: Optional[str] = None,
        method: Optional[str] = None,
        workspace_id: Optional[str] = None,
    ) -> str:
        if not redirect_allowed(app["redirect_uris"], redirect_uri):
            raise invalid_request("redirect_uri")
        if app["client_type"] == "pkce" and not challenge:
            raise invalid_request("code_challenge")
        if workspace_id and not self.member_of(user_id, workspace_id):
            raise OAuthFailure("access_deny", f"the user is not a member of workspace {workspace_id}")
        method = method or ("plain" if challenge else None)
        if method not in (None, "plain", "S256"):
            raise invalid_request("code_challenge_method")
        code = "code_" + secrets.token_urlsafe(32)
        doc = {
            "id": token_hash(code),
            "client_id": app["id"],
            "user_id": user_id,
            "redirect_uri": redirect_uri,
            "challenge": challenge or "",
            "method": method or "",
            "workspace_id": workspace_id or "",
            "expires_at": self.clock() + CODE_TTL,
        }
        self.store.insert("oauth_code", doc, owner=user_id)
        return code

    def redeem_code(
        self, app: Dict[str, Any], code: str, redirect_uri: str, verifier: Optional[str]
    ) -> Dict[str, Any]:
        """Use a code once: it must be this app's, for this redirect URI, unexpired, and (PKCE) proven.
        A code shown with a wrong redirect URI or verifier is used up too."""
        with self.store.transaction():  # two redemptions at once: one gets the code, the other an error
            doc = self.store.get("oauth_code", token_hash(code), lock=True) if code else None
            if doc is None or doc["client_id"] != app["id"] or doc["expires_at"] <= self.clock():
                raise invalid_request("code")
            self.store.delete("oauth_code", doc["id"])
        if doc["redirect_uri"] != redirect_uri:
            raise invalid_request("redirect_uri")
        if doc["challenge"]:
            if not verifier:
                raise invalid_request("code_verifier")
            proof = s256(verifier) if doc["method"] == "S256" else verifier
            if not _same(proof, doc["challenge"]):
                raise invalid_request("code_verifier")
        return doc

    def member_of(self, user_id: str, workspace_id: str) -> bool:
        """Whether the user may grant an app access to the workspace (owner, admin or member)."""
        workspace = self.store.get("workspace", workspace_id)
        return workspace is not None and role_in(self.store, workspace, user_id) is not None

    # -- device codes --------------------------------------------------------------------------
    def issue_device_code(self, app: Dict[str, Any], workspace_id: Optional[str]) -> Dict[str, Any]:
        device_code = "dev_" + secrets.token_urlsafe(32)
        letters = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(8))
        user_code = f"{letters[:4]}-{letters[4:]}"
        doc = {
            "id": token_hash(device_code),
            "client_id": app["id"],
            "user_code": user_code,
            "status": "pending",
            "user_id": "",
            "workspace_id": workspace_id or "",
            "interval": app["interval"],
            "expires_at": self.clock() + app["device_code_ttl"],
            "last_poll": 0.0,
        }
        self.store.insert("oauth_device", doc, owner="")
        return {
            "device_code": device_code,
            "user_code": user_code,
            "expires_in": app["device_code_ttl"],
            "interval": app["interval"],
        }

    def device_by_user_code(self, user_code: str) -> Optional[Dict[str, Any]]:
        wanted = user_code.strip().upper().replace(" ", "")
        for doc in self.store.find("oauth_device"):
            if doc["user_code"] in (wanted, wanted[:4] + "-" + wanted[4:]):
                return doc
        return None

    def pending_devices(self, client_id: Optional[str] = None) -> List[Dict[str, Any]]:
        now = self.clock()
        return [
            {"user_code": d["user_code"], "client_id": d["client_id"], "status": d["status"]}
            for d in self.store.find("oauth_device")
            if d["status"] == "pending"
            and d["expires_at"] > now
            and (client_id is None or d["client_id"] == client_id)
        ]

    def decide_device(self, user_code: str, approve: bool, user_id: Optional[str] = None) -> Dict[str, Any]:
        """The user approved (or denied) the device code shown to them (one decision wins)."""
        found = self.device_by_user_code(user_code)
        with self.store.transaction():  # a decision and a poll (or another decision) at once
            doc = self.store.get("oauth_device", found["id"], lock=True) if found else None
            if doc is None or doc["expires_at"] <= self.clock():
                raise KeyError(user_code)
            if doc["status"] != "pending":
                raise ValueError(f"user code {doc['user_code']} was already {doc['status']}")
            app = self.app(doc["client_id"]) or {}
            user_id = user_id or str(app.get("owner_user_id", ""))
            if approve and doc["workspace_id"] and not self.member_of(user_id, doc["workspace_id"]):
                raise ValueError(f"the user is not a member of workspace {doc['workspace_id']}")
            doc["status"] = "approved" if approve else "denied"
            doc["user_id"] = user_id
            self.store.update("oauth_device", doc, owner="")
        return {"user_code": doc["user_code"], "client_id": doc["client_id"], "status": doc["status"]}

    def poll_device(self, app: Dict[str, Any], device_code: str) -> Dict[str, Any]:
        """One poll: the approved code (used up: two polls at once never both get it), or the device
        error to answer (a pending code's poll time is written under its lock, so it never undoes a
        decision made meanwhile)."""
        with self.store.transaction():
            doc = self.store.get("oauth_device", token_hash(device_code), lock=True) if device_code else None
            if doc is None or doc["client_id"] != app["id"]:
                raise invalid_request("device_code")
            now = self.clock()
            if doc["expires_at"] <= now:
                raise OAuthFailure("expired_token", "the device code has expired")
            if doc["status"] == "denied":
                raise OAuthFailure("access_denied", "the user denied the authorization request")
            if doc["status"] == "approved":
                self.store.delete("oauth_device", doc["id"])
                return doc
            too_soon = now - float(doc["last_poll"]) < float(doc["interval"])
            doc["last_poll"] = now
            if too_soon:
                interval = int(doc["interval"])
                doc["interval"] = max(interval, min(interval + SLOW_DOWN_STEP, MAX_DEVICE_INTERVAL))
            self.store.update("oauth_device", doc, owner="")
        if too_soon:
            raise OAuthFailure("slow_down", "polling too fast; wait longer between requests")
        raise OAuthFailure("authorization_pending", "the user has not finished authorization yet")

    # -- tokens --------------------------------------------------------------------------------
    def issue_user_token(self, app: Dict[str, Any], user_id: str, workspace_id: str = "") -> Dict[str, Any]:
        """A `czu_` access token and a one-time refresh token, for one workspace when one was granted."""
        now = self.clock()
        refresh = "rt_" + secrets.token_urlsafe(40)
        ttl = int(app["access_token_ttl"])
        body = self._access(app, user_id, "czu_", ttl, session_name="", workspace_id=workspace_id)
        doc = {
            "id": token_hash(refresh),
            "client_id": app["id"],
            "user_id": user_id,
            "workspace_id": workspace_id,
            "expires_at": now + int(app["refresh_token_ttl"]),
        }
        self.store.insert("oauth_refresh", doc, owner=user_id)
        return {**body, "refresh_token": refresh}

    def issue_service_token(
        self, app: Dict[str, Any], user_id: str, ttl: int, session_name: str, scope: Any
    ) -> Dict[str, Any]:
        """A `czs_` token (JWT grant): no refresh token."""
        return self._access(app, user_id, "czs_", ttl, session_name=session_name, scope=scope)

    def _access(
        self,
        app: Dict[str, Any],
        user_id: str,
        prefix: str,
        ttl: int,
        session_name: str,
        scope: Any = None,
        workspace_id: str = "",
    ) -> Dict[str, Any]:
        token = prefix + secrets.token_urlsafe(40)
        expires_at = int(self.clock()) + ttl
        doc = {
            "id": token_hash(token),
            "client_id": app["id"],
            "user_id": user_id,
            "session_name": session_name,
            "scope": scope,
            "workspace_id": workspace_id,
            "expires_at": expires_at,
        }
        self.store.insert("oauth_token", doc, owner=user_id)
        return {"access_token": token, "expires_in": expires_at, "token_type": "Bearer"}

    def refresh(self, app: Dict[str, Any], refresh_token: str) -> Dict[str, Any]:
        """Trade a refresh token (once: of two refreshes at once, one gets tokens and the other an error)
        for a new access and refresh token."""
        with self.store.transaction():
            doc = (
                self.store.get("oauth_refresh", token_hash(refresh_token), lock=True)
                if refresh_token
                else None
            )
            if doc is None or doc["client_id"] != app["id"] or doc["expires_at"] <= self.clock():
                raise invalid_request("refresh_token")
            self.store.delete("oauth_refresh", doc["id"])
            return self.issue_user_token(app, doc["user_id"], str(doc.get("workspace_id") or ""))

    def token_info(self, access_token: str) -> Optional[Dict[str, Any]]:
        """The stored token if it exists and has not expired."""
        if not access_token.startswith(("czu_", "czs_")):
            return None
        doc = self.store.get("oauth_token", token_hash(access_token))
        if doc is None or doc["expires_at"] <= self.clock():
            return None
        return doc

    def seen_jti(self, client_id: str, jti: str, exp: float) -> bool:
        """Record a JWT id; True when it was used before (a replay)."""
        key = token_hash(f"{client_id}\n{jti}")
        return not self.store.insert_missing("oauth_jti", {"id": key, "exp": exp}, owner="")
        return False

    def authenticate(self, access_token: str) -> Optional[Account]:
        """The account an unexpired OAuth token acts for (scoped to its `session_name`), else None."""
        doc = self.token_info(access_token)
        if doc is None:
            return None
        user = self.store.get("user", str(doc["user_id"]))
        if user is None:
            return None
        scope = doc.get("scope")
        bots: List[str] = []
        if isinstance(scope, dict):
            chat = (scope.get("attribute_constraint") or {}).get("connector_bot_chat_attribute") or {}
            bots = [str(b) for b in chat.get("bot_id_list") or []]
        return Account(
            str(doc["user_id"]),
            str(user["user_name"]),
            session=str(doc["session_name"] or ""),
            scoped=isinstance(scope, dict),
            bot_ids=tuple(bots),
            workspace_id=str(doc.get("workspace_id") or ""),
        )
