"""Build docs/coverage.md: for each Coze OpenAPI operation in scripts/endpoints.tsv (and each operation beyond
that index in `EXTRA_OPERATIONS`), the cozekit call(s) that send it, whether the emulator serves it and which
tests run it through cozekit against the emulator.

    .venv/bin/python -m pytest                               # a complete run records what its tests send
    .venv/bin/python scripts/endpoint_coverage.py            # rewrite docs/coverage.md from that record
    .venv/bin/python scripts/endpoint_coverage.py --check    # exit 1 if it is stale or anything is wrong

Nothing here is trusted by hand beyond `CALLS` (operation -> call): every call is resolved on `Coze` and
`AsyncCoze` (or on the sync and async OAuth app), then made over an `httpx.MockTransport` that records the
first request, which must have the operation's method and path. Emulator routes come from
`create_app().routes`. The tests of an operation are those during which the test suite's emulator received
it from cozekit: tests/operation_log.py records each request per test and writes `RECORD` at the end of a
complete, passing run (and fails that run when this document disagrees with it).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import functools
import inspect
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Set, Tuple
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
ENDPOINTS = ROOT / "scripts" / "endpoints.tsv"
DOC = ROOT / "docs" / "coverage.md"
BASE = "http://coze.test"

AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt "
"""A few bytes to upload where a file is needed (never parsed: the request is only recorded)."""


@dataclass(frozen=True)
class Call:
    """One cozekit call: `chain` is an attribute path on `coze` (REST and `websockets.*`) or
    `OAuthClass.method`; `kwargs` are plausible arguments; `shown` names the arguments that select the
    operation (printed in the table)."""

    chain: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    shown: Tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        if self.chain[0].isupper():
            return "oauth"
        return "ws" if self.chain.startswith("websockets.") else "rest"

    def label(self) -> str:
        args = ", ".join(f"{name}={_short(self.kwargs[name])}" for name in self.shown)
        head = self.chain if self.kind == "oauth" else f"coze.{self.chain}"
        return f"{head}({args})" if args else head


def _short(value: Any) -> str:
    return repr(value) if isinstance(value, (bool, int)) else "..."


def c(chain: str, *shown: str, **kwargs: Any) -> Call:
    return Call(chain, kwargs, shown)


G = {"group_id": "g1"}
GF = {"group_id": "g1", "feature_id": "f1"}
CONV = {"conversation_id": "c1"}
MSG = {"conversation_id": "c1", "message_id": "m1"}
CHAT = {"conversation_id": "c1", "chat_id": "ch1"}
ASK = {"bot_id": "b1", "user_id": "u1"}
RUN = {"workflow_id": "w1", "parameters": {"q": "hi"}}
RESUME = {"workflow_id": "w1", "event_id": "e1", "resume_data": "yes", "interrupt_type": 2}
REDIRECT = {"redirect_uri": "http://127.0.0.1/cb"}

CALLS: Dict[str, List[Call]] = {
    # api_apps
    "create_callback_app": [c("api_apps.create", app_type="normal", name="n")],
    "delete_callback_app": [c("api_apps.delete", app_id="a1")],
    "list_callback_app": [c("api_apps.list")],
    "list_subscribed_callback_message": [c("api_apps.events.list", api_app_id="a1")],
    "subscribe_callback_message": [
        c("api_apps.events.create", api_app_id="a1", event_types=["bot.published"])
    ],
    "unsubscribe_callback_message": [
        c("api_apps.events.delete", api_app_id="a1", event_types=["bot.published"])
    ],
    "update_callback_app": [c("api_apps.update", app_id="a1", name="n")],
    # apps
    "add_app_collaborator": [c("apps.collaborators.create", app_id="a1", user_id="u1")],
    "published_apps_list": [c("apps.list", workspace_id="w1")],
    "remove_app_collaborator": [c("apps.collaborators.delete", app_id="a1", user_id="u1")],
    # audio
    "asr_api": [c("websockets.audio.transcriptions.create")],
    "audio_transcriptions": [c("audio.transcriptions.create", file=AUDIO, file_name="a.wav")],
    "clone_voices": [c("audio.voices.clone", voice_name="v", file=AUDIO, audio_format="wav")],
    "create_room": [c("audio.rooms.create", bot_id="b1")],
    "create_voiceprint": [c("audio.voiceprint_groups.features.create", name="n", file=AUDIO, **G)],
    "create_voiceprint_group": [c("audio.voiceprint_groups.create", name="n")],
    "delete_voiceprint": [c("audio.voiceprint_groups.features.delete", **GF)],
    "delete_voiceprint_group": [c("audio.voiceprint_groups.delete", **G)],
    "identify_voiceprint": [c("audio.voiceprint_groups.speaker_identify", file=AUDIO, **G)],
    "list_voiceprint": [c("audio.voiceprint_groups.features.list", **G)],
    "list_voiceprint_group": [c("audio.voiceprint_groups.list")],
    "list_voices": [c("audio.voices.list")],
    "text_to_speech": [c("audio.speech.create", input="hi", voice_id="v1")],
    "tts_api": [c("websockets.audio.speech.create")],
    "update_voiceprint": [c("audio.voiceprint_groups.features.update", name="n", **GF)],
    "update_voiceprint_group": [c("audio.voiceprint_groups.update", name="n", **G)],
    # bot (v1)
    "create_bot": [c("bots.create", space_id="s1", name="n")],
    "get_metadata": [c("bots.retrieve", "use_api_version", bot_id="b1", use_api_version=1)],
    "publish_bot": [c("bots.publish", bot_id="b1")],
    "update_bot": [c("bots.update", bot_id="b1", name="n")],
    # bots
    "add_bot_collaborator": [c("bots.collaborators.create", bot_id="b1", user_id="u1")],
    "bots_list_draft_published": [c("bots.list", workspace_id="w1")],
    "get_metadata_draft_published": [c("bots.retrieve", bot_id="b1")],
    "list_bot_versions": [c("bots.list_versions", bot_id="b1")],
    "remove_bot_collaborator": [c("bots.collaborators.delete", bot_id="b1", user_id="u1")],
    "switch_bot_develop_mode": [
        c("bots.switch_collaboration_mode", bot_id="b1", collaboration_mode="single")
    ],
    "unpublish_agent": [c("bots.unpublish", bot_id="b1", connector_id="1024")],
    # chat
    "chat_cancel": [c("chat.cancel", **CHAT)],
    "chat_submit_tool_outputs": [
        c("chat.submit_tool_outputs", tool_outputs=[{"tool_call_id": "t1", "output": "ok"}], **CHAT)
    ],
    "chat_v3": [c("chat.create", **ASK), c("chat.stream", **ASK), c("chat.create_and_poll", **ASK)],
    "list_chat_messages": [c("chat.messages.list", **CHAT)],
    "retrieve_chat": [c("chat.retrieve", **CHAT)],
    "streaming_chat_api": [c("websockets.chat.create", bot_id="b1")],
    # commerce
    "billing_file": [c("commerce.bill_tasks.list")],
    "create_bill_task": [c("commerce.bill_tasks.create")],
    "create_device_quotas": [
        c(
            "commerce.limitations.create",
            entity_type="single_device",
            entity_id="d1",
            benefit_info={
                "benefit_type": "resource_point",
                "active_mode": "absolute_time",
                "started_at": 1,
                "ended_at": 2,
                "limit": 10,
            },
        )
    ],
    "get_benefit": [c("commerce.benefits.retrieve")],
    "get_device_quotas": [
        c(
            "commerce.limitations.list",
            entity_type="single_device",
            entity_id="d1",
            benefit_type="resource_point",
        )
    ],
    "update_device_quotas": [c("commerce.limitations.update", benefit_id="bf1", status="valid")],
    # connectors
    "bind_connector_config": [
        c(
            "connectors.user_configs.create",
            connector_id="k1",
            configs=[{"key": "device_id", "enums": [{"label": "d", "value": "1"}]}],
        )
    ],
    "install_channel": [c("connectors.install", connector_id="k1", workspace_id="w1")],
    "update_review_result": [c("connectors.bots.update", connector_id="k1", bot_id="b1", audit_status=2)],
    # conversation (v1)
    "create_conversation": [c("conversations.create")],
    "create_message": [
        c("conversations.messages.create", role="user", content="hi", content_type="text", **CONV)
    ],
    "delete_message": [c("conversations.messages.delete", **MSG)],
    "list_message": [c("conversations.messages.list", **CONV)],
    "modify_message": [c("conversations.messages.update", content="hi", content_type="text", **MSG)],
    "retrieve_conversation": [c("conversations.retrieve", **CONV)],
    "retrieve_message": [c("conversations.messages.retrieve", **MSG)],
    # conversations
    "clear_conversation_context": [c("conversations.clear", **CONV)],
    "delete_conversation": [c("conversations.delete", **CONV)],
    "delete_message_feedback": [c("conversations.messages.feedback.delete", **MSG)],
    "edit_conversation": [c("conversations.update", name="n", **CONV)],
    "list_conversations": [c("conversations.list", bot_id="b1")],
    "message_feedback": [c("conversations.messages.feedback.create", feedback_type="like", **MSG)],
    # datasets
    "create_dataset": [c("datasets.create", name="n", space_id="s1", format_type=0)],
    "create_knowledge_files": [
        c(
            "datasets.documents.create",
            dataset_id="d1",
            document_bases=[{"name": "a.txt", "source_info": {"web_url": "https://example.com"}}],
        )
    ],
    "delete_dataset": [c("datasets.delete", dataset_id="d1")],
    "delete_knowdge_files": [c("datasets.documents.delete", document_ids=["doc1"])],
    "get_dataset_progress": [
        c("datasets.process", dataset_id="d1", document_ids=["doc1"]),
        c("datasets.wait_for_processing", dataset_id="d1", document_ids=["doc1"]),
    ],
    "get_images": [c("datasets.images.list", dataset_id="d1")],
    "list_dataset": [c("datasets.list", space_id="s1")],
    "list_knowledge_files": [c("datasets.documents.list", dataset_id="d1")],
    "modify_knowledge_files": [c("datasets.documents.update", document_id="doc1", document_name="n")],
    "update_dataset": [c("datasets.update", dataset_id="d1", name="n")],
    "update_image_caption": [c("datasets.images.update", dataset_id="d1", document_id="doc1", caption="x")],
    # enterprises
    "add_enterprise_member": [
        c(
            "enterprises.members.create",
            enterprise_id="e1",
            users=[{"user_id": "u1", "role": "enterprise_member"}],
        )
    ],
    "create_organization": [
        c("enterprises.organizations.create", enterprise_id="e1", name="n", super_admin_user_id="u1")
    ],
    "list_organization": [c("enterprises.organizations.list", enterprise_id="e1")],
    "remove_enterprise_member": [
        c("enterprises.members.delete", enterprise_id="e1", user_id="u1", receiver_user_id="u2")
    ],
    "update_enterprise_people": [
        c("enterprises.members.update", enterprise_id="e1", user_id="u1", role="enterprise_admin")
    ],
    # entities
    "copy_resource_task": [c("entities.copy_tasks.create", entity_id="b1", entity_type="bot")],
    "query_resource_copy_execution_result": [c("entities.copy_tasks.retrieve", task_id="t1")],
    # files
    "retrieve_files": [c("files.retrieve", file_id="f1")],
    "upload_files": [c("files.upload", file=AUDIO, file_name="a.wav")],
    # folders
    "workspace_list_folder": [c("folders.list", workspace_id="w1")],
    "workspace_read_folder": [c("folders.retrieve", folder_id="f1")],
    # oauth (the apps in cozekit.auth)
    "oauth_code": [c("WebOAuthApp.get_oauth_url", **REDIRECT)],
    "oauth_device_code": [c("DeviceOAuthApp.get_device_code")],
    "oauth_jwt": [c("JWTOAuthApp.get_access_token")],
    "oauth_jwt_channel": [
        c(
            "JWTOAuthApp.get_access_token",
            "session_context",
            session_context={"device_info": {"device_id": "1"}},
        )
    ],
    "oauth_jwt_collaborate": [c("JWTOAuthApp.get_access_token", "account_id", account_id="acc1")],
    "oauth_jwt_privilege": [c("JWTOAuthApp.get_access_token", "enterprise_id", enterprise_id="e1")],
    "oauth_pkce": [c("PKCEOAuthApp.get_oauth_url", code_verifier="v" * 43, **REDIRECT)],
    # organizations
    "add_organization_people": [
        c(
            "organizations.members.create",
            organization_id="o1",
            organization_people=[{"user_id": "u1", "organization_role_type": "organization_member"}],
        )
    ],
    "list_organization_people": [c("organizations.members.list", organization_id="o1")],
    "remove_organization_member": [
        c("organizations.members.delete", organization_id="o1", user_id="u1", receiver_user_id="u2")
    ],
    "update_organization_info": [c("organizations.update", organization_id="o1", name="n")],
    "update_organization_people": [
        c(
            "organizations.members.update",
            organization_id="o1",
            user_id="u1",
            organization_role_type="organization_admin",
        )
    ],
    # plugins and stores
    "batch_get_plugins_info": [c("plugins.batch_retrieve", ids=["p1"])],
    "call_plugin_tool": [c("plugins.tools.call", plugin_id="p1", tool_name="t", arguments={"q": "hi"})],
    "get_plugin": [c("plugins.retrieve", plugin_id="p1")],
    "list_plugin": [c("stores.plugins.list")],
    "list_plugin_category": [c("stores.categories.list")],
    # space (deprecated)
    "published_bots_list": [c("bots.list", "use_api_version", space_id="s1", use_api_version=1)],
    # variables
    "read_variable": [c("variables.retrieve", connector_uid="u1", bot_id="b1")],
    "update_variable": [
        c("variables.update", connector_uid="u1", bot_id="b1", data=[{"keyword": "k", "value": "v"}])
    ],
    # workflow (v1 runs)
    "workflow_resume": [c("workflows.runs.resume", "stream", stream=True, **RESUME)],
    "workflow_run": [c("workflows.runs.create", **RUN)],
    "workflow_stream_run": [
        c("workflows.runs.stream", **RUN),
        c("workflows.runs.stream_until_done", on_interrupt=lambda event: "yes", **RUN),
    ],
    # workflows
    "add_workflow_collaborator": [c("workflows.collaborators.create", workflow_id="w1", user_id="u1")],
    "get_node_execute_history_response": [
        c(
            "workflows.runs.run_histories.execute_nodes.retrieve",
            workflow_id="w1",
            execute_id="x1",
            node_execute_uuid="n1",
        )
    ],
    "get_workflow_info": [c("workflows.retrieve", workflow_id="w1")],
    "get_workflow_list": [c("workflows.list", workspace_id="s1")],
    "list_workflow_version": [c("workflows.versions.list", workflow_id="w1")],
    "remove_workflow_collaborator": [c("workflows.collaborators.delete", workflow_id="w1", user_id="u1")],
    "resume_workflow": [c("workflows.runs.resume", "stream", stream=False, **RESUME)],
    "switch_workflow_develop_mode": [
        c("workflows.switch_collaboration_mode", workflow_id="w1", collaboration_mode="single")
    ],
    "workflow_chat": [
        c(
            "workflows.chat.stream",
            workflow_id="w1",
            additional_messages=[{"role": "user", "content": "hi", "content_type": "text"}],
        )
    ],
    "workflow_history": [c("workflows.runs.run_histories.retrieve", workflow_id="w1", execute_id="x1")],
    # beyond the index (EXTRA_OPERATIONS)
    "duplicate_template": [c("templates.duplicate", template_id="t1", workspace_id="w1")],
    "retrieve_live": [c("audio.live.retrieve", live_id="l1")],
    "simult_interpretation": [c("websockets.audio.simult_interpretation.create")],
    # workspaces
    "add_space_member": [
        c("workspaces.members.create", workspace_id="w1", users=[{"user_id": "u1", "role_type": "member"}])
    ],
    "create_workspace": [c("workspaces.create", name="n", description="d")],
    "list_space_member": [c("workspaces.members.list", workspace_id="w1")],
    "list_workspace": [c("workspaces.list")],
    "remove_space_member": [c("workspaces.members.delete", workspace_id="w1", user_ids=["u1"])],
    "update_workspace_info": [c("workspaces.update", workspace_id="w1", name="n")],
}


@dataclass(frozen=True)
class Operation:
    family: str
    doc_page: str
    method: str
    path: str
    kind: str

    def matches(self, method: str, path: str) -> bool:
        pattern = re.sub(r":\w+|\{\w+\}", "[^/]+", self.path)
        return method == self.method and re.fullmatch(pattern, path) is not None


def load_operations(source: Path = ENDPOINTS) -> List[Operation]:
    rows = [line.split("\t") for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    header = rows[0]
    return [
        Operation(**{key: row[header.index(key)] for key in Operation.__dataclass_fields__})
        for row in rows[1:]
    ]


EXTRA_OPERATIONS: List[Operation] = [
    Operation("audio", "retrieve_live", "GET", "/v1/audio/live/:live_id", "json"),
    Operation("audio", "simult_interpretation", "GET", "/v1/audio/simult_interpretation", "ws"),
    Operation("templates", "duplicate_template", "POST", "/v1/templates/:template_id/duplicate", "json"),
]
"""Operations the official clients have that the documentation index (endpoints.tsv, kept equal to the
official checklist) lacks; named by us, since they have no doc page."""

EXTRA_SOURCES: Dict[str, str] = {
    "duplicate_template": "cozepy `templates.duplicate`, coze-go `Templates.Duplicate`",
    "retrieve_live": "cozepy `audio.live.retrieve`, coze-go `Audio.Live.Retrieve`",
    "simult_interpretation": "@coze/api `websockets.audio.simultInterpretation.create`",
}


def with_extras(operations: Iterable[Operation]) -> List[Operation]:
    ops = list(operations)
    return ops + [op for op in EXTRA_OPERATIONS if op not in ops]


# --- SDK: resolve every call on both clients and record what it sends -------------------------------------


class _Sent(Exception):
    """Raised by the recording transport: the request is all we want."""


def _resolve(root: Any, chain: str) -> Any:
    for name in chain.split("."):
        root = getattr(root, name)
    return root


def _recorder(sent: List[Tuple[str, str]]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        sent.append((request.method, request.url.path))
        raise _Sent(request.url.path)

    return httpx.MockTransport(handle)


def _private_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem.decode()


def _oauth_app(cls: Any, http_client: Any, key: Callable[[], str]) -> Any:
    options: Dict[str, Any] = {"base_url": BASE, "http_client": http_client, "max_retries": 0}
    name = cls.__name__.replace("Async", "")
    if name == "WebOAuthApp":
        return cls("client", "secret", **options)
    if name == "JWTOAuthApp":
        return cls("client", key(), "kid", **options)
    return cls("client", **options)


def _root(call: Call, asynchronous: bool, http_client: Any, key: Callable[[], str]) -> Any:
    """What `call` is resolved on: a `Coze`/`AsyncCoze`, or the (async) OAuth app it names."""
    if call.kind == "oauth":
        import cozekit.auth

        name = call.chain.split(".")[0]
        return _oauth_app(getattr(cozekit.auth, ("Async" if asynchronous else "") + name), http_client, key)
    from cozekit import AsyncCoze, Coze, TokenAuth

    client_cls = AsyncCoze if asynchronous else Coze
    return client_cls(TokenAuth("pat"), BASE, http_client=http_client, max_retries=0)


def _method_chain(call: Call) -> str:
    return call.chain.split(".", 1)[1] if call.kind == "oauth" else call.chain


def _seen(result: Any, sent: List[Tuple[str, str]]) -> Optional[Tuple[str, str]]:
    if isinstance(result, str):  # an authorize URL: the browser sends the GET
        return ("GET", urlsplit(result).path)
    url = getattr(result, "url", None)
    if isinstance(url, str) and url.startswith("ws"):  # a websocket session, not yet connected
        return ("GET", urlsplit(url).path)
    return sent[0] if sent else None


Seen = Tuple[Optional[Tuple[str, str]], str]
"""(method, path) the call sent, or None and why not."""


def _probe_sync(call: Call, key: Callable[[], str]) -> Seen:
    sent: List[Tuple[str, str]] = []
    result: Any = None
    error = ""
    with httpx.Client(transport=_recorder(sent)) as http:
        try:
            fn = _resolve(_root(call, False, http, key), _method_chain(call))
        except AttributeError as exc:
            return None, f"it does not exist ({exc})"
        try:
            result = fn(**call.kwargs)
            if not sent and (hasattr(result, "__next__") or type(result).__name__.endswith("Pager")):
                next(iter(result))
        except Exception as exc:  # the recording transport raises once it has the request
            error = repr(exc)
    return _seen(result, sent), error


async def _probe_async(call: Call, key: Callable[[], str]) -> Seen:
    sent: List[Tuple[str, str]] = []
    result: Any = None
    error = ""
    async with httpx.AsyncClient(transport=_recorder(sent)) as http:
        try:
            fn = _resolve(_root(call, True, http, key), _method_chain(call))
        except AttributeError as exc:
            return None, f"it does not exist ({exc})"
        try:
            result = fn(**call.kwargs)
            if inspect.isawaitable(result):
                result = await result
            if not sent and hasattr(result, "__aiter__"):
                await result.__aiter__().__anext__()
        except Exception as exc:  # as in _probe_sync
            error = repr(exc)
    return _seen(result, sent), error


def _operation_of(seen: Tuple[str, str], operations: List[Operation]) -> Operation:
    """The most literal operation a request matches (`GET /v1/plugins/mget` is not `/v1/plugins/:plugin_id`);
    a made-up one if none does."""
    found = [op for op in operations if op.matches(*seen)]
    if not found:
        return Operation("", "", seen[0], seen[1], "")
    return min(found, key=lambda op: len(re.findall(r":\w+|\{\w+\}", op.path)))


def unmapped(operations: Iterable[Operation]) -> List[str]:
    """doc_page of each operation with no cozekit call in `CALLS`."""
    return [op.doc_page for op in operations if not CALLS.get(op.doc_page)]


def check_calls(operations: Iterable[Operation]) -> List[str]:
    """Problems with `CALLS`: a call missing on the sync or async side, or sending another method or path
    than its operation's, or a mapping for an operation neither in endpoints.tsv nor in `EXTRA_OPERATIONS`
    (whose calls are always checked too)."""
    ops = with_extras(operations)
    pem: List[str] = []

    def key() -> str:
        if not pem:
            pem.append(_private_key())
        return pem[0]

    pairs = [(op, call) for op in ops for call in CALLS.get(op.doc_page, [])]
    outcomes = [(op, call, "sync", _probe_sync(call, key)) for op, call in pairs]

    async def probe_all() -> None:
        for op, call in pairs:
            outcomes.append((op, call, "async", await _probe_async(call, key)))

    asyncio.run(probe_all())
    problems: List[str] = []
    for op, call, mode, (seen, error) in outcomes:
        if seen is None:
            problems.append(f"{op.doc_page}: {call.label()} ({mode}) sent nothing: {error}")
        elif _operation_of(seen, ops).path != op.path:
            problems.append(
                f"{op.doc_page}: {call.label()} ({mode}) sent {seen[0]} {seen[1]}, not {op.method} {op.path}"
            )
    stale = sorted(set(CALLS) - {op.doc_page for op in ops})
    return problems + [f"{page}: mapped in CALLS but not in endpoints.tsv" for page in stale]


# --- emulator: its routes ---------------------------------------------------------------------------------


def _normal(path: str) -> str:
    return re.sub(r"\{[^}]*\}|:\w+", "{}", path)


def emulator_routes() -> Set[Tuple[str, str]]:
    """(method, path with `{}` for parameters) of every emulator route; "WS" for WebSocket routes."""
    from starlette.routing import Route, WebSocketRoute

    from cozekit.emulator.app import create_app

    found: Set[Tuple[str, str]] = set()

    def walk(routes: Iterable[Any], prefix: str) -> None:
        for route in routes:
            included = getattr(route, "original_router", None)  # FastAPI >= 0.16x keeps included routers
            if included is not None:
                walk(included.routes, prefix + getattr(route.include_context, "prefix", ""))
            elif isinstance(route, WebSocketRoute):
                found.add(("WS", _normal(prefix + route.path)))
            elif isinstance(route, Route):
                found.update((method, _normal(prefix + route.path)) for method in route.methods or ())

    walk(create_app().routes, "")
    return found


def served(op: Operation, routes: Set[Tuple[str, str]]) -> bool:
    return ("WS" if op.kind == "ws" else op.method, _normal(op.path)) in routes


# --- tests: which tests sent each operation to the emulator -----------------------------------------------

RECORD = ROOT / "test-artifacts" / "tested-operations.json"
"""Written by the test suite (tests/operation_log.py) at the end of a complete, passing run: for each
operation, the tests during which the session emulator received it from cozekit."""

TOKEN_PATH = "/api/permission/oauth2/token"
AUTHORIZE_PATH = "/api/permission/oauth2/authorize"
GRANTS = {
    "authorization_code": "oauth_code",
    "urn:ietf:params:oauth:grant-type:device_code": "oauth_device_code",
    "urn:ietf:params:oauth:grant-type:jwt-bearer": "oauth_jwt",
}
"""The operation a token request belongs to, by grant (a refresh belongs to no operation of its own)."""


@dataclass(frozen=True)
class Received:
    """What the emulator received: enough of a request to tell which operation it is."""

    method: str
    path: str
    websocket: bool = False
    query: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, Any] = field(default_factory=dict)
    """The body's fields, read only for the token endpoint (where the grant selects the operation)."""
    bearer: str = ""


