"""`coze.users`: the account behind the token."""

from __future__ import annotations

from typing_extensions import Unpack

from .._parsing import model
from .._request import CallOptions, RequestOptions, get
from .._resource import AsyncAPIResource, SyncAPIResource
from ..types.user import User

__all__ = ["AsyncUsers", "Users"]


def _me(options: CallOptions) -> RequestOptions:
    return get("/v1/users/me").with_call_options(options)


class Users(SyncAPIResource):
    def me(self, **options: Unpack[CallOptions]) -> User:
        """The user the token belongs to."""
        return self._client.request(_me(options), model(User))


class AsyncUsers(AsyncAPIResource):
    async def me(self, **options: Unpack[CallOptions]) -> User:
        return await self._client.request(_me(options), model(User))
