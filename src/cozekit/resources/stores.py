"""`coze.stores`: the plugin store's paid plugins (`plugins.list`) and its categories (`categories.list`)."""

from __future__ import annotations

from functools import cached_property
from typing import List, Optional, Sequence, Union

from typing_extensions import Unpack

from .._paths import require
from .._request import CallOptions, RequestOptions, get
from .._resource import AsyncAPIResource, SyncAPIResource
from ..pagination import AsyncPager, NumberPaging, SyncPager
from ..types.plugin import StoreCategory, StorePlugin, StorePluginSortType
from ._body import to_json
from ._validate import check_page_size

__all__ = [
    "AsyncStoreCategories",
    "AsyncStorePlugins",
    "AsyncStores",
    "StoreCategories",
    "StorePlugins",
    "Stores",
]


def _check_size(page_size: int) -> None:
    check_page_size(page_size, 100)


def _plugins(
    keyword: Optional[str],
    is_official: Optional[bool],
    category_ids: Optional[Sequence[str]],
    sort_type: Union[StorePluginSortType, str, None],
    page_num: int,
    page_size: int,
    options: CallOptions,
) -> NumberPaging[StorePlugin]:
    _check_size(page_size)
    if isinstance(category_ids, str):
        raise TypeError("category_ids takes a list of category ids")
    categories = ",".join(category_ids) if category_ids else None

    def request(num: int, size: int) -> RequestOptions:
        params = {
            "keyword": keyword,
            "is_official": is_official,
            "category_ids": categories,
            "sort_type": to_json(sort_type),
            "page_num": num,
            "page_size": size,
        }
        return get("/v1/stores/plugins", params).with_call_options(options)

    return NumberPaging(StorePlugin, "items", request, page_num=page_num, page_size=page_size)


def _categories(
    entity_type: str, page_num: int, page_size: int, options: CallOptions
) -> NumberPaging[StoreCategory]:
    require(entity_type=entity_type)
    _check_size(page_size)

    def request(num: int, size: int) -> RequestOptions:
        params = {"entity_type": entity_type, "page_num": num, "page_size": size}
        return get("/v1/stores/categories", params).with_call_options(options)

    return NumberPaging(StoreCategory, "items", request, page_num=page_num, page_size=page_size)


class StorePlugins(SyncAPIResource):
    def list(
        self,
        *,
        keyword: Optional[str] = None,
        is_official: Optional[bool] = None,
        category_ids: Optional[List[str]] = None,
        sort_type: Union[StorePluginSortType, str, None] = None,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> SyncPager[StorePlugin]:
        """The store's paid plugins (official and third-party), optionally searched and filtered."""
        paging = _plugins(keyword, is_official, category_ids, sort_type, page_num, page_size, options)
        return SyncPager(self._client, paging)


class AsyncStorePlugins(AsyncAPIResource):
    def list(
        self,
        *,
        keyword: Optional[str] = None,
        is_official: Optional[bool] = None,
        category_ids: Optional[List[str]] = None,
        sort_type: Union[StorePluginSortType, str, None] = None,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[StorePlugin]:
        paging = _plugins(keyword, is_official, category_ids, sort_type, page_num, page_size, options)
        return AsyncPager(self._client, paging)


class StoreCategories(SyncAPIResource):
    def list(
        self,
        *,
        entity_type: str = "plugin",
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> SyncPager[StoreCategory]:
        """The store's categories (of plugins, the only entity type today)."""
        return SyncPager(self._client, _categories(entity_type, page_num, page_size, options))


class AsyncStoreCategories(AsyncAPIResource):
    def list(
        self,
        *,
        entity_type: str = "plugin",
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[StoreCategory]:
        return AsyncPager(self._client, _categories(entity_type, page_num, page_size, options))


class Stores(SyncAPIResource):
    @cached_property
    def plugins(self) -> StorePlugins:
        return StorePlugins(self._client)

    @cached_property
    def categories(self) -> StoreCategories:
        return StoreCategories(self._client)


class AsyncStores(AsyncAPIResource):
    @cached_property
    def plugins(self) -> AsyncStorePlugins:
        return AsyncStorePlugins(self._client)

    @cached_property
    def categories(self) -> AsyncStoreCategories:
        return AsyncStoreCategories(self._client)
