"""Device-flow polling errors, under cozepy's names."""

from __future__ import annotations

from typing import Optional

from .._exceptions import OAuthError
from .._models import OpenEnum

__all__ = ["CozePKCEAuthError", "CozePKCEAuthErrorType", "as_device_error"]


class CozePKCEAuthErrorType(OpenEnum):
    """The OAuth error codes the device flow's token polling can answer."""

    AUTHORIZATION_PENDING = "authorization_pending"
    SLOW_DOWN = "slow_down"
    ACCESS_DENIED = "access_denied"
    EXPIRED_TOKEN = "expired_token"


class CozePKCEAuthError(OAuthError):
    """A device-flow poll answered `authorization_pending`, `slow_down`, `access_denied` or
    `expired_token`; `error` says which."""

    @property
    def error(self) -> CozePKCEAuthErrorType:
        return CozePKCEAuthErrorType(self.error_code)


def as_device_error(err: OAuthError) -> Optional[CozePKCEAuthError]:
    """`err` as a `CozePKCEAuthError` when its code is one of the four device-flow codes."""
    code = err.error_code
    if isinstance(err, CozePKCEAuthError) or code not in CozePKCEAuthErrorType._value2member_map_:
        return err if isinstance(err, CozePKCEAuthError) else None
    converted = CozePKCEAuthError(
        err.code, err.msg, err.logid, err.debug_url, status_code=err.status_code, body=err.body
    )
    converted.response = err.response
    return converted
