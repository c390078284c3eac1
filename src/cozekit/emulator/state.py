"""The composition root: builds one emulator's store, backends, control-plane books and engines, and hands
each part what it needs as constructor arguments. Nothing below the HTTP layer imports this module;
routes reach the parts through `routing.state_of(request)`."""

from __future__ import annotations

import dataclasses
from typing import Dict, Optional

from .admin.accounts import AccountsBackend
from .admin.api_apps import ApiAppsBackend
from .admin.callbacks import CallbackDeliveries
from .admin.commerce import CommerceBackend
from .admin.enterprises import EnterprisesBackend
from .audio.backend import AudioBackend
from .audio.live import LiveBackend
from .audio.voiceprints import VoiceprintsBackend
from .bots.backend import BotsBackend
from .chat.backend import ChatsBackend
from .chat.engine import ChatEngine
from .conversations.backend import ConversationsBackend
from .conversations.messages import MessagesBackend
from .conversations.named import AppConversations
from .core.blob_stores import open_blob_store
from .core.config import EmulatorConfig
from .core.ids import IdGenerator
from .core.injections import FaultBook, ScriptBook, UnknownFieldLog
from .core.store import Store
from .databases.backend import DatabasesBackend
from .files.backend import FilesBackend
from .knowledge.backend import KnowledgeBackend
from .oauth.backend import OAuthBackend
from .plugins.backend import PluginsBackend
from .seed import seed
from .workflows.backend import WorkflowsBackend
from .workflows.engine.bot_tools import BotWorkflows
from .workflows.engine.chatflow import Chatflows
from .workflows.engine.service import WorkflowRunner
from .workspaces.apps import AppsBackend
from .workspaces.backend import WorkspacesBackend
from .workspaces.connectors import ConnectorsBackend
from .workspaces.copy_tasks import CopyTasksBackend
from .workspaces.folders import FoldersBackend
from .workspaces.templates import TemplatesBackend
from .workspaces.variables import VariablesBackend


class EmulatorState:
    """One emulator: its settings, store, control-plane books, every backend and engine, wired together."""

    def __init__(
        self,
        config: Optional[EmulatorConfig] = None,
        db_path: str = ":memory:",
        files_dir: Optional[str] = None,
    ) -> None:
        """`db_path`: a SQLite file or `:memory:`; `config.database_url`, when set, wins (PostgreSQL).
        `files_dir`: where uploaded bytes live (a private temporary directory when None); `config.files_url`,
        when set, wins (an S3-compatible bucket; uploads are then spooled under `files_dir/tmp`)."""
        self.defaults = config or EmulatorConfig.from_env()
        self.config = dataclasses.replace(self.defaults)
        self.blobs = open_blob_store(self.defaults.files_url, files_dir, self.defaults.s3_endpoint_url)
        self.store = Store(self.defaults.database_url or db_path)
        self.ids = IdGenerator(node=self.store.claim_id_node())
        self.scripts = ScriptBook()
        self.faults = FaultBook()
        self.accounts = AccountsBackend(self.store, self.ids)
        self.bots = BotsBackend(self.store, self.ids)
        self.conversations = ConversationsBackend(self.store, self.ids)
        self.messages = MessagesBackend(self.conversations)
        self.files = FilesBackend(self.store, self.ids, self.blobs)
        self.knowledge = KnowledgeBackend(self.store, self.ids, self.blobs)
        self.oauth = OAuthBackend(self.store, self.ids)
        self.chats = ChatsBackend(self.bots, self.conversations, self.messages)
        self.audio = AudioBackend(self.bots, self.conversations)
        self.live = LiveBackend(self.store, self.ids)
        self.voiceprints = VoiceprintsBackend(self.store, self.ids)
        self.api_apps = ApiAppsBackend(self.store, self.ids)
        self.enterprises = EnterprisesBackend(self.store, self.ids)
        self.commerce = CommerceBackend(self.store, self.ids, self.enterprises)
        self.plugins = PluginsBackend(self.commerce)
        self.workspaces = WorkspacesBackend(self.store, self.ids)
        self.connectors = ConnectorsBackend(self.store, self.ids, self.workspaces)
        self.apps = AppsBackend(self.store, self.ids, self.workspaces)
        self.copy_tasks = CopyTasksBackend(self.store, self.ids, self.workspaces, self.apps)
        self.templates = TemplatesBackend(self.store, self.ids, self.workspaces, self.bots, self.apps)
        self.folders = FoldersBackend(self.workspaces)
        self.variables = VariablesBackend(self.store, self.ids)
        self.unknown_fields = UnknownFieldLog()
        self.callbacks = CallbackDeliveries(self.config, self.store, self.api_apps, self.connectors)
        self.workflows = WorkflowsBackend(self.store, self.ids)
        self.databases = DatabasesBackend(self.store, self.ids)
        self.workflow_runner = WorkflowRunner(
            self.config,
            self.store,
            self.ids,
            self.scripts,
            self.workflows,
            self.knowledge,
            self.plugins,
            self.variables,
            AppConversations(self.store, self.ids, self.conversations, self.messages),
            self.databases,
        )
        self.chatflows = Chatflows(
            self.store, self.ids, self.conversations, self.messages, self.workflows, self.workflow_runner
        )
        bot_workflows = BotWorkflows(
            self.store, self.ids, self.conversations, self.chats, self.workflow_runner
        )
        self.engine = ChatEngine(
            self.config, self.ids, self.scripts, self.chats, self.knowledge, bot_workflows
        )
        self.info = self.seed()

    def seed(self) -> Dict[str, str]:
        """Create the developer account, workspace, token and demo bot unless they exist."""
        return seed(self.store, self.accounts, self.bots)

    def reset(self) -> Dict[str, str]:
        """Back to the first-start state: data, scripts, faults and settings."""
        self.stop_work()
        return self.reset_data()

    def stop_work(self) -> None:
        """Cancel the running chats, workflow runs and ingestion (on the event loop running them)."""
        self.engine.cancel_all()
        self.knowledge.reset()
        self.workflow_runner.cancel_all()

    def reset_data(self) -> Dict[str, str]:
        """The rest of `reset`: data, scripts, faults and settings (store work: in a thread)."""
        self.workflows.reset_settings()
        self.scripts.clear()
        self.faults.clear()
        self.callbacks.reset()
        self.unknown_fields.clear()
        self.config.restore(self.defaults)
        self.store.wipe()
        self.blobs.wipe()
        self.info = self.seed()
        return self.info
