"""Workflow collaborators and collaboration mode through cozekit (sync and async) against the emulator."""

from __future__ import annotations

import pytest

from cozekit import BadRequestError, NotFoundError
from cozekit.emulator import ThreadedEmulator
from sync_or_async import Client, run

from .conftest import Loader
from .defs import ECHO


async def test_collaborators_follow_the_collaboration_mode(
    client: Client, emu: ThreadedEmulator, load: Loader
) -> None:
    wf = load(ECHO)
    friend = emu.control.create_account("friend")["user_id"]
    with pytest.raises(BadRequestError, match="single-user mode") as single:
        await run(client.workflows.collaborators.create(workflow_id=wf, user_id=friend))
    assert single.value.code == 4000 and single.value.logid

    await run(client.workflows.switch_collaboration_mode(workflow_id=wf, collaboration_mode="collaboration"))
    await run(client.workflows.collaborators.create(workflow_id=wf, user_id=friend))
    with pytest.raises(BadRequestError, match="remove all collaborators"):
        await run(client.workflows.switch_collaboration_mode(workflow_id=wf, collaboration_mode="single"))

    await run(client.workflows.collaborators.delete(workflow_id=wf, user_id=friend))
    with pytest.raises(NotFoundError):
        await run(client.workflows.collaborators.delete(workflow_id=wf, user_id=friend))
    await run(client.workflows.switch_collaboration_mode(workflow_id=wf, collaboration_mode="single"))


async def test_unknown_workflows_and_users_are_not_found(
    client: Client, emu: ThreadedEmulator, load: Loader
) -> None:
    with pytest.raises(NotFoundError):
        await run(
            client.workflows.switch_collaboration_mode(
                workflow_id="7000000000000009999", collaboration_mode="collaboration"
            )
        )
    wf = load(ECHO)
    await run(client.workflows.switch_collaboration_mode(workflow_id=wf, collaboration_mode="collaboration"))
    with pytest.raises(NotFoundError):
        await run(client.workflows.collaborators.create(workflow_id=wf, user_id="123"))
