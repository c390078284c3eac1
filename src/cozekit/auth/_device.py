"""The device flow: `DeviceOAuthApp` gets a user code, then polls the token endpoint.

Polling is one generator of `Call`/`Sleep` steps (`poll_flow`), run by the app's own client (`run_flow`)
with the app's `_sleep`: `time.sleep` for the sync app, `asyncio.sleep` for the async one, so the event
loop is never blocked.
"""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable, Optional, Union

from .._exceptions import OAuthError
from .._flow import Call, Flow, Sleep
from .._parsing import model
from .._paths import require
from .._request import RequestOptions
from ..types.oauth import DeviceAuthCode, OAuthToken
from ._base import AsyncOAuthAppBase, OAuthApp, SyncOAuthAppBase, parse_token
from ._code_apps import refresh_grant
from ._errors import CozePKCEAuthErrorType, as_device_error
from ._requests import DEVICE_GRANT, device_code_request, token_request

__all__ = ["MAX_POLL_INTERVAL", "AsyncDeviceOAuthApp", "DeviceOAuthApp", "poll_flow"]

DEFAULT_INTERVAL = 5
SLOW_DOWN_STEP = 5
MAX_POLL_INTERVAL = 30
"""`slow_down` adds 5 s to the polling interval, up to this (a longer interval from the server stays)."""

DeviceCode = Union[str, DeviceAuthCode]


def device_grant(app: OAuthApp, device_code: str) -> RequestOptions:
    require(device_code=device_code)
    return token_request({"grant_type": DEVICE_GRANT, "client_id": app.client_id, "device_code": device_code})


def poll_flow(app: OAuthApp, device_code: DeviceCode, poll: bool) -> Flow[OAuthToken]:
    """Ask for the token; while polling, wait on `authorization_pending` and slow down on `slow_down`.

    Raises `CozePKCEAuthError` for the four device codes (for `access_denied`/`expired_token` even when
    polling), and any other error as is.
    """
    code = device_code.device_code if isinstance(device_code, DeviceAuthCode) else device_code
    interval = float(device_code.interval) if isinstance(device_code, DeviceAuthCode) else DEFAULT_INTERVAL
    delay = max(interval, 1.0)  # the server's interval, however long: polling sooner only slows us down
    request = device_grant(app, code)
    while True:
        try:
            token: OAuthToken = yield Call(request, parse_token)
            return token
        except OAuthError as err:
            device_error = as_device_error(err)
            if device_error is None:
                raise
            kind = device_error.error
            if not poll or kind not in (
                CozePKCEAuthErrorType.AUTHORIZATION_PENDING,
                CozePKCEAuthErrorType.SLOW_DOWN,
            ):
                raise device_error from None
            if kind == CozePKCEAuthErrorType.SLOW_DOWN:
                delay = max(delay, min(delay + SLOW_DOWN_STEP, MAX_POLL_INTERVAL))
        yield Sleep(delay)


class DeviceOAuthApp(SyncOAuthAppBase):
    """A device or CLI app: show the user a code and URL, then poll until they approve.

    >>> code = app.get_device_code()
    >>> print(code.verification_url, code.user_code)
    >>> token = app.get_access_token(code, poll=True)
    """

    _sleep: Callable[[float], None] = staticmethod(time.sleep)
    """How polling waits (a test may move a clock instead)."""

    def get_device_code(self, workspace_id: Optional[str] = None) -> DeviceAuthCode:
        return self._client.request(device_code_request(self.client_id, workspace_id), model(DeviceAuthCode))

    def get_access_token(self, device_code: DeviceCode, poll: bool = False) -> OAuthToken:
        """The token once the user approved; with `poll=True`, wait for it (pass the `DeviceAuthCode` to
        start at its `interval`)."""
        return self._client.run_flow(poll_flow(self, device_code, poll), sleep=self._sleep)

    def refresh_access_token(self, refresh_token: str) -> OAuthToken:
        return self._token(refresh_grant(self, refresh_token, None))


class AsyncDeviceOAuthApp(AsyncOAuthAppBase):
    """The async twin of `DeviceOAuthApp`."""

    _sleep: Callable[[float], Awaitable[None]] = staticmethod(asyncio.sleep)

    async def get_device_code(self, workspace_id: Optional[str] = None) -> DeviceAuthCode:
        opts = device_code_request(self.client_id, workspace_id)
        return await self._client.request(opts, model(DeviceAuthCode))

    async def get_access_token(self, device_code: DeviceCode, poll: bool = False) -> OAuthToken:
        return await self._client.run_flow(poll_flow(self, device_code, poll), sleep=self._sleep)

    async def refresh_access_token(self, refresh_token: str) -> OAuthToken:
        return await self._token(refresh_grant(self, refresh_token, None))
