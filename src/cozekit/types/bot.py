"""Bots (agents): their configuration, list items and versions.

Request-side sub-objects (`BotPromptInfo`, `BotOnboardingInfo`, `BotModelInfo`, `PluginIDList`,
`WorkflowIDList`, `BotKnowledge`, `BotSuggestReplyInfo`) are the same classes the server returns, so a
retrieved bot's parts can be edited and sent back to `bots.update`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Optional, Type

from pydantic import AliasChoices, Field, model_validator

from .._models import CozeModel, OpenEnum
from ._shared import OpenIntEnum, OptionalTimestamp

__all__ = [
    "BackgroundImageInfo",
    "Bot",
    "BotBackgroundImageInfo",
    "BotInfo",
    "BotKnowledge",
    "BotKnowledgeInfo",
    "BotMediaConfig",
    "BotMode",
    "BotModelInfo",
    "BotOnboardingInfo",
    "BotPluginAPIInfo",
    "BotPluginInfo",
    "BotPrefixPromptInfo",
    "BotPromptInfo",
    "BotPromptMode",
    "BotShortcutCommand",
    "BotShortcutCommandComponent",
    "BotShortcutCommandTool",
    "BotSimpleInfo",
    "BotSuggestReplyInfo",
    "BotVariable",
    "BotVersionCreator",
    "BotVersionInfo",
    "BotVoiceInfo",
    "BotWorkflowInfo",
    "CanvasPosition",
    "GradientPosition",
    "ModelApiMode",
    "ModelCacheType",
    "ModelResponseFormat",
    "PluginIDInfo",
    "PluginIDList",
    "PublishStatus",
    "PublishedBot",
    "ShortcutCommandToolType",
    "SimpleBot",
    "SuggestReplyMode",
    "UnpublishBotResp",
    "UpdateBotResp",
    "UserInputType",
    "VariableChannel",
    "VariableType",
    "WorkflowIDInfo",
    "WorkflowIDList",
]


class PublishStatus(OpenEnum):
    """Which version of bots to list or look at."""

    ALL = "all"
    """Every bot, at its latest draft."""
    PUBLISHED_ONLINE = "published_online"
    """Published bots, at their online version."""
    PUBLISHED_DRAFT = "published_draft"
    """Published bots, at their latest draft."""
    UNPUBLISHED_DRAFT = "unpublished_draft"
    """Bots never published, at their latest draft."""


class BotMode(OpenIntEnum):
    SINGLE_AGENT = 0
    MULTI_AGENT = 1
    SINGLE_AGENT_WORKFLOW = 2


# --- prompt, onboarding -----------------------------------------------------------------------------


class BotPromptMode(OpenEnum):
    STANDARD = "standard"
    PREFIX = "prefix"
    """Prefix caching: the prompt is split into a cached `prefix_prompt` and a `dynamic_prompt`."""


class BotPrefixPromptInfo(CozeModel):
    prefix_prompt: Optional[str] = None
    dynamic_prompt: Optional[str] = None


class BotPromptInfo(CozeModel):
    """The bot's persona and reply logic (≤ 20,000 characters)."""

    prompt: Optional[str] = None
    prompt_mode: Optional[BotPromptMode] = None
    prefix_prompt_info: Optional[BotPrefixPromptInfo] = None


class BotOnboardingInfo(CozeModel):
    """The opening line (≤ 300 chars) and suggested questions (each ≤ 50 chars).

    Also reads the PascalCase keys (`Prologue`, `SuggestedQuestions`) the retrieve endpoint has been
    seen to return; always sends snake_case.
    """

    prologue: Optional[str] = Field(None, validation_alias=AliasChoices("prologue", "Prologue"))
    suggested_questions: Optional[List[str]] = Field(
        None, validation_alias=AliasChoices("suggested_questions", "SuggestedQuestions")
    )


# --- model ------------------------------------------------------------------------------------------


