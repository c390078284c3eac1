"""The `cozekit` command: runs the typer app and turns a user's mistakes into one line, never a traceback.

A missing optional dependency names the extra that brings it; a Coze error prints its code, message and
logid; a bad argument or a missing file prints what is wrong. Each exits with status 1 (usage errors that
click catches exit with 2, as usual).
"""

from __future__ import annotations

import sys
from typing import Any, Optional

from ._exceptions import CozeError

__all__ = ["main"]  # and `app`, the typer app, loaded on first use

_EXTRAS = {
    "typer": "cli",
    "click": "cli",
    "rich": "cli",
    "platformdirs": "cli",
    "uvicorn": "emulator",
    "fastapi": "emulator",
    "starlette": "emulator",
    "multipart": "emulator",
    "python_multipart": "emulator",
    "yaml": "emulator",
    "sqlalchemy": "emulator",
    "psycopg": "postgres",
    "boto3": "s3",
    "botocore": "s3",
    "av": "emulator",
    "lameenc": "emulator",
    "pypdf": "emulator",
    "docx": "emulator",
}
_PROXY_NEEDS = ("uvicorn", "fastapi", "starlette")
"""What `cozekit proxy` needs: the lighter `proxy` extra brings it."""


def _extra_for(exc: ModuleNotFoundError, command: str = "") -> Optional[str]:
    top = (exc.name or "").split(".")[0]
    if command == "proxy" and top in _PROXY_NEEDS:
        return "proxy"
    return _EXTRAS.get(top)


def _fail(message: str) -> None:
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(1)


def main() -> None:
    """Entry point of the `cozekit` command."""
    try:
        from ._cli_app import app as typer_app  # lazy: the `cli` extra (typer) may be missing

        typer_app()
    except ModuleNotFoundError as exc:
        extra = _extra_for(exc, next((a for a in sys.argv[1:] if not a.startswith("-")), ""))
        if extra is None:
            raise
        _fail(f"this command needs the `{exc.name}` package: pip install 'cozekit[{extra}]'")
    except CozeError as exc:
        logid = getattr(exc, "logid", "")
        _fail(f"{exc}" + (f" (logid {logid})" if logid and logid not in str(exc) else ""))
    except (ValueError, OSError) as exc:
        _fail(str(exc) or type(exc).__name__)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None


def __getattr__(name: str) -> Any:
    if name == "app":  # the typer app, imported on first use (a base install has no typer)
        from ._cli_app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    main()
