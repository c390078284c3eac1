"""`coze.conversations`: conversations, their messages (`.messages`) and message feedback
(`.messages.feedback`)."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from typing_extensions import Unpack

from .._envelope import BODY, Envelope
from .._parsing import model
from .._paths import path, require
from .._request import CallOptions, RequestOptions, delete, get, post, put
from .._resource import AsyncAPIResource, SyncAPIResource
from ..pagination import AsyncPager, LastIdPaging, NumberPaging, SyncPager
from ..types.conversation import (
    Conversation,
    CreateConversationMessageFeedbackResp,
    DeleteConversationMessageFeedbackResp,
    DeleteConversationResp,
    Section,
)
from ..types.message import Message, MessageObjectString, message_to_wire, messages_to_wire
from ._validate import check_messages, check_meta_data, check_page_size

__all__ = [
    "AsyncConversationMessages",
    "AsyncConversations",
    "AsyncMessageFeedback",
    "ConversationMessages",
    "Conversations",
    "MessageFeedback",
]

MessageInput = Union[Message, Mapping[str, Any]]
Content = Union[str, Sequence[Union[MessageObjectString, Mapping[str, Any]]]]
_MESSAGE = Envelope.at("message")


def _create(
    messages: Optional[Sequence[MessageInput]],
    bot_id: Optional[str],
    name: Optional[str],
    connector_id: Optional[str],
    meta_data: Optional[Mapping[str, str]],
    options: CallOptions,
) -> RequestOptions:
    check_messages(messages)
    check_meta_data(meta_data)
    _check_name(name)
    body = {
        "bot_id": bot_id,
        "name": name,
        "connector_id": connector_id,
        "meta_data": meta_data,
        "messages": messages_to_wire(messages) if messages is not None else None,
    }
    return post("/v1/conversation/create", body).with_call_options(options)


def _check_name(name: Optional[str]) -> None:
    if name is not None and len(name) > 100:
        raise ValueError(f"a conversation name has at most 100 characters, got {len(name)}")


def _conversation_path(conversation_id: str, suffix: str = "") -> str:
    return path("/v1/conversations/{conversation_id}", conversation_id=conversation_id) + suffix


def _list(
    bot_id: str,
    page_num: int,
    page_size: int,
    sort_order: Optional[str],
    connector_id: Optional[str],
    options: CallOptions,
) -> NumberPaging[Conversation]:
    require(bot_id=bot_id)
    check_page_size(page_size, 50)

    def request(num: int, size: int) -> RequestOptions:
        params = {
            "bot_id": bot_id,
            "page_num": num,
            "page_size": size,
            "sort_order": sort_order,
            "connector_id": connector_id,
        }
        return get("/v1/conversations", params).with_call_options(options)

    return NumberPaging(Conversation, "conversations", request, page_num=page_num, page_size=page_size)


def _retrieve(conversation_id: str, options: CallOptions) -> RequestOptions:
    require(conversation_id=conversation_id)
    return get("/v1/conversation/retrieve", {"conversation_id": conversation_id}).with_call_options(options)


def _update(conversation_id: str, name: str, options: CallOptions) -> RequestOptions:
    require(name=name)
    _check_name(name)
    return put(_conversation_path(conversation_id), {"name": name}).with_call_options(options)


def _delete(conversation_id: str, options: CallOptions) -> RequestOptions:
    return delete(_conversation_path(conversation_id)).with_call_options(options)


def _clear(conversation_id: str, options: CallOptions) -> RequestOptions:
    return post(_conversation_path(conversation_id, "/clear")).with_call_options(options)


def _message_create(
    conversation_id: str,
    role: str,
    content: Content,
    content_type: Optional[str],
    meta_data: Optional[Mapping[str, str]],
    options: CallOptions,
) -> RequestOptions:
    require(conversation_id=conversation_id)
    check_meta_data(meta_data)
    body = message_to_wire(
        {"role": role, "content": content, "content_type": content_type, "meta_data": meta_data}
    )
    if "content" not in body or "content_type" not in body:
        raise ValueError("a message needs content and content_type (text or object_string)")
    return post(
        "/v1/conversation/message/create", body, {"conversation_id": conversation_id}
    ).with_call_options(options)


def _message_list(
    conversation_id: str,
    order: Optional[str],
    chat_id: Optional[str],
    before_id: Optional[str],
    after_id: Optional[str],
    limit: int,
    include_middle_message: Optional[bool],
    options: CallOptions,
) -> LastIdPaging[Message]:
    require(conversation_id=conversation_id)
    if not 1 <= limit <= 50:
        raise ValueError("limit must be between 1 and 50")
    if before_id and after_id:
        raise ValueError("pass before_id or after_id, not both")

    def request(before: Optional[str], after: Optional[str]) -> RequestOptions:
        body = {
            "order": order,
            "chat_id": chat_id,
            "before_id": before,
            "after_id": after,
            "limit": limit,
            "include_middle_message": include_middle_message,
        }
        return post(
            "/v1/conversation/message/list",
            body,
            {"conversation_id": conversation_id},
            envelope=BODY,
            idempotent=True,
        ).with_call_options(options)

    return LastIdPaging(Message, request, before_id=before_id or None, after_id=after_id or None)


def _message_ids(conversation_id: str, message_id: str) -> Dict[str, str]:
    require(conversation_id=conversation_id, message_id=message_id)
    return {"conversation_id": conversation_id, "message_id": message_id}


def _message_retrieve(conversation_id: str, message_id: str, options: CallOptions) -> RequestOptions:
    return get(
        "/v1/conversation/message/retrieve", _message_ids(conversation_id, message_id)
    ).with_call_options(options)


def _message_update(
    conversation_id: str,
    message_id: str,
    content: Optional[Content],
    content_type: Optional[str],
    meta_data: Optional[Mapping[str, str]],
    options: CallOptions,
) -> RequestOptions:
    ids = _message_ids(conversation_id, message_id)
    if content is None and not meta_data:
        raise ValueError("pass content (with content_type) or meta_data to update a message")
    check_meta_data(meta_data)
    body: Dict[str, Any] = {"meta_data": meta_data}
    if content is not None:
        wire = message_to_wire({"role": "user", "content": content, "content_type": content_type})
        if "content_type" not in wire:
            raise ValueError("content needs a content_type (text or object_string)")
        body.update(content=wire["content"], content_type=wire["content_type"])
    return post("/v1/conversation/message/modify", body, ids, envelope=_MESSAGE).with_call_options(options)


def _message_delete(conversation_id: str, message_id: str, options: CallOptions) -> RequestOptions:
    return post(
        "/v1/conversation/message/delete", None, _message_ids(conversation_id, message_id)
    ).with_call_options(options)


def _feedback_path(conversation_id: str, message_id: str) -> str:
    return path(
        "/v1/conversations/{conversation_id}/messages/{message_id}/feedback",
        conversation_id=conversation_id,
        message_id=message_id,
    )


def _feedback_create(
    conversation_id: str,
    message_id: str,
    feedback_type: str,
    reason_types: Optional[Sequence[str]],
    comment: Optional[str],
    options: CallOptions,
) -> RequestOptions:
    if str(feedback_type) not in ("like", "unlike"):
        raise ValueError("feedback_type must be 'like' or 'unlike'")
    reasons: Optional[List[str]] = list(reason_types) if reason_types is not None else None
    if reasons is not None and (len(reasons) > 10 or any(len(r) > 30 for r in reasons)):
        raise ValueError("reason_types takes at most 10 reasons of at most 30 characters each")
    if comment is not None and len(comment) > 250:
        raise ValueError("comment has at most 250 characters")
    body = {"feedback_type": str(feedback_type), "reason_types": reasons, "comment": comment}
    return post(_feedback_path(conversation_id, message_id), body).with_call_options(options)


def _feedback_delete(conversation_id: str, message_id: str, options: CallOptions) -> RequestOptions:
    return delete(_feedback_path(conversation_id, message_id)).with_call_options(options)


class Conversations(SyncAPIResource):
    """Conversations: the history a chat continues."""

    @cached_property
    def messages(self) -> ConversationMessages:
        return ConversationMessages(self._client)

    def create(
        self,
        *,
        messages: Optional[Sequence[MessageInput]] = None,
        bot_id: Optional[str] = None,
        name: Optional[str] = None,
        connector_id: Optional[str] = None,
        meta_data: Optional[Mapping[str, str]] = None,
        **options: Unpack[CallOptions],
    ) -> Conversation:
        opts = _create(messages, bot_id, name, connector_id, meta_data, options)
        return self._client.request(opts, model(Conversation))

    def list(
        self,
        *,
        bot_id: str,
        page_num: int = 1,
        page_size: int = 50,
        sort_order: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> SyncPager[Conversation]:
        """A bot's conversations; iterate for all of them."""
        return SyncPager(self._client, _list(bot_id, page_num, page_size, sort_order, connector_id, options))

    def retrieve(self, *, conversation_id: str, **options: Unpack[CallOptions]) -> Conversation:
        return self._client.request(_retrieve(conversation_id, options), model(Conversation))

    def update(self, *, conversation_id: str, name: str, **options: Unpack[CallOptions]) -> Conversation:
        return self._client.request(_update(conversation_id, name, options), model(Conversation))

    def delete(self, *, conversation_id: str, **options: Unpack[CallOptions]) -> DeleteConversationResp:
        return self._client.request(_delete(conversation_id, options), model(DeleteConversationResp))

    def clear(self, *, conversation_id: str, **options: Unpack[CallOptions]) -> Section:
        """Start a new context section: earlier messages no longer reach the model."""
        return self._client.request(_clear(conversation_id, options), model(Section))


