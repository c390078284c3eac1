"""Running the emulator: `ThreadedEmulator` for tests, `serve()` for the command line."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import os
import ssl
import sys
import tempfile
from typing import Any, Dict, Optional, Sequence, Union

import uvicorn
from typing_extensions import Self

from .._server_thread import Served, ServerThread
from .app import create_app
from .control.client import Control as Control  # re-exported: `cozekit.emulator.server.Control`
from .control.client import ControlClient
from .core.config import CHUNK_DELAY_ENV, CONTROL_TOKEN_HEADER, EmulatorConfig
from .seed import DEMO_BOT_ID, TOKEN, USER_ID, WORKSPACE_ID
from .state import EmulatorState
from .workflows.engine.loader import load_files


class ThreadedEmulator(Served):
    """The emulator on a free loopback port in a background thread.

    >>> with ThreadedEmulator() as emu:
    ...     emu.base_url, emu.token, emu.demo_bot_id
    """

    token = TOKEN
    user_id = USER_ID
    workspace_id = WORKSPACE_ID
    demo_bot_id = DEMO_BOT_ID

    def __init__(
        self,
        config: Optional[EmulatorConfig] = None,
        *,
        port: int = 0,
        data_dir: Optional[str] = None,
        tls: bool = False,
        control_token: Optional[str] = None,
    ) -> None:
        """`control_token` (or `config.control_token`) locks the control plane; `control` sends it."""
        if control_token is not None:
            config = dataclasses.replace(config or EmulatorConfig.from_env(), control_token=control_token)
        self.app = create_app(config, data_dir=data_dir)
        self.tls = tls
        self.ca_file = ""
        """With `tls`, the self-signed certificate to trust (`SSL_CERT_FILE`, or `ssl_context()`)."""
        self._tls_dir: Optional[tempfile.TemporaryDirectory[str]] = None
        self.state: EmulatorState = self.app.state.emulator
        self._port = port
        self._thread: Optional[ServerThread] = None
        self.base_url = ""
        self._control: Optional[ControlClient] = None

    @property
    def control(self) -> ControlClient:
        if self._control is None:
            self._control = ControlClient(
                self.base_url, verify=self.ssl_context() or True, control_token=self.control_token
            )
        return self._control

    @property
    def control_token(self) -> Optional[str]:
        """The token the control plane requires (None: none required)."""
        return self.state.defaults.control_token

    def ssl_context(self) -> Optional[ssl.SSLContext]:
        """With `tls`, a client context trusting the emulator (e.g. `httpx.Client(verify=...)`)."""
        return ssl.create_default_context(cafile=self.ca_file) if self.ca_file else None

    def start(self) -> Self:
        key_file: Optional[str] = None
        if self.tls:
            from .core.tls import self_signed  # lazy: cryptography is needed only with tls

            self._tls_dir = tempfile.TemporaryDirectory(prefix="cozekit-emulator-tls-")
            self.ca_file, key_file = self_signed(self._tls_dir.name)
        self._thread = ServerThread(
            self.app,
            port=self._port,
            name="emulator",
            lifespan="off",
            ssl_certfile=self.ca_file or None,
            ssl_keyfile=key_file,
        )
        port = self._thread.start()
        self.base_url = f"{'https' if self.tls else 'http'}://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._thread is not None:
            self._thread.stop()
            self.state.store.close()
            self.state.blobs.close()
        self._thread = None
        if self._tls_dir is not None:
            self._tls_dir.cleanup()
            self._tls_dir = None

    def reset(self) -> None:
        """Back to the seeded state (data, scripts, faults, settings)."""
        self.control.reset()


DEFAULT_CHUNK_DELAY_MS = 20
"""`serve`'s wait before each streamed delta, so a terminal shows the reply arriving."""

SWITCH_INTERVAL = 0.001
"""`serve` lets threads take turns with the GIL every millisecond instead of Python's 5 ms: a request's
database work runs in a worker thread, and each of its driver calls gives the GIL up and must get it
back from the event loop, which under load holds it until the interval forces a switch. Only the
`serve` process (or its workers) is set: `ThreadedEmulator` leaves its host process alone."""

WORKER_SETTINGS_ENV = "COZEKIT_EMULATOR_WORKER_SETTINGS"
"""How `serve(workers=N)` hands its settings to the worker processes uvicorn starts (JSON)."""


def worker_app() -> Any:
    """The app of one worker process of `serve(workers=N)` (a uvicorn factory): the settings come from
    the parent through `COZEKIT_EMULATOR_WORKER_SETTINGS`; the parent already migrated, seeded and loaded
    the workflows into the shared database."""
    settings: Dict[str, Any] = json.loads(os.environ[WORKER_SETTINGS_ENV])
    sys.setswitchinterval(SWITCH_INTERVAL)
    fields = {f.name: f for f in dataclasses.fields(EmulatorConfig)}
    values: Dict[str, Any] = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in settings["config"].items()
        if name in fields
    }
    # uvicorn calls the factory on its event loop: the store work of opening (a connection, the id
    # node, the seed check) runs in a thread, as all store work does (`core.loopguard`)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(create_app, EmulatorConfig(**values), data_dir=settings["data_dir"]).result()


