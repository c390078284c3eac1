"""`python -m cozekit.emulator [--port N] [--data-dir DIR] [--workflows PATH] [--example-workflows]
[--tls]`."""

from __future__ import annotations

import argparse


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m cozekit.emulator", description="Run the Coze emulator.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data-dir", default=".cozekit-emulator")
    parser.add_argument("--workflows", default=None, help="a workflow definition file or directory to load")
    parser.add_argument("--example-workflows", action="store_true", help="load the bundled example workflows")
    parser.add_argument("--tls", action="store_true", help="serve https/wss with a self-signed certificate")
    args = parser.parse_args()
    from .server import serve
    from .workflow_engine.loader import example_workflows

    paths = [args.workflows] if args.workflows else []
    if args.example_workflows:
        paths.append(example_workflows())
    serve(port=args.port, data_dir=args.data_dir, workflows=paths, tls=args.tls)


if __name__ == "__main__":
    main()
