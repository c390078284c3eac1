"""Two resumes of one interrupted run at once, on SQLite and PostgreSQL: one resumes it, the other is
told no interrupt is waiting (the run never runs twice from one interrupt)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict

from cozekit.emulator.core.errors import EmulatorError
from cozekit.emulator.seed import WORKSPACE_ID
from cozekit.emulator.workflows.engine.service import STREAM, RunRequest

from ..races import race
from .engine_kit import ACCOUNT, end, start

ROUNDS = 15
ASK = {"id": "ask", "type": "question", "title": "Question", "question": "Which day?"}


def test_one_interrupt_is_resumed_once(engine_state: Any) -> None:
    runner = engine_state.workflow_runner
    raw = {"name": "ask", "nodes": [start(), ASK, end(day="{{ask.output}}")]}
    workflow_id = str(engine_state.workflows.load(ACCOUNT, WORKSPACE_ID, raw)["workflow_id"])
    for _ in range(ROUNDS):
        run_doc = runner.create(ACCOUNT, RunRequest(workflow_id, {}), STREAM)
        outcome = asyncio.run(runner.execute(ACCOUNT, run_doc, None, lambda n, d: None))
        event_id = outcome.interrupt_data["event_id"]
        results = race(*[lambda e=event_id: runner.prepare_resume(ACCOUNT, workflow_id, e, 2)] * 2)
        resumed = [r for r in results if isinstance(r, dict)]
        refused = [r for r in results if isinstance(r, EmulatorError)]
        assert len(resumed) == 1 and len(refused) == 1, results
        assert resumed[0]["status"] == "Running"
        assert "no interrupt event" in refused[0].msg, refused


def test_loads_and_collaborator_changes_at_once_are_all_kept(engine_state: Any) -> None:
    workflows = engine_state.workflows
    raw: Dict[str, Any] = {"name": "shared", "nodes": [start(), end()]}
    workflow_id = str(workflows.load(ACCOUNT, WORKSPACE_ID, raw)["workflow_id"])
    workflows.set_collaboration_mode(ACCOUNT, workflow_id, "collaboration")
    users = [engine_state.accounts.create(name=f"user{n}")["user_id"] for n in range(ROUNDS)]

    def load(version: str) -> Any:
        nodes = [start(), end(version=f"'{version}'")]  # a new definition: a new version
        return workflows.load(
            ACCOUNT, WORKSPACE_ID, {**raw, "id": workflow_id, "version": version, "nodes": nodes}
        )

    for n, user in enumerate(users):
        race(
            lambda n=n: load(f"v1.{n}.a"),
            lambda n=n: load(f"v1.{n}.b"),
            lambda user=user: workflows.add_collaborators(ACCOUNT, workflow_id, [user]),
        )
    doc = workflows.get(ACCOUNT, workflow_id)
    assert len(doc["versions"]) == 1 + 2 * ROUNDS
    assert sorted(doc["collaborators"]) == sorted(users)
