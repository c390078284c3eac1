"""The `cozekit` command line."""

from __future__ import annotations

import typer

from ._cli_api import register

app = typer.Typer(help="cozekit: the Coze SDK's command line.", no_args_is_help=True)
register(app)


@app.callback()
def _root() -> None:
    """cozekit command line."""


@app.command()
def serve(
    port: int = typer.Option(8000, help="Port to listen on (127.0.0.1)."),
    data_dir: str = typer.Option(
        ".cozekit-emulator", "--data-dir", help="Where the emulator keeps its SQLite file."
    ),
) -> None:
    """Run the local Coze emulator."""
    from .emulator.server import serve as run

    run(port=port, data_dir=data_dir)


def main() -> None:
    app()