class ConversationMessages(SyncAPIResource):
    @cached_property
    def feedback(self) -> MessageFeedback:
        return MessageFeedback(self._client)

    def create(
        self,
        *,
        conversation_id: str,
        role: str,
        content: Content,
        content_type: Optional[str] = None,
        meta_data: Optional[Mapping[str, str]] = None,
        **options: Unpack[CallOptions],
    ) -> Message:
        """Add a message; `content` is text, or a list of object_string items (content_type inferred)."""
        opts = _message_create(conversation_id, role, content, content_type, meta_data, options)
        return self._client.request(opts, model(Message))

    def list(
        self,
        *,
        conversation_id: str,
        order: Optional[str] = None,
        chat_id: Optional[str] = None,
        before_id: Optional[str] = None,
        after_id: Optional[str] = None,
        limit: int = 50,
        include_middle_message: Optional[bool] = None,
        **options: Unpack[CallOptions],
    ) -> SyncPager[Message]:
        paging = _message_list(
            conversation_id, order, chat_id, before_id, after_id, limit, include_middle_message, options
        )
        return SyncPager(self._client, paging)

    def retrieve(self, *, conversation_id: str, message_id: str, **options: Unpack[CallOptions]) -> Message:
        return self._client.request(_message_retrieve(conversation_id, message_id, options), model(Message))

    def update(
        self,
        *,
        conversation_id: str,
        message_id: str,
        content: Optional[Content] = None,
        content_type: Optional[str] = None,
        meta_data: Optional[Mapping[str, str]] = None,
        **options: Unpack[CallOptions],
    ) -> Message:
        opts = _message_update(conversation_id, message_id, content, content_type, meta_data, options)
        return self._client.request(opts, model(Message))

    def delete(self, *, conversation_id: str, message_id: str, **options: Unpack[CallOptions]) -> Message:
        return self._client.request(_message_delete(conversation_id, message_id, options), model(Message))


