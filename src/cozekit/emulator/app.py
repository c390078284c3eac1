"""`create_app()`: the emulator as a FastAPI application."""

from __future__ import annotations

import importlib
import inspect
import os
from typing import Any, Dict, Optional

from fastapi import Depends, FastAPI

from .._version import __version__
from .admin import api_app_routes, commerce_routes, enterprise_routes
from .audio import routes as audio_routes
from .audio import voiceprint_routes
from .bots import routes as bot_routes
from .chat import routes as chat_routes
from .control import (
    admin_routes,
    callback_routes,
)
from .control import (
    audio_routes as control_audio_routes,
)
from .control import (
    database_routes as control_database_routes,
)
from .control import (
    knowledge_routes as control_knowledge_routes,
)
from .control import (
    oauth_routes as control_oauth_routes,
)
from .control import (
    routes as control_routes,
)
from .control import (
    workflow_routes as control_workflow_routes,
)
from .conversations import message_routes
from .conversations import routes as conversation_routes
from .core.config import EmulatorConfig
from .files import routes as file_routes
from .knowledge import routes as knowledge_routes
from .middleware import EmulatorMiddleware
from .oauth import routes as oauth_routes
from .plugins import routes as plugin_routes
from .realtime import routes as realtime_routes
from .render import install_error_handlers
from .routing import FastRoutes, document_bearer
from .state import EmulatorState
from .strict_fields import check_body_fields, check_known, known_fields
from .workflows import routes as workflow_routes
from .workspaces import app_routes, connector_routes, folder_routes, variable_routes
from .workspaces import routes as workspace_routes

DB_FILE = "emulator.sqlite3"
FILES_DIR = "files"
"""Uploaded bytes, under the data dir (`files/<kind>/<shard>/<id>`)."""


_NO_TELEMETRY: Dict[str, Any] = (
    {"telemetry": {"tracing": False, "metrics": False, "logs": False}}
    if "telemetry" in inspect.signature(FastAPI).parameters
    else {}
)
"""FastAPI releases with built-in OpenTelemetry check on every request whether a provider is configured
(environment reads): the emulator traces nothing, so it says so once."""


def _require_multipart() -> None:
    """Uploads need python-multipart (in the `testing` extra; fastapi alone, as in the `proxy` extra,
    lacks it): fail at start with `ModuleNotFoundError` naming it, not on the first upload."""
    for name in ("python_multipart", "multipart"):  # the second: python-multipart before 0.0.13
        try:
            importlib.import_module(name)
            return
        except ModuleNotFoundError:
            continue
    message = "the emulator needs the python-multipart package: pip install 'cozekit[testing]'"
    raise ModuleNotFoundError(message, name="python_multipart")


def create_app(config: Optional[EmulatorConfig] = None, *, data_dir: Optional[str] = None) -> FastAPI:
    """A fresh emulator. State lives in `data_dir/emulator.sqlite3` and uploads in `data_dir/files/`;
    without `data_dir`, in memory and a temporary directory."""
    _require_multipart()
    db_path = ":memory:"
    files_dir = None
    if data_dir is not None:
        os.makedirs(data_dir, exist_ok=True)
        db_path = os.path.join(data_dir, DB_FILE)
        files_dir = os.path.join(data_dir, FILES_DIR)
    state = EmulatorState(config, db_path=db_path, files_dir=files_dir)
    app = FastAPI(
        title="cozekit Coze emulator",
        version=__version__,
        description="A local server speaking the Coze OpenAPI. Control plane under `/_emulator/`.",
        dependencies=[Depends(check_body_fields)],
        **_NO_TELEMETRY,
    )
    app.state.emulator = state
    install_error_handlers(app)
    hot = FastRoutes(known_fields, check_known)  # the app-wide dependency above, checked on its hot path
    app.add_middleware(EmulatorMiddleware, config=state.config, faults=state.faults, hot=hot)
    routers = (
        chat_routes,
        conversation_routes,
        message_routes,
        file_routes,
        bot_routes,
        workspace_routes,
        control_routes,
        oauth_routes,
        control_oauth_routes,
        audio_routes,
        voiceprint_routes,
        control_audio_routes,
        realtime_routes,
        workflow_routes,
        control_workflow_routes,
        control_database_routes,
        knowledge_routes,
        control_knowledge_routes,
        api_app_routes,
        enterprise_routes,
        connector_routes,
        commerce_routes,
        plugin_routes,
        app_routes,
        admin_routes,
        callback_routes,
        folder_routes,
        variable_routes,
    )
    document_bearer(app, (module.router for module in routers))
    for module in routers:
        app.include_router(module.router)
    hot.add(module.router for module in routers)
    return app