class ModelResponseFormat(OpenEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


class ModelCacheType(OpenEnum):
    CLOSED = "closed"
    PREFIX = "prefix"


class ModelApiMode(OpenEnum):
    CHAT_API = "chat_api"
    RESPONSES_API = "responses_api"


class BotModelInfo(CozeModel):
    """The model a bot uses and its settings (`model_id` is required when sending)."""

    ResponseFormat: ClassVar[Type[ModelResponseFormat]] = ModelResponseFormat
    CacheType: ClassVar[Type[ModelCacheType]] = ModelCacheType
    ApiMode: ClassVar[Type[ModelApiMode]] = ModelApiMode

    model_id: Optional[str] = None
    model_name: Optional[str] = None
    temperature: Optional[float] = None
    top_k: Optional[int] = None
    top_p: Optional[float] = None
    max_tokens: Optional[int] = None
    context_round: Optional[int] = None
    response_format: Optional[ModelResponseFormat] = None
    cache_type: Optional[ModelCacheType] = None
    presence_penalty: Optional[float] = None
    frequency_penalty: Optional[float] = None
    parameters: Optional[Dict[str, Any]] = None
    """Extra model settings, e.g. `{"thinking_type": "disabled"}`."""
    sp_anti_leak: Optional[bool] = None
    sp_current_time: Optional[bool] = None
    api_mode: Optional[ModelApiMode] = None


# --- plugins, workflows, knowledge (create/update side) -------------------------------------------


class PluginIDInfo(CozeModel):
    plugin_id: str
    api_id: str


_PluginIDInfo = PluginIDInfo  # the class attribute below shadows the name inside the class


class PluginIDList(CozeModel):
    """Plugins (tools) to bind to a bot on create/update."""

    PluginIDInfo: ClassVar[Type[_PluginIDInfo]] = _PluginIDInfo

    id_list: Optional[List[_PluginIDInfo]] = None


class WorkflowIDInfo(CozeModel):
    id: str


_WorkflowIDInfo = WorkflowIDInfo


class WorkflowIDList(CozeModel):
    """Workflows to bind to a bot on create/update."""

    WorkflowIDInfo: ClassVar[Type[_WorkflowIDInfo]] = _WorkflowIDInfo

    ids: Optional[List[_WorkflowIDInfo]] = None


class BotKnowledgeInfo(CozeModel):
    """A knowledge base bound to a bot, as retrieve returns it."""

    id: str
    name: Optional[str] = None


class BotKnowledge(CozeModel):
    """Knowledge bases of a bot.

    Sent on update as `{dataset_ids, auto_call, search_strategy}` (search strategy 0 semantic,
    1 hybrid, 20 full-text); retrieve returns `{knowledge_infos: [{id, name}]}`, from which
    `dataset_ids` is filled so both shapes read the same.
    """

    dataset_ids: List[str] = Field(default_factory=list)
    auto_call: Optional[bool] = None
    search_strategy: Optional[int] = None
    knowledge_infos: Optional[List[BotKnowledgeInfo]] = None

    @model_validator(mode="after")
    def _fill_dataset_ids(self) -> BotKnowledge:
        if not self.dataset_ids and self.knowledge_infos:
            self.dataset_ids = [info.id for info in self.knowledge_infos]
        return self


class SuggestReplyMode(OpenEnum):
    DISABLE = "disable"
    ENABLE = "enable"
    CUSTOMIZED = "customized"
    """Use `customized_prompt` to generate the suggestions."""


class BotSuggestReplyInfo(CozeModel):
    """Whether the bot suggests follow-up questions after answering."""

    reply_mode: Optional[SuggestReplyMode] = None
    customized_prompt: Optional[str] = None


# --- retrieve-side parts ----------------------------------------------------------------------------


class BotPluginAPIInfo(CozeModel):
    api_id: str
    name: Optional[str] = None
    description: Optional[str] = None


class BotPluginInfo(CozeModel):
    plugin_id: str
    name: Optional[str] = None
    description: Optional[str] = None
    icon_url: Optional[str] = None
    api_info_list: List[BotPluginAPIInfo] = Field(default_factory=list)


class BotWorkflowInfo(CozeModel):
    id: str
    name: Optional[str] = None
    description: Optional[str] = None
    icon_url: Optional[str] = None


class BotVoiceInfo(CozeModel):
    voice_id: str
    language_code: Optional[str] = None


class BotMediaConfig(CozeModel):
    is_voice_call_closed: Optional[bool] = None


class VariableType(OpenEnum):
    KVVariable = "KVVariable"
    ListVariable = "ListVariable"


class VariableChannel(OpenEnum):
    VariableChannelCustom = "custom"
    VariableChannelSystem = "system"
    VariableChannelLocation = "location"
    VariableChannelFeishu = "feishu"
    VariableChannelAPP = "app"


class BotVariable(CozeModel):
    keyword: str
    default_value: Optional[str] = None
    variable_type: Optional[VariableType] = None
    channel: Optional[VariableChannel] = None
    description: Optional[str] = None
    enable: Optional[bool] = None
    prompt_enable: Optional[bool] = None
    """Whether the prompt may read the variable (otherwise only workflows can)."""


class UserInputType(OpenEnum):
    """How the user talks to the bot by default."""

    TEXT = "text"
    CALL = "call"
    VOICE = "voice"


class GradientPosition(CozeModel):
    left: Optional[float] = None
    right: Optional[float] = None


class CanvasPosition(CozeModel):
    width: Optional[float] = None
    height: Optional[float] = None
    left: Optional[float] = None
    top: Optional[float] = None


class BackgroundImageInfo(CozeModel):
    image_url: Optional[str] = None
    theme_color: Optional[str] = None
    gradient_position: Optional[GradientPosition] = None
    canvas_position: Optional[CanvasPosition] = None


class BotBackgroundImageInfo(CozeModel):
    web_background_image: Optional[BackgroundImageInfo] = None
    mobile_background_image: Optional[BackgroundImageInfo] = None


class ShortcutCommandToolType(OpenEnum):
    WORKFLOW = "workflow"
    PLUGIN = "plugin"


class BotShortcutCommandTool(CozeModel):
    name: Optional[str] = None
    type: Optional[ShortcutCommandToolType] = None


class BotShortcutCommandComponent(CozeModel):
    name: Optional[str] = None
    description: Optional[str] = None
    type: Optional[str] = None
    tool_parameter: Optional[str] = None
    default_value: Optional[str] = None
    is_hide: Optional[bool] = None


class BotShortcutCommand(CozeModel):
    """A shortcut command (`/command`) configured on a bot."""

    id: str
    name: Optional[str] = None
    command: Optional[str] = None
    description: Optional[str] = None
    query_template: Optional[str] = None
    icon_url: Optional[str] = None
    agent_id: Optional[str] = None
    components: Optional[List[BotShortcutCommandComponent]] = None
    tool: Optional[BotShortcutCommandTool] = None


class Bot(CozeModel):
    """A bot's configuration (`bots.retrieve`); `bots.create`/`publish` fill only `bot_id` (and `version`)."""

    bot_id: str
    name: Optional[str] = None
    description: Optional[str] = None
    icon_url: Optional[str] = None
    create_time: OptionalTimestamp = None
    update_time: OptionalTimestamp = None
    version: Optional[str] = None
    """The latest version (a millisecond timestamp as a string)."""
    owner_user_id: Optional[str] = None
    folder_id: Optional[str] = None
    bot_mode: Optional[BotMode] = None
    prompt_info: Optional[BotPromptInfo] = None
    onboarding_info: Optional[BotOnboardingInfo] = None
    knowledge: Optional[BotKnowledge] = None
    plugin_info_list: Optional[List[BotPluginInfo]] = None
    model_info: Optional[BotModelInfo] = None
    suggest_reply_info: Optional[BotSuggestReplyInfo] = None
    background_image_info: Optional[BotBackgroundImageInfo] = None
    variables: Optional[List[BotVariable]] = None
    voice_info_list: Optional[List[BotVoiceInfo]] = None
    default_user_input_type: Optional[UserInputType] = None
    workflow_info_list: Optional[List[BotWorkflowInfo]] = None
    shortcut_commands: Optional[List[BotShortcutCommand]] = None
    media_config: Optional[BotMediaConfig] = None


BotInfo = Bot
"""The name the Coze docs use for `Bot`."""


class PublishedBot(CozeModel):
    """An item of the deprecated published-bots list (`/v1/space/published_bots_list`)."""

    bot_id: str
    bot_name: Optional[str] = None
    description: Optional[str] = None
    icon_url: Optional[str] = None
    publish_time: OptionalTimestamp = None

    def to_simple_bot(self) -> SimpleBot:
        """The same bot in the shape of the current list."""
        return SimpleBot.model_validate(self.model_dump())


class SimpleBot(CozeModel):
    """A bot as `bots.list` returns it.

    Validates from the current list item (`id`, `name`, `updated_at`...) and from the deprecated
    published list item (`bot_id`, `bot_name`, `publish_time`); `bot_id`, `bot_name` and
    `publish_time` read back as in cozepy.
    """

    id: str
    name: Optional[str] = None
    description: Optional[str] = None
    icon_url: Optional[str] = None
    is_published: Optional[bool] = None
    updated_at: OptionalTimestamp = None
    owner_user_id: Optional[str] = None
    folder_id: Optional[str] = None
    published_at: OptionalTimestamp = None

    @model_validator(mode="before")
    @classmethod
    def _from_published_list(cls, data: Any) -> Any:
        if isinstance(data, dict) and "id" not in data and "bot_id" in data:
            data = dict(data)
            data["id"] = data.pop("bot_id")
            if "bot_name" in data:
                data.setdefault("name", data.pop("bot_name"))
            if "publish_time" in data:
                published = data.pop("publish_time")
                data.setdefault("updated_at", published)
                data.setdefault("published_at", published)
            data.setdefault("is_published", True)
        return data

    @property
    def bot_id(self) -> str:
        """`id` (cozepy's compatibility name)."""
        return self.id

    @property
    def bot_name(self) -> Optional[str]:
        """`name` (cozepy's compatibility name)."""
        return self.name

    @property
    def publish_time(self) -> str:
        """`updated_at` as a string (cozepy's compatibility name)."""
        return "" if self.updated_at is None else str(self.updated_at)


BotSimpleInfo = SimpleBot
"""The name the Coze docs use for `SimpleBot`."""


class BotVersionCreator(CozeModel):
    id: str
    name: Optional[str] = None


class BotVersionInfo(CozeModel):
    """One version of a bot (`bots.versions`)."""

    version: str
    changelog: Optional[str] = None
    created_at: OptionalTimestamp = None
    publish_status: Optional[PublishStatus] = None
    creator: Optional[BotVersionCreator] = None


class UpdateBotResp(CozeModel):
    """The (empty) result of updating a bot."""


class UnpublishBotResp(CozeModel):
    """The (empty) result of unpublishing a bot."""