def serve(
    port: int = 8000,
    data_dir: str = ".cozekit-emulator",
    host: str = "127.0.0.1",
    workflows: Union[str, Sequence[str], None] = None,
    tls: bool = False,
    control_token: Optional[str] = None,
    allowed_hosts: Sequence[str] = (),
    database_url: Optional[str] = None,
    workers: int = 1,
    chunk_delay_ms: Optional[int] = None,
    files_url: Optional[str] = None,
    s3_endpoint_url: Optional[str] = None,
) -> None:
    """Run the emulator in the foreground until interrupted; `workflows` is a definition file or directory
    (or several: `example_workflows()` is the bundled examples' directory).
    With `tls`, serve https/wss with a self-signed certificate kept in `data_dir/tls/`. The control plane
    answers only to loopback names, `host` and `allowed_hosts`, and with `control_token` only to callers
    sending it (`X-Cozekit-Control-Token`). State lives in `data_dir/emulator.sqlite3` unless
    `database_url` (or `COZEKIT_EMULATOR_DATABASE_URL`) names a database (`postgresql://...`); uploaded
    bytes live in `data_dir/files/` unless `files_url` (or `COZEKIT_EMULATOR_FILES_URL`) names an
    S3-compatible bucket (`s3://bucket/prefix`, at `s3_endpoint_url` or boto3's `AWS_ENDPOINT_URL`).
    `workers` > 1 runs that many processes on the one socket and database (docs/deployment.md).
    `chunk_delay_ms` is the wait before each streamed delta (default 20, or
    `COZEKIT_EMULATOR_CHUNK_DELAY_MS`): set at start, every worker has it (a running server with several
    workers refuses `PATCH /config`)."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if chunk_delay_ms is None:
        chunk_delay_ms = int(os.environ.get(CHUNK_DELAY_ENV) or DEFAULT_CHUNK_DELAY_MS)
    if chunk_delay_ms < 0:
        raise ValueError("chunk_delay_ms must not be negative")
    config = EmulatorConfig.from_env(
        chunk_delay=chunk_delay_ms / 1000, allowed_hosts=(host, *allowed_hosts), workers=workers
    )
    if control_token:
        config = dataclasses.replace(config, control_token=control_token)
    if database_url:
        config = dataclasses.replace(config, database_url=database_url)
    if files_url:
        config = dataclasses.replace(config, files_url=files_url)
    if s3_endpoint_url:
        config = dataclasses.replace(config, s3_endpoint_url=s3_endpoint_url)
    app = create_app(config, data_dir=data_dir)
    state: EmulatorState = app.state.emulator
    paths = [workflows] if isinstance(workflows, str) else list(workflows or [])
    loaded = [summary for path in paths for summary in load_files(state.workflows, path)]
    cert_file = key_file = None
    if tls:
        from .core.tls import self_signed  # lazy: cryptography is needed only with tls

        tls_dir = os.path.join(data_dir, "tls")
        cert_file, key_file = os.path.join(tls_dir, "cert.pem"), os.path.join(tls_dir, "key.pem")
        if not (os.path.exists(cert_file) and os.path.exists(key_file)):
            os.makedirs(tls_dir, exist_ok=True)
            cert_file, key_file = self_signed(tls_dir)
    base_url = f"{'https' if tls else 'http'}://{host}:{port}"
    where = (
        state.store.engine.url.render_as_string(hide_password=True) if config.database_url else data_dir + "/"
    )
    if config.files_url:
        where += f", files in {config.files_url}"
    lines = [
        f"Coze emulator at {base_url}  (state in {where}" + (f", {workers} workers)" if workers > 1 else ")"),
        f"  base URL      {base_url}",
        f"  token         {state.info['token']}",
        f"  workspace_id  {state.info['workspace_id']}",
        f"  demo bot_id   {state.info['demo_bot_id']}",
        f"  try: curl -H 'Authorization: Bearer {state.info['token']}' {base_url}/v1/users/me",
    ]
    lines += [
        f"  workflow      {w['workflow_id']}  {w['name']} ({w['mode']}, {w['version']})" for w in loaded
    ]
    if cert_file:
        lines.append(f"  certificate   {cert_file}  (trust it: SSL_CERT_FILE={cert_file})")
    if config.control_token:
        lines.append(f"  control plane {base_url}/_emulator/  (send the header {CONTROL_TOKEN_HEADER})")
    else:
        lines.append(f"  control plane {base_url}/_emulator/  (no control token: --control-token locks it)")
    print("\n".join(lines), flush=True)
    sys.setswitchinterval(SWITCH_INTERVAL)
    if workers == 1:
        uvicorn.run(
            app, host=host, port=port, log_level="warning", ssl_certfile=cert_file, ssl_keyfile=key_file
        )
        return
    state.store.close()  # the workers open their own
    state.blobs.close()
    os.environ[WORKER_SETTINGS_ENV] = json.dumps(
        {"config": dataclasses.asdict(config), "data_dir": data_dir}, ensure_ascii=False
    )
    uvicorn.run(
        f"{__name__}:worker_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        ssl_certfile=cert_file,
        ssl_keyfile=key_file,
    )
