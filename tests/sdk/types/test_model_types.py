"""Conversations, files, bots, workspaces, users, chat models, shared types and cozepy name parity."""

from __future__ import annotations

import enum
import importlib
from typing import Any, Dict

import pytest
from pydantic import BaseModel, ValidationError

import cozekit.types as types
from cozekit.types import (
    Bot,
    BotKnowledge,
    BotMode,
    BotModelInfo,
    BotOnboardingInfo,
    BotVersionInfo,
    Chat,
    ChatPoll,
    ChatStatus,
    ChatToolCallFunction,
    ChatUsage,
    Conversation,
    File,
    Message,
    OpenIntEnum,
    PluginIDList,
    PublishedBot,
    PublishStatus,
    Section,
    SimpleBot,
    SuggestReplyMode,
    Timestamp,
    User,
    UserInputType,
    Workspace,
    WorkspaceRoleType,
    WorkspaceType,
)

# -- shared -------------------------------------------------------------------------------------------


class _Stamped(BaseModel):
    at: Timestamp


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1718592898, 1718592898),
        ("1718592898", 1718592898),
        (" 17 ", 17),
        (1.7e9, 1700000000),
        ("1.7e9", 1700000000),
    ],
)
def test_timestamp_accepts_int_and_numeric_string(raw: Any, expected: int) -> None:
    value = _Stamped(at=raw).at
    assert value == expected and type(value) is int


@pytest.mark.parametrize("raw", ["yesterday", True, 1.5, "", None])
def test_timestamp_rejects_non_numbers(raw: Any) -> None:
    with pytest.raises(ValidationError):
        _Stamped(at=raw)


def test_optional_timestamp_empty_string_is_none() -> None:
    assert File.model_validate({"id": "f", "created_at": ""}).created_at is None
    assert File.model_validate({"id": "f", "created_at": "12"}).created_at == 12


def test_open_int_enum() -> None:
    class Mode(OpenIntEnum):
        A = 0

    assert Mode(0) is Mode.A and Mode(0).is_known
    assert Mode(9) == 9 and not Mode(9).is_known and Mode(9) is Mode(9)
    with pytest.raises(ValueError):
        Mode("nine")


# -- chat ---------------------------------------------------------------------------------------------


def test_chat_status_terminal() -> None:
    terminal = {s for s in ChatStatus if s.is_terminal}
    assert terminal == {
        ChatStatus.COMPLETED,
        ChatStatus.FAILED,
        ChatStatus.REQUIRES_ACTION,
        ChatStatus.CANCELED,
    }


def test_usage_accepts_documented_typo() -> None:
    usage = ChatUsage.model_validate({"token_count": 5, "output_tokens": 2, "input_tokens": 3})
    assert (usage.token_count, usage.output_count, usage.input_count) == (5, 2, 3)
    assert usage.model_dump() == {"token_count": 5, "output_count": 2, "input_count": 3}


def test_chat_round_trip() -> None:
    chat = Chat.model_validate(
        {
            "id": "1",
            "conversation_id": "2",
            "created_at": "100",
            "status": "canceled",
            "meta_data": {"a": "b"},
            "inserted_additional_messages": [{"id": "m1"}],
            "x_new": [1],
        }
    )
    assert chat.status is ChatStatus.CANCELED and chat.created_at == 100
    assert chat.inserted_additional_messages is not None and chat.inserted_additional_messages[0].id == "m1"
    again = Chat.model_validate(chat.model_dump())
    assert again == chat and again.model_extra == {"x_new": [1]}


def test_chat_requires_ids() -> None:
    with pytest.raises(ValidationError):
        Chat.model_validate({"conversation_id": "2"})


def test_chat_poll() -> None:
    poll = ChatPoll(
        chat=Chat(id="1", conversation_id="2", status=ChatStatus.COMPLETED),
        messages=[Message.build_assistant_answer("hi")],
    )
    assert poll.messages is not None and poll.messages[0].content == "hi"


