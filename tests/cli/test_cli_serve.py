"""`cozekit serve` keeps its state in the user data directory unless `--data-dir` says otherwise."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List

import platformdirs
import pytest
from typer.testing import CliRunner

import cozekit.emulator.server as server
from cozekit.cli import app


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> List[Dict[str, Any]]:
    """A home of its own, and a uvicorn that records what it would serve instead of serving."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    calls: List[Dict[str, Any]] = []
    monkeypatch.setattr(server.uvicorn, "run", lambda app, **kw: calls.append(kw))
    return calls


def test_serve_keeps_state_in_the_user_data_directory_and_says_where(
    started: List[Dict[str, Any]], tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    expected = os.path.join(platformdirs.user_data_dir("cozekit", appauthor=False), "emulator")
    assert expected.startswith(str(tmp_path / "home"))
    assert f"(state in {expected}/)" in result.stdout
    assert os.path.isfile(os.path.join(expected, "emulator.sqlite3"))
    assert started == [
        {"host": "127.0.0.1", "port": 8123, "log_level": "warning", "ssl_certfile": None, "ssl_keyfile": None}
    ]


def test_data_dir_option_wins(started: List[Dict[str, Any]], tmp_path: Path) -> None:
    chosen = tmp_path / "mine"
    result = CliRunner().invoke(app, ["serve", "--data-dir", str(chosen)])
    assert result.exit_code == 0, result.output
    assert f"(state in {chosen}/)" in result.stdout
    assert (chosen / "emulator.sqlite3").is_file()
    assert not (tmp_path / "home" / "data" / "cozekit").exists()


def test_workers_and_database_url_reach_the_worker_processes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    served: List[Any] = []
    monkeypatch.setattr(server.uvicorn, "run", lambda app, **kw: served.append((app, kw)))
    monkeypatch.setenv(server.WORKER_SETTINGS_ENV, "")  # restored after the test
    database = tmp_path / "shared.sqlite3"
    args = ["serve", "--workers", "2", "--database-url", f"sqlite:///{database}", "--data-dir", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"(state in sqlite:///{database}, 2 workers)" in result.stdout
    assert database.is_file() and not (tmp_path / "emulator.sqlite3").exists()  # migrated and seeded there
    ((target, options),) = served
    assert target == "cozekit.emulator.server:worker_app"
    assert options["factory"] is True and options["workers"] == 2 and options["port"] == 8000
    worker = server.worker_app()  # what each worker process builds
    config = worker.state.emulator.config
    assert (config.workers, config.database_url) == (2, f"sqlite:///{database}")
    assert config.allowed_hosts == ("127.0.0.1",) and config.chunk_delay == 0.02
    assert worker.state.emulator.store.get("bot", server.DEMO_BOT_ID) is not None
    worker.state.emulator.store.close()


@pytest.mark.parametrize("how", ["option", "environment"])
def test_chunk_delay_set_at_start_reaches_every_worker(
    how: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    served: List[Any] = []
    monkeypatch.setattr(server.uvicorn, "run", lambda app, **kw: served.append((app, kw)))
    monkeypatch.setenv(server.WORKER_SETTINGS_ENV, "")  # restored after the test
    args = ["serve", "--workers", "2", "--data-dir", str(tmp_path)]
    if how == "option":
        args += ["--chunk-delay-ms", "0"]
        monkeypatch.setenv("COZEKIT_EMULATOR_CHUNK_DELAY_MS", "9")  # the option wins
    else:
        monkeypatch.setenv("COZEKIT_EMULATOR_CHUNK_DELAY_MS", "0")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    worker = server.worker_app()
    assert worker.state.emulator.config.chunk_delay == 0
    assert worker.state.emulator.config.public()["chunk_delay_ms"] == 0
    worker.state.emulator.store.close()


def test_a_negative_chunk_delay_is_refused(started: List[Dict[str, Any]], tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--chunk-delay-ms", "-1", "--data-dir", str(tmp_path)])
    assert result.exit_code != 0 and started == []
