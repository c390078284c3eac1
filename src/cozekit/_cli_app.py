"""The `cozekit` command line's commands (typer); `cozekit.cli.main` runs them."""

from __future__ import annotations

import os
from typing import List, Optional

import typer

from ._cli_api import register
from ._cli_auth import register as register_auth
from ._cli_proxy import register as register_proxy
from ._version import __version__

app = typer.Typer(help="cozekit: the Coze SDK's command line.", no_args_is_help=True)
register(app)
register_auth(app)
register_proxy(app)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"cozekit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """cozekit command line."""


def default_data_dir() -> str:
    """Where `cozekit serve` keeps its state unless `--data-dir` says otherwise: the platform's user data
    directory (e.g. ~/.local/share/cozekit/emulator on Linux)."""
    from platformdirs import user_data_dir  # lazy: only `serve` needs it

    return os.path.join(user_data_dir("cozekit", appauthor=False), "emulator")


@app.command()
def serve(
    port: int = typer.Option(8000, help="Port to listen on."),
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (loopback unless told otherwise)."),
    data_dir: Optional[str] = typer.Option(
        None,
        "--data-dir",
        help="Where the emulator keeps its state (default: the user data directory, printed on start).",
    ),
    workflows: Optional[str] = typer.Option(
        None, "--workflows", help="A workflow definition file or directory (JSON/YAML) to load and publish."
    ),
    tls: bool = typer.Option(False, "--tls", help="Serve https/wss with a self-signed certificate."),
    control_token: Optional[str] = typer.Option(
        None,
        "--control-token",
        envvar="COZEKIT_EMULATOR_CONTROL_TOKEN",
        help="Require this token (header X-Cozekit-Control-Token) on the /_emulator/ control plane.",
    ),
    allow_host: List[str] = typer.Option(
        [], "--allow-host", help="Another Host name the control plane answers to (repeatable)."
    ),
    example_workflows: bool = typer.Option(
        False,
        "--example-workflows",
        help="Load the example workflows shipped with cozekit (ids 70000000000000001xx).",
    ),
    database_url: Optional[str] = typer.Option(
        None,
        "--database-url",
        envvar="COZEKIT_EMULATOR_DATABASE_URL",
        help="Keep state in this database (postgresql://user:pass@host/db) instead of SQLite in --data-dir.",
    ),
    files_url: Optional[str] = typer.Option(
        None,
        "--files-url",
        envvar="COZEKIT_EMULATOR_FILES_URL",
        help="Keep uploaded files in this S3-compatible bucket (s3://bucket/prefix; the s3 extra) instead of "
        "--data-dir, so several hosts share them.",
    ),
    s3_endpoint_url: Optional[str] = typer.Option(
        None,
        "--s3-endpoint-url",
        help="The S3-compatible server of --files-url (MinIO...; default: AWS_ENDPOINT_URL, else AWS). "
        "Credentials and region: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_PROFILE.",
    ),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Worker processes on the one port and database (see docs/deployment.md)."
    ),
    chunk_delay_ms: Optional[int] = typer.Option(
        None,
        "--chunk-delay-ms",
        min=0,
        envvar="COZEKIT_EMULATOR_CHUNK_DELAY_MS",
        help="Milliseconds before each streamed delta (default 20; 0 streams at full speed). Set at start, "
        "every worker has it.",
    ),
) -> None:
    """Run the local Coze emulator."""
    # lazy: the emulator is heavy and an extra; the other commands do not load it
    from .emulator.server import serve as run
    from .emulator.workflows.engine.loader import example_workflows as examples

    paths = [workflows] if workflows else []
    run(
        port=port,
        host=host,
        data_dir=data_dir or default_data_dir(),
        workflows=paths + ([examples()] if example_workflows else []),
        tls=tls,
        control_token=control_token,
        allowed_hosts=allow_host,
        database_url=database_url,
        workers=workers,
        chunk_delay_ms=chunk_delay_ms,
        files_url=files_url,
        s3_endpoint_url=s3_endpoint_url,
    )