def test_tool_call_arguments() -> None:
    assert ChatToolCallFunction(name="f", arguments="").parse_arguments() == {}
    with pytest.raises(ValueError, match="'f' has arguments that are not JSON"):
        ChatToolCallFunction(name="f", arguments="{oops").parse_arguments()


# -- conversations, files, users, workspaces -----------------------------------------------------------


def test_conversation_doc_example() -> None:
    conv = Conversation.model_validate(
        {
            "id": "737999610479815",
            "name": "推荐杭州美食",
            "meta_data": {"uuid": "newid1234"},
            "created_at": 1718289297,
            "creator_id": "247877439325",
            "connector_id": "1024",
            "updated_at": "1718289297",
            "last_section_id": "7495664347616952360",
        }
    )
    assert conv.name == "推荐杭州美食" and conv.meta_data == {"uuid": "newid1234"}
    assert conv.updated_at == 1718289297 and conv.last_section_id == "7495664347616952360"
    assert Conversation.model_validate({"id": "c"}).meta_data == {}


def test_section() -> None:
    assert Section.model_validate({"id": "s", "conversation_id": "c"}) == Section(id="s", conversation_id="c")


def test_file() -> None:
    f = File.model_validate(
        {"id": "736", "bytes": 152236, "file_name": "1120.jpeg", "created_at": 1715847583}
    )
    assert (f.id, f.bytes, f.file_name, f.created_at) == ("736", 152236, "1120.jpeg", 1715847583)


def test_user() -> None:
    me = User.model_validate({"user_id": "u", "user_name": "n", "nick_name": "昵称", "avatar_url": "a"})
    assert me.nick_name == "昵称"


def test_workspace_doc_example_and_unknown_role() -> None:
    team, personal, odd = (
        Workspace.model_validate(w)
        for w in [
            {
                "id": "748",
                "name": "test",
                "icon_url": "i",
                "role_type": "member",
                "enterprise_id": "volcano",
                "workspace_type": "team",
            },
            {
                "id": "749",
                "name": "个人空间",
                "role_type": "owner",
                "enterprise_id": "",
                "workspace_type": "personal",
                "admin_uids": ["1", "2"],
                "joined_status": "joined",
            },
            {"id": "750", "role_type": "guest", "workspace_type": "galaxy"},
        ]
    )
    assert team.role_type is WorkspaceRoleType.MEMBER and team.workspace_type is WorkspaceType.TEAM
    assert personal.admin_uids == ["1", "2"] and personal.joined_status == "joined"
    assert odd.role_type == "guest" and odd.role_type is not None and not odd.role_type.is_known
    assert odd.workspace_type == "galaxy"


# -- bots ---------------------------------------------------------------------------------------------

