"""`create_app()`: the emulator as a FastAPI application."""

from __future__ import annotations

import importlib
import os
from typing import Optional

from fastapi import Depends, FastAPI

from .._version import __version__
from .config import EmulatorConfig
from .errors import install_error_handlers
from .middleware import EmulatorMiddleware
from .routes import (
    api_apps,
    apps,
    audio,
    bots,
    chat,
    commerce,
    connectors,
    control,
    control_admin,
    control_audio,
    control_callbacks,
    control_knowledge,
    control_oauth,
    control_workflows,
    conversations,
    enterprises,
    files,
    folders,
    knowledge,
    messages,
    oauth,
    plugins,
    realtime,
    variables,
    voiceprints,
    workflows,
    workspaces,
)
from .routes._fields import check_body_fields
from .state import EmulatorState

DB_FILE = "emulator.sqlite3"


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
    """A fresh emulator. State lives in `data_dir/emulator.sqlite3`, or in memory without `data_dir`."""
    _require_multipart()
    db_path = ":memory:"
    if data_dir is not None:
        os.makedirs(data_dir, exist_ok=True)
        db_path = os.path.join(data_dir, DB_FILE)
    state = EmulatorState(config, db_path=db_path)
    app = FastAPI(
        title="cozekit Coze emulator",
        version=__version__,
        description="A local server speaking the Coze OpenAPI. Control plane under `/_emulator/`.",
        dependencies=[Depends(check_body_fields)],
    )
    app.state.emulator = state
    install_error_handlers(app)
    app.add_middleware(EmulatorMiddleware, state=state)
    for module in (chat, conversations, messages, files, bots, workspaces, control, oauth, control_oauth):
        app.include_router(module.router)
    for module in (audio, voiceprints, control_audio, realtime):
        app.include_router(module.router)
    app.include_router(workflows.router)
    app.include_router(control_workflows.router)
    app.include_router(knowledge.router)
    app.include_router(control_knowledge.router)
    app.include_router(api_apps.router)
    for admin in (enterprises, connectors, commerce, plugins, apps, control_admin, control_callbacks):
        app.include_router(admin.router)
    for module in (folders, variables):
        app.include_router(module.router)
    return app