class MessageFeedback(SyncAPIResource):
    def create(
        self,
        *,
        conversation_id: str,
        message_id: str,
        feedback_type: str,
        reason_types: Optional[Sequence[str]] = None,
        comment: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> CreateConversationMessageFeedbackResp:
        opts = _feedback_create(conversation_id, message_id, feedback_type, reason_types, comment, options)
        return self._client.request(opts, model(CreateConversationMessageFeedbackResp))

    def delete(
        self, *, conversation_id: str, message_id: str, **options: Unpack[CallOptions]
    ) -> DeleteConversationMessageFeedbackResp:
        opts = _feedback_delete(conversation_id, message_id, options)
        return self._client.request(opts, model(DeleteConversationMessageFeedbackResp))


class AsyncConversations(AsyncAPIResource):
    @cached_property
    def messages(self) -> AsyncConversationMessages:
        return AsyncConversationMessages(self._client)

    async def create(
        self,
        *,
        messages: Optional[Sequence[MessageInput]] = None,
        bot_id: Optional[str] = None,
        name: Optional[str] = None,
        connector_id: Optional[str] = None,
        meta_data: Optional[Mapping[str, str]] = None,
        **options: Unpack[CallOptions],
    ) -> Conversation:
        opts = _create(messages, bot_id, name, connector_id, meta_data, options)
        return await self._client.request(opts, model(Conversation))

    def list(
        self,
        *,
        bot_id: str,
        page_num: int = 1,
        page_size: int = 50,
        sort_order: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[Conversation]:
        return AsyncPager(self._client, _list(bot_id, page_num, page_size, sort_order, connector_id, options))

    async def retrieve(self, *, conversation_id: str, **options: Unpack[CallOptions]) -> Conversation:
        return await self._client.request(_retrieve(conversation_id, options), model(Conversation))

    async def update(
        self, *, conversation_id: str, name: str, **options: Unpack[CallOptions]
    ) -> Conversation:
        return await self._client.request(_update(conversation_id, name, options), model(Conversation))

    async def delete(self, *, conversation_id: str, **options: Unpack[CallOptions]) -> DeleteConversationResp:
        return await self._client.request(_delete(conversation_id, options), model(DeleteConversationResp))

    async def clear(self, *, conversation_id: str, **options: Unpack[CallOptions]) -> Section:
        return await self._client.request(_clear(conversation_id, options), model(Section))


class AsyncConversationMessages(AsyncAPIResource):
    @cached_property
    def feedback(self) -> AsyncMessageFeedback:
        return AsyncMessageFeedback(self._client)

    async def create(
        self,
        *,
        conversation_id: str,
        role: str,
        content: Content,
        content_type: Optional[str] = None,
        meta_data: Optional[Mapping[str, str]] = None,
        **options: Unpack[CallOptions],
    ) -> Message:
        opts = _message_create(conversation_id, role, content, content_type, meta_data, options)
        return await self._client.request(opts, model(Message))

    def list(
        self,
        *,
        conversation_id: str,
        order: Optional[str] = None,
        chat_id: Optional[str] = None,
        before_id: Optional[str] = None,
        after_id: Optional[str] = None,
        limit: int = 50,
        include_middle_message: Optional[bool] = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[Message]:
        paging = _message_list(
            conversation_id, order, chat_id, before_id, after_id, limit, include_middle_message, options
        )
        return AsyncPager(self._client, paging)

    async def retrieve(
        self, *, conversation_id: str, message_id: str, **options: Unpack[CallOptions]
    ) -> Message:
        return await self._client.request(
            _message_retrieve(conversation_id, message_id, options), model(Message)
        )

    async def update(
        self,
        *,
        conversation_id: str,
        message_id: str,
        content: Optional[Content] = None,
        content_type: Optional[str] = None,
        meta_data: Optional[Mapping[str, str]] = None,
        **options: Unpack[CallOptions],
    ) -> Message:
        opts = _message_update(conversation_id, message_id, content, content_type, meta_data, options)
        return await self._client.request(opts, model(Message))

    async def delete(
        self, *, conversation_id: str, message_id: str, **options: Unpack[CallOptions]
    ) -> Message:
        return await self._client.request(
            _message_delete(conversation_id, message_id, options), model(Message)
        )


class AsyncMessageFeedback(AsyncAPIResource):
    async def create(
        self,
        *,
        conversation_id: str,
        message_id: str,
        feedback_type: str,
        reason_types: Optional[Sequence[str]] = None,
        comment: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> CreateConversationMessageFeedbackResp:
        opts = _feedback_create(conversation_id, message_id, feedback_type, reason_types, comment, options)
        return await self._client.request(opts, model(CreateConversationMessageFeedbackResp))

    async def delete(
        self, *, conversation_id: str, message_id: str, **options: Unpack[CallOptions]
    ) -> DeleteConversationMessageFeedbackResp:
        opts = _feedback_delete(conversation_id, message_id, options)
        return await self._client.request(opts, model(DeleteConversationMessageFeedbackResp))
