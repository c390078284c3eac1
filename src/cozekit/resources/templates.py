"""`coze.templates`: duplicate a template into a workspace."""

from __future__ import annotations

from typing import Optional

from typing_extensions import Unpack

from .._parsing import model
from .._paths import path, require
from .._request import CallOptions, RequestOptions, post
from .._resource import AsyncAPIResource, SyncAPIResource
from ..types.template import TemplateDuplicateResp

__all__ = ["AsyncTemplates", "Templates"]


def _duplicate(
    template_id: str, workspace_id: str, name: Optional[str], options: CallOptions
) -> RequestOptions:
    url = path("/v1/templates/{template_id}/duplicate", template_id=template_id)
    require(workspace_id=workspace_id)
    if name is not None and not name.strip():
        raise ValueError("name must be a non-empty value when given")
    body = {"workspace_id": workspace_id, "name": name}
    return post(url, body).with_call_options(options)


class Templates(SyncAPIResource):
    def duplicate(
        self,
        *,
        template_id: str,
        workspace_id: str,
        name: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> TemplateDuplicateResp:
        """Copy a template into `workspace_id` (named `name`, or as the template); the copy is a new
        unpublished bot (`entity_type` `agent`) or app, whose id is `entity_id`."""
        opts = _duplicate(template_id, workspace_id, name, options)
        return self._client.request(opts, model(TemplateDuplicateResp))


class AsyncTemplates(AsyncAPIResource):
    async def duplicate(
        self,
        *,
        template_id: str,
        workspace_id: str,
        name: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> TemplateDuplicateResp:
        opts = _duplicate(template_id, workspace_id, name, options)
        return await self._client.request(opts, model(TemplateDuplicateResp))
