"""Everything one emulator instance holds: store, backends, control-plane books and the chat engine."""

from __future__ import annotations

import dataclasses
from typing import Dict, Optional

from .backends.accounts import AccountsBackend
from .backends.api_apps import ApiAppsBackend
from .backends.apps import AppsBackend
from .backends.audio import AudioBackend
from .backends.bots import BotsBackend
from .backends.chats import ChatsBackend
from .backends.commerce import CommerceBackend
from .backends.connectors import ConnectorsBackend
from .backends.conversations import ConversationsBackend
from .backends.copy_tasks import CopyTasksBackend
from .backends.enterprises import EnterprisesBackend
from .backends.files import FilesBackend
from .backends.folders import FoldersBackend
from .backends.knowledge import KnowledgeBackend
from .backends.live import LiveBackend
from .backends.messages import MessagesBackend
from .backends.oauth import OAuthBackend
from .backends.plugins import PluginsBackend
from .backends.templates import TemplatesBackend
from .backends.variables import VariablesBackend
from .backends.voiceprints import VoiceprintsBackend
from .backends.workflows import WorkflowsBackend
from .backends.workspaces import WorkspacesBackend
from .callbacks import CallbackDeliveries
from .config import EmulatorConfig
from .control import FaultBook, ScriptBook, UnknownFieldLog
from .engine import ChatEngine
from .ids import IdGenerator
from .seed import seed
from .store import Store
from .workflow_engine.service import WorkflowRunner


class EmulatorState:
    def __init__(self, config: Optional[EmulatorConfig] = None, db_path: str = ":memory:") -> None:
        self.defaults = config or EmulatorConfig.from_env()
        self.config = dataclasses.replace(self.defaults)
        self.store = Store(db_path)
        self.ids = IdGenerator()
        self.scripts = ScriptBook()
        self.faults = FaultBook()
        self.accounts = AccountsBackend(self.store, self.ids)
        self.bots = BotsBackend(self.store, self.ids)
        self.conversations = ConversationsBackend(self.store, self.ids)
        self.messages = MessagesBackend(self.conversations)
        self.files = FilesBackend(self.store, self.ids)
        self.knowledge = KnowledgeBackend(self.store, self.ids)
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
        self.engine = ChatEngine(self)
        self.callbacks = CallbackDeliveries(self)
        self.unknown_fields = UnknownFieldLog()
        self.workflows = WorkflowsBackend(self.store, self.ids)
        self.workflow_runner = WorkflowRunner(self)
        self.info = seed(self)

    def reset(self) -> Dict[str, str]:
        """Back to the first-start state: data, scripts, faults and settings."""
        self.engine.cancel_all()
        self.knowledge.reset()
        self.workflow_runner.cancel_all()
        self.workflows.reset_settings()
        self.scripts.clear()
        self.faults.clear()
        self.callbacks.reset()
        self.unknown_fields.clear()
        self.config = dataclasses.replace(self.defaults)
        self.store.wipe()
        self.info = seed(self)
        return self.info
