"""`python -m cozekit.emulator [--port N] [--host H] [--data-dir DIR] [--workflows PATH] [--example-workflows]
[--tls] [--control-token T] [--allow-host NAME ...] [--database-url URL] [--workers N]
[--chunk-delay-ms MS] [--files-url s3://BUCKET/PREFIX] [--s3-endpoint-url URL]`."""

from __future__ import annotations

import argparse


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m cozekit.emulator", description="Run the Coze emulator.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (loopback by default)")
    parser.add_argument("--data-dir", default=".cozekit-emulator")
    parser.add_argument("--workflows", default=None, help="a workflow definition file or directory to load")
    parser.add_argument("--example-workflows", action="store_true", help="load the bundled example workflows")
    parser.add_argument("--tls", action="store_true", help="serve https/wss with a self-signed certificate")
    parser.add_argument(
        "--control-token", default=None, help="require it on /_emulator/ (X-Cozekit-Control-Token)"
    )
    parser.add_argument("--allow-host", action="append", default=[], help="another Host name for /_emulator/")
    parser.add_argument(
        "--database-url",
        default=None,
        help="keep state in this database (postgresql://...) instead of SQLite",
    )
    parser.add_argument("--workers", type=int, default=1, help="worker processes on one port and database")
    parser.add_argument(
        "--chunk-delay-ms",
        type=int,
        default=None,
        help="milliseconds before each streamed delta (default 20, or COZEKIT_EMULATOR_CHUNK_DELAY_MS)",
    )
    parser.add_argument(
        "--files-url",
        default=None,
        help="keep uploaded files in this S3-compatible bucket (s3://bucket/prefix; the s3 extra), "
        "or COZEKIT_EMULATOR_FILES_URL",
    )
    parser.add_argument(
        "--s3-endpoint-url",
        default=None,
        help="the S3-compatible server of --files-url (default: AWS_ENDPOINT_URL, else AWS)",
    )
    args = parser.parse_args()
    # lazy: `--help` answers without loading the emulator and its dependencies
    from .server import serve
    from .workflows.engine.loader import example_workflows

    paths = [args.workflows] if args.workflows else []
    if args.example_workflows:
        paths.append(example_workflows())
    serve(
        port=args.port,
        host=args.host,
        data_dir=args.data_dir,
        workflows=paths,
        tls=args.tls,
        control_token=args.control_token,
        allowed_hosts=args.allow_host,
        database_url=args.database_url,
        workers=args.workers,
        chunk_delay_ms=args.chunk_delay_ms,
        files_url=args.files_url,
        s3_endpoint_url=args.s3_endpoint_url,
    )


if __name__ == "__main__":
    main()
