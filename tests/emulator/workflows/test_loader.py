"""Definition files: the seed directory / `--workflows` loader (JSON and YAML, idempotent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cozekit.emulator.state import EmulatorState
from cozekit.emulator.workflows.engine.definition import DefinitionError
from cozekit.emulator.workflows.engine.loader import example_workflows, load_files

EXAMPLES = Path(example_workflows())


def test_loading_a_directory_twice_publishes_once() -> None:
    state = EmulatorState()
    first = load_files(state.workflows, str(EXAMPLES))
    assert sorted(w["workflow_id"] for w in first) == [
        "7000000000000000101",
        "7000000000000000102",
        "7000000000000000103",
    ]
    again = load_files(state.workflows, str(EXAMPLES))
    assert [w["version"] for w in again] == ["v0.0.1"] * 3
    assert {w["mode"] for w in again} == {"workflow", "chatflow"}


def test_yaml_files_and_bad_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "name: a\nnodes:\n  - {id: s, type: start}\n  - {id: e, type: end, answer: hi}\n"
    )
    (tmp_path / "notes.txt").write_text("ignored")
    state = EmulatorState()
    assert [w["name"] for w in load_files(state.workflows, str(tmp_path))] == ["a"]
    (tmp_path / "b.json").write_text("{not json")
    with pytest.raises(DefinitionError):
        load_files(state.workflows, str(tmp_path / "b.json"))
