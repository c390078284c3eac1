"""A throwaway PostgreSQL server for the tests: initdb in a temp dir, pg_ctl on a free loopback port.

The binaries are Debian's (`apt-get install postgresql`: /usr/lib/postgresql/<version>/bin; `./dev test`
installs the package when missing) or any `initdb` on PATH. initdb refuses to run as root, so as root the
cluster belongs to the `postgres` system user (the package creates it) and every server command runs as
that user through `runuser`. Durability is off (fsync, synchronous_commit): the data lives for one run.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import List, Optional

import psycopg

OWNER = "postgres"
"""The system user that owns the cluster when the tests run as root."""


def find_bin_dir() -> str:
    """Where initdb and pg_ctl live: the newest /usr/lib/postgresql/<version>/bin, else PATH."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[-3]) if p.split("/")[-3].isdigit() else 0,
    )
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(initdb)
    raise RuntimeError(
        "PostgreSQL's server binaries (initdb, pg_ctl) were not found: install Debian's postgresql package "
        "(./dev test does: apt-get install -y postgresql)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class PostgresServer:
    """One cluster with one superuser (`postgres`, trusted on loopback)."""

    def __init__(self) -> None:
        self.bin_dir = find_bin_dir()
        self.as_root = os.geteuid() == 0
        self.dir = tempfile.mkdtemp(prefix="cozekit-pg-")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")
        self.port = 0

    def _run(self, *args: str) -> None:
        command: List[str] = [os.path.join(self.bin_dir, args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", OWNER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = Path(self.log).read_text() if os.path.exists(self.log) else ""
            raise RuntimeError(f"{' '.join(args[:1])} failed: {done.stdout}{done.stderr}{log}")

    def start(self) -> PostgresServer:
        if self.as_root:
            shutil.chown(self.dir, user=OWNER)
        os.chmod(self.dir, 0o700)
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.port = _free_port()
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "start")
        return self

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def create_database(self, name: Optional[str] = None) -> str:
        """A fresh, empty database; returns its URL."""
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            if self.port:
                self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