@functools.cache
def _candidates(method: str, path: str, websocket: bool) -> Tuple[Operation, ...]:
    ops = with_extras(load_operations())
    found = [op for op in ops if (op.kind == "ws") == websocket and op.matches(method, path)]
    return tuple(sorted(found, key=lambda op: len(re.findall(r":\w+|\{\w+\}", op.path))))


def operation_of(request: Received) -> Optional[str]:
    """doc_page of the operation a request performs (the most literal path wins), or None."""
    found = _candidates(request.method, request.path, request.websocket)
    if not found:
        return None
    if request.path == AUTHORIZE_PATH:
        return "oauth_pkce" if "code_challenge" in request.query else "oauth_code"
    if request.path == TOKEN_PATH:
        page = GRANTS.get(str(request.form.get("grant_type", "")))
        if page == "oauth_code" and "code_verifier" in request.form:
            return "oauth_pkce"
        if page == "oauth_jwt" and "session_context" in _jwt_claims(request.bearer):
            return "oauth_jwt_channel"
        return page
    return found[0].doc_page


def _jwt_claims(token: str) -> Dict[str, Any]:
    """The claims of a JWT, unverified (only to see which fields it carries)."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return {}
    return claims if isinstance(claims, dict) else {}


def load_record(path: Path = RECORD) -> Dict[str, List[str]]:
    """doc_page -> ids of the tests that sent it, from a record the test suite wrote."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {page: list(tests) for page, tests in data["operations"].items()}