# get_metadata_draft_published.md's response example (trimmed), including its PascalCase onboarding keys.
BOT_RETRIEVE: Dict[str, Any] = {
    "description": "***",
    "bot_mode": 0,
    "model_info": {
        "temperature": 0.8,
        "context_round": 3,
        "max_tokens": 4096,
        "model_id": "173752",
        "model_name": "ep-20250122125445-ck9wp",
        "parameters": {"thinking_type": "enabled"},
    },
    "knowledge": {"knowledge_infos": []},
    "bot_id": "7515437",
    "folder_id": "752316125533542",
    "version": "",
    "voice_data_list": [],
    "plugin_info_list": [
        {
            "api_info_list": [{"description": "d", "api_id": "0", "name": "browse"}],
            "plugin_id": "7372463719",
            "name": "头条搜索",
            "description": "x",
            "icon_url": "https://example.com/i.png",
        }
    ],
    "shortcut_commands": [
        {
            "id": "745701083352557",
            "name": "示例快捷指令",
            "command": "/sc_demo",
            "query_template": "搜索",
            "components": [
                {
                    "name": "query",
                    "type": "text",
                    "tool_parameter": "query",
                    "default_value": "",
                    "is_hide": False,
                }
            ],
            "tool": {"name": "头条新闻", "type": "plugin"},
        }
    ],
    "name": "owner_1",
    "owner_user_id": "3290203",
    "prompt_info": {"prompt": ""},
    "onboarding_info": {
        "Prologue": "嗨，你好！",
        "SuggestedQuestions": ["有啥新鲜好玩的地方推荐吗？"],
        "OnboardingMode": 2,
    },
    "workflow_info_list": [{"icon_url": "w", "id": "751616845608", "name": "summarize", "description": "d"}],
    "voice_info_list": [],
    "default_user_input_type": "text",
    "background_image_info": {
        "web_background_image": {
            "theme_color": "",
            "gradient_position": {},
            "canvas_position": {},
            "origin_image_url": "",
            "image_url": "",
        },
    },
    "update_time": 1749994397,
    "icon_url": "https://example.com/icon.jpeg",
    "suggest_reply_info": {"reply_mode": "enable", "customized_prompt": ""},
    "variables": [{"keyword": "name", "channel": "custom", "enable": True, "prompt_enable": True}],
    "media_config": {"is_voice_call_closed": False},
    "create_time": "1749972247",
}


def test_bot_retrieve_doc_example() -> None:
    bot = Bot.model_validate(BOT_RETRIEVE)
    assert bot.bot_id == "7515437" and bot.name == "owner_1"
    assert bot.bot_mode is BotMode.SINGLE_AGENT
    assert bot.create_time == 1749972247 and bot.update_time == 1749994397
    assert bot.model_info is not None and bot.model_info.model_id == "173752"
    assert bot.model_info.parameters == {"thinking_type": "enabled"}
    assert bot.onboarding_info is not None
    assert bot.onboarding_info.prologue == "嗨，你好！"
    assert bot.onboarding_info.suggested_questions == ["有啥新鲜好玩的地方推荐吗？"]
    assert bot.plugin_info_list is not None and bot.plugin_info_list[0].api_info_list[0].name == "browse"
    assert bot.shortcut_commands is not None and bot.shortcut_commands[0].tool is not None
    assert bot.shortcut_commands[0].tool.type == "plugin"
    assert bot.suggest_reply_info is not None and bot.suggest_reply_info.reply_mode is SuggestReplyMode.ENABLE
    assert bot.default_user_input_type is UserInputType.TEXT
    assert bot.knowledge is not None and bot.knowledge.dataset_ids == []
    assert bot.media_config is not None and bot.media_config.is_voice_call_closed is False
    assert bot.model_extra == {"voice_data_list": []}
    assert Bot.model_validate(bot.model_dump()) == bot


def test_onboarding_sends_snake_case() -> None:
    info = BotOnboardingInfo(prologue="hi", suggested_questions=["q"])
    assert info.model_dump(exclude_none=True) == {"prologue": "hi", "suggested_questions": ["q"]}


def test_bot_knowledge_both_shapes() -> None:
    doc = BotKnowledge.model_validate({"knowledge_infos": [{"id": "k1", "name": "a"}, {"id": "k2"}]})
    assert doc.dataset_ids == ["k1", "k2"]
    sdk = BotKnowledge.model_validate({"dataset_ids": ["d"], "auto_call": False, "search_strategy": 20})
    assert (sdk.dataset_ids, sdk.auto_call, sdk.search_strategy) == (["d"], False, 20)
    assert BotKnowledge(dataset_ids=["x"]).model_dump(exclude_none=True) == {"dataset_ids": ["x"]}


def test_bot_mode_unknown_value_kept() -> None:
    bot = Bot.model_validate({"bot_id": "b", "bot_mode": 7})
    assert bot.bot_mode == 7 and bot.bot_mode is not None and not bot.bot_mode.is_known
    assert Bot.model_validate({"bot_id": "b", "bot_mode": 2}).bot_mode is BotMode.SINGLE_AGENT_WORKFLOW


