"""`coze.bots`: create, update, publish, unpublish, list, retrieve agents, and list their versions;
`collaborators` and `switch_collaboration_mode` for multi-developer bots."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Dict, Optional, Sequence, Union

from typing_extensions import Literal, Unpack

from .._parsing import model
from .._paths import path, require
from .._request import CallOptions, RequestOptions, get, post
from .._resource import AsyncAPIResource, SyncAPIResource
from ..pagination import AsyncPager, NumberPaging, SyncPager
from ..types.bot import Bot, BotVersionInfo, PublishedBot, SimpleBot, UnpublishBotResp, UpdateBotResp
from ..types.collaborator import CollaborationMode, SwitchCollaborationModeResp
from ._body import arguments, to_json
from ._validate import check_page_size
from .collaborators import AsyncBotCollaborators, BotCollaborators, switch_mode

__all__ = ["AsyncBots", "Bots"]

ApiVersion = Literal[1, 2]


def _space(workspace_id: Optional[str], space_id: Optional[str]) -> str:
    if workspace_id and space_id and workspace_id != space_id:
        raise ValueError("workspace_id and space_id name the same thing: pass one")
    value = workspace_id or space_id
    require(workspace_id=value)
    assert value is not None
    return value


def _check_texts(name: Optional[str], description: Optional[str], *, creating: bool) -> None:
    if creating:
        require(name=name)
    if name is not None and not 1 <= len(name) <= 20:
        raise ValueError(f"a bot name has 1-20 characters, got {len(name)}")
    if description is not None and len(description) > 500:
        raise ValueError(f"a bot description has at most 500 characters, got {len(description)}")


def _create(space_id: str, fields: Dict[str, Any], options: CallOptions) -> RequestOptions:
    _check_texts(fields.get("name"), fields.get("description"), creating=True)
    return post("/v1/bot/create", {"space_id": space_id, **to_json(fields)}).with_call_options(options)


def _update(bot_id: str, fields: Dict[str, Any], options: CallOptions) -> RequestOptions:
    require(bot_id=bot_id)
    _check_texts(fields.get("name"), fields.get("description"), creating=False)
    return post("/v1/bot/update", {"bot_id": bot_id, **to_json(fields)}).with_call_options(options)


def _publish(bot_id: str, connector_ids: Optional[Sequence[str]], options: CallOptions) -> RequestOptions:
    require(bot_id=bot_id)
    ids = list(connector_ids) if connector_ids else ["1024"]
    return post("/v1/bot/publish", {"bot_id": bot_id, "connector_ids": ids}).with_call_options(options)


def _unpublish(bot_id: str, connector_id: str, reason: Optional[str], options: CallOptions) -> RequestOptions:
    require(connector_id=connector_id)
    if reason is not None and len(reason) > 1024:
        raise ValueError("unpublish_reason has at most 1024 characters")
    body = {"connector_id": connector_id, "unpublish_reason": reason}
    return post(path("/v1/bots/{bot_id}/unpublish", bot_id=bot_id), body).with_call_options(options)


def _retrieve(
    bot_id: str, is_published: Optional[bool], use_api_version: ApiVersion, options: CallOptions
) -> RequestOptions:
    if use_api_version == 1:
        require(bot_id=bot_id)
        return get("/v1/bot/get_online_info", {"bot_id": bot_id}).with_call_options(options)
    return get(path("/v1/bots/{bot_id}", bot_id=bot_id), {"is_published": is_published}).with_call_options(
        options
    )


def _list(
    space_id: str,
    publish_status: Optional[str],
    connector_id: Optional[str],
    page_num: int,
    page_size: int,
    use_api_version: ApiVersion,
    options: CallOptions,
) -> NumberPaging[Any]:
    if use_api_version == 1:

        def old(num: int, size: int) -> RequestOptions:
            params = {"space_id": space_id, "page_index": num, "page_size": size}
            return get("/v1/space/published_bots_list", params).with_call_options(options)

        return NumberPaging(PublishedBot, "space_bots", old, page_num=page_num, page_size=page_size)

    def new(num: int, size: int) -> RequestOptions:
        # The documentation names the page `page_num`; every official SDK sends `page_index`: send both.
        params = {
            "workspace_id": space_id,
            "publish_status": publish_status,
            "connector_id": connector_id,
            "page_num": num,
            "page_index": num,
            "page_size": size,
        }
        return get("/v1/bots", params).with_call_options(options)

    return NumberPaging(SimpleBot, "items", new, page_num=page_num, page_size=page_size)


def _versions(
    bot_id: str,
    publish_status: Optional[str],
    connector_id: Optional[str],
    page_num: int,
    page_size: int,
    options: CallOptions,
) -> NumberPaging[BotVersionInfo]:
    bot_path = path("/v1/bots/{bot_id}/versions", bot_id=bot_id)
    check_page_size(page_size, 30)

    def request(num: int, size: int) -> RequestOptions:
        params = {
            "publish_status": publish_status,
            "connector_id": connector_id,
            "page_num": num,
            "page_size": size,
        }
        return get(bot_path, params).with_call_options(options)

    return NumberPaging(BotVersionInfo, "items", request, page_num=page_num, page_size=page_size)


class Bots(SyncAPIResource):
    """Agents (bots). `workspace_id` and cozepy's `space_id` are the same thing; pass either."""

    @cached_property
    def collaborators(self) -> BotCollaborators:
        return BotCollaborators(self._client)

    def switch_collaboration_mode(
        self,
        *,
        bot_id: str,
        collaboration_mode: Union[CollaborationMode, str],
        **options: Unpack[CallOptions],
    ) -> SwitchCollaborationModeResp:
        """Turn multi-developer mode on (`collaboration`) or off (`single`, once no collaborator is left)."""
        opts = switch_mode("bots", "bot_id", bot_id, collaboration_mode, options)
        return self._client.request(opts, model(SwitchCollaborationModeResp))

    def create(
        self,
        *,
        space_id: Optional[str] = None,
        workspace_id: Optional[str] = None,
        name: str,
        description: Optional[str] = None,
        icon_file_id: Optional[str] = None,
        prompt_info: Any = None,
        onboarding_info: Any = None,
        suggest_reply_info: Any = None,
        model_info_config: Any = None,
        plugin_id_list: Any = None,
        workflow_id_list: Any = None,
        **options: Unpack[CallOptions],
    ) -> Bot:
        """Create a draft bot; returns it with its `bot_id`."""
        fields = arguments(locals(), "options", "space_id", "workspace_id")
        return self._client.request(_create(_space(workspace_id, space_id), fields, options), model(Bot))

    def update(
        self,
        *,
        bot_id: str,
        name: Optional[str] = None,
        description: Optional[str] = None,
        icon_file_id: Optional[str] = None,
        prompt_info: Any = None,
        onboarding_info: Any = None,
        knowledge: Any = None,
        suggest_reply_info: Any = None,
        model_info_config: Any = None,
        plugin_id_list: Any = None,
        workflow_id_list: Any = None,
        **options: Unpack[CallOptions],
    ) -> UpdateBotResp:
        """Change a bot's draft; publish to make the change live."""
        return self._client.request(
            _update(bot_id, arguments(locals(), "options", "bot_id"), options), model(UpdateBotResp)
        )

    def publish(
        self, *, bot_id: str, connector_ids: Optional[Sequence[str]] = None, **options: Unpack[CallOptions]
    ) -> Bot:
        """Publish the draft to channels (default: `["1024"]`, Agent as API)."""
        return self._client.request(_publish(bot_id, connector_ids, options), model(Bot))

    def unpublish(
        self,
        *,
        bot_id: str,
        connector_id: str,
        unpublish_reason: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UnpublishBotResp:
        opts = _unpublish(bot_id, connector_id, unpublish_reason, options)
        return self._client.request(opts, model(UnpublishBotResp))

    def retrieve(
        self,
        *,
        bot_id: str,
        is_published: Optional[bool] = None,
        use_api_version: ApiVersion = 2,
        **options: Unpack[CallOptions],
    ) -> Bot:
        """A bot's configuration (`is_published=False` for the draft). `use_api_version=1` asks the old,
        deprecated endpoint, which only knows published bots."""
        return self._client.request(_retrieve(bot_id, is_published, use_api_version, options), model(Bot))

    def list(
        self,
        *,
        space_id: Optional[str] = None,
        workspace_id: Optional[str] = None,
        publish_status: Optional[str] = None,
        connector_id: Optional[str] = None,
        page_num: int = 1,
        page_size: int = 20,
        use_api_version: ApiVersion = 2,
        **options: Unpack[CallOptions],
    ) -> SyncPager[Any]:
        """A workspace's bots (`SimpleBot`; `PublishedBot` from the old endpoint with `use_api_version=1`)."""
        paging = _list(
            _space(workspace_id, space_id),
            publish_status,
            connector_id,
            page_num,
            page_size,
            use_api_version,
            options,
        )
        return SyncPager(self._client, paging)

    def list_versions(
        self,
        *,
        bot_id: str,
        publish_status: Optional[str] = None,
        connector_id: Optional[str] = None,
        page_num: int = 1,
        page_size: int = 10,
        **options: Unpack[CallOptions],
    ) -> SyncPager[BotVersionInfo]:
        """A bot's published versions."""
        paging = _versions(bot_id, publish_status, connector_id, page_num, page_size, options)
        return SyncPager(self._client, paging)


class AsyncBots(AsyncAPIResource):
    @cached_property
    def collaborators(self) -> AsyncBotCollaborators:
        return AsyncBotCollaborators(self._client)

    async def switch_collaboration_mode(
        self,
        *,
        bot_id: str,
        collaboration_mode: Union[CollaborationMode, str],
        **options: Unpack[CallOptions],
    ) -> SwitchCollaborationModeResp:
        opts = switch_mode("bots", "bot_id", bot_id, collaboration_mode, options)
        return await self._client.request(opts, model(SwitchCollaborationModeResp))

    async def create(
        self,
        *,
        space_id: Optional[str] = None,
        workspace_id: Optional[str] = None,
        name: str,
        description: Optional[str] = None,
        icon_file_id: Optional[str] = None,
        prompt_info: Any = None,
        onboarding_info: Any = None,
        suggest_reply_info: Any = None,
        model_info_config: Any = None,
        plugin_id_list: Any = None,
        workflow_id_list: Any = None,
        **options: Unpack[CallOptions],
    ) -> Bot:
        fields = arguments(locals(), "options", "space_id", "workspace_id")
        return await self._client.request(
            _create(_space(workspace_id, space_id), fields, options), model(Bot)
        )

    async def update(
        self,
        *,
        bot_id: str,
        name: Optional[str] = None,
        description: Optional[str] = None,
        icon_file_id: Optional[str] = None,
        prompt_info: Any = None,
        onboarding_info: Any = None,
        knowledge: Any = None,
        suggest_reply_info: Any = None,
        model_info_config: Any = None,
        plugin_id_list: Any = None,
        workflow_id_list: Any = None,
        **options: Unpack[CallOptions],
    ) -> UpdateBotResp:
        opts = _update(bot_id, arguments(locals(), "options", "bot_id"), options)
        return await self._client.request(opts, model(UpdateBotResp))

    async def publish(
        self, *, bot_id: str, connector_ids: Optional[Sequence[str]] = None, **options: Unpack[CallOptions]
    ) -> Bot:
        return await self._client.request(_publish(bot_id, connector_ids, options), model(Bot))

    async def unpublish(
        self,
        *,
        bot_id: str,
        connector_id: str,
        unpublish_reason: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UnpublishBotResp:
        opts = _unpublish(bot_id, connector_id, unpublish_reason, options)
        return await self._client.request(opts, model(UnpublishBotResp))

    async def retrieve(
        self,
        *,
        bot_id: str,
        is_published: Optional[bool] = None,
        use_api_version: ApiVersion = 2,
        **options: Unpack[CallOptions],
    ) -> Bot:
        return await self._client.request(
            _retrieve(bot_id, is_published, use_api_version, options), model(Bot)
        )

    def list(
        self,
        *,
        space_id: Optional[str] = None,
        workspace_id: Optional[str] = None,
        publish_status: Optional[str] = None,
        connector_id: Optional[str] = None,
        page_num: int = 1,
        page_size: int = 20,
        use_api_version: ApiVersion = 2,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[Any]:
        paging = _list(
            _space(workspace_id, space_id),
            publish_status,
            connector_id,
            page_num,
            page_size,
            use_api_version,
            options,
        )
        return AsyncPager(self._client, paging)

    def list_versions(
        self,
        *,
        bot_id: str,
        publish_status: Optional[str] = None,
        connector_id: Optional[str] = None,
        page_num: int = 1,
        page_size: int = 10,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[BotVersionInfo]:
        paging = _versions(bot_id, publish_status, connector_id, page_num, page_size, options)
        return AsyncPager(self._client, paging)