def tested_files(record: Mapping[str, Iterable[str]]) -> Dict[str, List[str]]:
    """doc_page -> the test files of its tests (`tests/x/test_y.py::test_z[sync]` -> `tests/x/test_y.py`)."""
    return {page: sorted({test.split("::")[0] for test in tests}) for page, tests in record.items() if tests}


def tested_in_doc(text: str) -> Dict[str, List[str]]:
    """doc_page -> the test files the Tests column of a coverage document lists."""
    tested: Dict[str, List[str]] = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[5].startswith("`tests/"):
            tested[cells[1]] = [name.strip("`") for name in cells[5].split("<br>")]
    return tested


# --- the document -----------------------------------------------------------------------------------------

INTRO = """# Coze OpenAPI coverage

Generated by `scripts/endpoint_coverage.py` (do not edit by hand; `tests/test_coverage.py` and the end of a
complete test run fail when this file is stale). One row per operation of the Coze OpenAPI as listed in
`scripts/endpoints.tsv`; the operations the official clients have beyond that list follow in a table of
their own.

- **cozekit**: the call(s) that perform it (`coze` is a `Coze` or `AsyncCoze`; OAuth apps are in
  `cozekit.auth`, each with an `Async` twin). Each call is checked on both clients by sending it over a
  recording transport: it must send this method and path.
- **Emulator**: whether `cozekit.emulator.app.create_app()` has a route for it (`ws` = WebSocket route).
- **Tests**: the test files during which the test suite's emulator received the operation from cozekit
  (a request with cozekit's `User-Agent`), as recorded by the emulator per test over a whole test run
  (`tests/operation_log.py`). Requests to the OAuth token endpoint count for the operation of their grant
  (code, PKCE, device, JWT, JWT with a session context); refreshes count for none.
"""