def test_create_and_publish_results_fit_bot() -> None:
    assert Bot.model_validate({"bot_id": "b"}).name is None
    assert Bot.model_validate({"bot_id": "b", "version": "1716388526000"}).version == "1716388526000"


def test_simple_bot_new_list_item() -> None:
    bot = SimpleBot.model_validate(
        {
            "id": "1",
            "name": "n",
            "icon_url": "i",
            "folder_id": "f",
            "updated_at": 1718609571,
            "description": "",
            "is_published": True,
            "published_at": "1718609570",
            "owner_user_id": "o",
        }
    )
    assert (bot.id, bot.bot_id, bot.bot_name, bot.publish_time) == ("1", "1", "n", "1718609571")
    assert bot.published_at == 1718609570


def test_simple_bot_from_old_published_list_item() -> None:
    old = {"bot_id": "9", "bot_name": "旧", "description": "d", "icon_url": "i", "publish_time": "1718609571"}
    bot = SimpleBot.model_validate(old)
    assert (bot.id, bot.name, bot.is_published, bot.updated_at, bot.published_at) == (
        "9",
        "旧",
        True,
        1718609571,
        1718609571,
    )
    assert PublishedBot.model_validate(old).to_simple_bot() == bot


def test_bot_version_item() -> None:
    item = BotVersionInfo.model_validate(
        {
            "creator": {"id": "24787743932", "name": "Susan"},
            "version": "171638852",
            "changelog": "更新",
            "created_at": "1718609571",
            "publish_status": "published_online",
        }
    )
    assert item.created_at == 1718609571 and item.publish_status is PublishStatus.PUBLISHED_ONLINE
    assert item.creator is not None and item.creator.name == "Susan"


def test_request_side_helpers_like_cozepy() -> None:
    assert BotModelInfo.ResponseFormat.JSON == "json"
    ids = PluginIDList(id_list=[PluginIDList.PluginIDInfo(plugin_id="p", api_id="a")])
    assert ids.model_dump() == {"id_list": [{"plugin_id": "p", "api_id": "a"}]}


# -- exports and cozepy parity ---------------------------------------------------------------------------


def test_all_exports_resolve() -> None:
    assert len(types.__all__) == len(set(types.__all__))
    for name in types.__all__:
        assert getattr(types, name) is not None, name


COZEPY_MODULES = [
    "chat",
    "conversations",
    "conversations.message.feedback",
    "files",
    "bots",
    "workspaces",
    "users",
]


def _cozepy_public(module_name: str) -> Dict[str, Any]:
    module = importlib.import_module(f"cozepy.{module_name}")
    return {
        name: obj
        for name, obj in vars(module).items()
        if isinstance(obj, type)
        and obj.__module__ == module.__name__
        and not name.startswith("_")
        and not name.endswith("Client")
    }


@pytest.mark.parametrize("module_name", COZEPY_MODULES)
def test_cozepy_class_names_exist(module_name: str) -> None:
    pytest.importorskip("cozepy")
    missing = sorted(set(_cozepy_public(module_name)) - set(types.__all__))
    assert missing == []


@pytest.mark.parametrize("module_name", COZEPY_MODULES)
def test_cozepy_enum_members_and_fields_exist(module_name: str) -> None:
    pytest.importorskip("cozepy")
    for name, theirs in _cozepy_public(module_name).items():
        ours = getattr(types, name)
        if issubclass(theirs, enum.Enum):
            assert set(theirs.__members__) <= set(ours.__members__), name
            for member in theirs:
                assert ours[member.name].value == member.value, (name, member.name)
        elif issubclass(theirs, BaseModel):
            their_fields = set(theirs.model_fields)
            our_names = set(ours.model_fields) | {a for a in dir(ours) if not a.startswith("_")}
            assert their_fields <= our_names, (name, sorted(their_fields - our_names))
