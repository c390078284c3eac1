"""OAuth models: tokens, device codes, the JWT `scope` and `session_context`.

Secrets (`access_token`, `refresh_token`, `device_code`) are excluded from `repr`/`str`.
"""

from __future__ import annotations

from typing import Any, Iterator, List, Optional, Tuple

from pydantic import BeforeValidator, Field
from typing_extensions import Annotated

from .._models import CozeModel
from ._shared import Timestamp

__all__ = [
    "DeviceAuthCode",
    "DeviceInfo",
    "OAuthToken",
    "Scope",
    "ScopeAccountPermission",
    "ScopeAttributeConstraint",
    "ScopeAttributeConstraintConnectorBotChatAttribute",
    "SessionContext",
]


class _Redacted(CozeModel):
    """Shows only declared non-secret fields in `repr`/`str` (extra fields may be secrets too)."""

    def __repr_args__(self) -> Iterator[Tuple[Optional[str], Any]]:
        for name, field in type(self).model_fields.items():
            if field.repr:
                yield name, getattr(self, name)


class OAuthToken(_Redacted):
    """An access token from an OAuth token endpoint.

    `expires_in` is the absolute Unix time (seconds) at which the token expires, not a duration.
    `refresh_token` is empty for JWT tokens (they cannot be refreshed).
    """

    access_token: str = Field(repr=False)
    expires_in: Timestamp
    refresh_token: str = Field(default="", repr=False)
    token_type: str = ""


def _int_as_str(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class DeviceAuthCode(_Redacted):
    """The answer of the device-code endpoint; show `verification_url` and `user_code` to the user.

    Here `expires_in` is a duration in seconds and `interval` the minimum seconds between polls.
    """

    device_code: str = Field(repr=False)
    user_code: Annotated[str, BeforeValidator(_int_as_str)]
    verification_uri: str
    expires_in: int = 300
    interval: int = 5
    verification_url: Optional[str] = None

    def model_post_init(self, __context: object) -> None:
        if self.verification_url is None and self.verification_uri:
            sep = "&" if "?" in self.verification_uri else "?"
            self.verification_url = f"{self.verification_uri}{sep}user_code={self.user_code}"


class ScopeAccountPermission(CozeModel):
    permission_list: List[str]


class ScopeAttributeConstraintConnectorBotChatAttribute(CozeModel):
    bot_id_list: List[str]


class ScopeAttributeConstraint(CozeModel):
    connector_bot_chat_attribute: ScopeAttributeConstraintConnectorBotChatAttribute


class Scope(CozeModel):
    """Narrows a JWT token (channel apps): which permissions, and which bots it may chat with."""

    account_permission: Optional[ScopeAccountPermission] = None
    attribute_constraint: Optional[ScopeAttributeConstraint] = None

    @staticmethod
    def build_bot_chat(bot_id_list: List[str], permission_list: Optional[List[str]] = None) -> Scope:
        """A scope allowing only chat (`Connector.botChat`) with the given bots."""
        constraint = None
        if bot_id_list:
            constraint = ScopeAttributeConstraint(
                connector_bot_chat_attribute=ScopeAttributeConstraintConnectorBotChatAttribute(
                    bot_id_list=list(bot_id_list)
                )
            )
        return Scope(
            account_permission=ScopeAccountPermission(
                permission_list=permission_list or ["Connector.botChat"]
            ),
            attribute_constraint=constraint,
        )


class DeviceInfo(CozeModel):
    """`session_context.device_info`: usage accounting per device or custom consumer (enterprise)."""

    device_id: Optional[str] = None
    custom_consumer: Optional[str] = None


class SessionContext(CozeModel):
    """The JWT `session_context` claim."""

    device_info: Optional[DeviceInfo] = None