EXTRA_INTRO = """## Operations beyond the index

Operations the official clients have that the documentation index lacks (so `scripts/endpoints.tsv` stays
the official checklist); cozekit and the emulator have them too, checked the same way. The operation names
are ours. Official clients: {sources}.
"""


def render(operations: List[Operation], routes: Set[Tuple[str, str]], tested: Mapping[str, List[str]]) -> str:
    lines, counts, missing = _table(operations, routes, tested)
    summary = [_summary(len(operations), counts), ""]
    gaps = ["", "## Not served by the emulator", ""]
    gaps += [f"- {op.family} `{op.doc_page}`: `{op.method} {op.path}`" for op in missing] or ["None."]
    extra_lines, extra_counts, _ = _table(EXTRA_OPERATIONS, routes, tested)
    sources = "; ".join(f"`{op.doc_page}`: {EXTRA_SOURCES[op.doc_page]}" for op in EXTRA_OPERATIONS)
    extra = [
        "",
        EXTRA_INTRO.format(sources=sources),
        _summary(len(EXTRA_OPERATIONS), extra_counts),
        "",
        *extra_lines,
    ]
    return "\n".join([INTRO, *summary, *lines, *gaps, *extra]) + "\n"


def _summary(total: int, counts: Mapping[str, int]) -> str:
    return (
        f"**{total} operations**: cozekit performs {counts['sdk']}, the emulator serves "
        f"{counts['emulator']}, {counts['tests']} are tested through cozekit against the emulator."
    )


def _table(
    operations: List[Operation], routes: Set[Tuple[str, str]], tested: Mapping[str, List[str]]
) -> Tuple[List[str], Dict[str, int], List[Operation]]:
    lines = [
        "| Family | Operation | Method and path | cozekit | Emulator | Tests |",
        "|---|---|---|---|---|---|",
    ]
    counts = {"sdk": 0, "emulator": 0, "tests": 0}
    missing: List[Operation] = []
    for op in sorted(operations, key=lambda o: (o.family, o.path, o.method, o.doc_page)):
        calls = CALLS.get(op.doc_page, [])
        found = tested.get(op.doc_page, [])
        is_served = served(op, routes)
        counts["sdk"] += bool(calls)
        counts["emulator"] += is_served
        counts["tests"] += bool(found)
        if not is_served:
            missing.append(op)
        sdk = "<br>".join(f"`{call.label()}`" for call in calls) or "**none**"
        emulator = ("ws" if op.kind == "ws" else "yes") if is_served else "no"
        tests = "<br>".join(f"`{name}`" for name in found) or "—"
        lines.append(
            f"| {op.family} | {op.doc_page} | `{op.method} {op.path}` | {sdk} | {emulator} | {tests} |"
        )
    return lines, counts, missing


def generate(tested: Mapping[str, List[str]]) -> str:
    """The document, with `tested` (doc_page -> test files) as its Tests column."""
    return render(load_operations(), emulator_routes(), tested)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if stale or wrong")
    parser.add_argument(
        "--record",
        type=Path,
        default=RECORD,
        help=f"what a complete test run recorded (default: {RECORD.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    if not args.record.exists():
        print(
            f"{args.record} does not exist: run the whole test suite first (python -m pytest), "
            "which records the operations its tests send",
            file=sys.stderr,
        )
        return 2
    operations = load_operations()
    problems = [f"{page}: no cozekit call" for page in unmapped(with_extras(operations))]
    problems += check_calls(operations)
    for problem in problems:
        print(problem, file=sys.stderr)
    text = generate(tested_files(load_record(args.record)))
    if args.check:
        stale = not DOC.exists() or DOC.read_text(encoding="utf-8") != text
        if stale:
            print(f"{DOC.relative_to(ROOT)} is stale: run scripts/endpoint_coverage.py", file=sys.stderr)
        return 1 if problems or stale else 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
