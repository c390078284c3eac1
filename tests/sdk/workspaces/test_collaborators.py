"""Wire format of the collaborators and collaboration-mode calls of bots, apps and workflows."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from cozekit.types.collaborator import (
    CollaborationMode,
    CreateCollaboratorResp,
    DeleteCollaboratorResp,
    SwitchCollaborationModeResp,
)
from fake_server import ok

from ..conftest import Wire

# (resource attribute, id keyword, path noun)
OWNERS = [("bots", "bot_id", "bots"), ("apps", "app_id", "apps"), ("workflows", "workflow_id", "workflows")]


def collaborators(attr: str) -> Callable[[Any], Any]:
    return lambda c: getattr(c, attr).collaborators


@pytest.mark.parametrize(("attr", "key", "noun"), OWNERS)
async def test_create_posts_one_collaborator(wire: Wire, attr: str, key: str, noun: str) -> None:
    result = await wire.call(lambda c: collaborators(attr)(c).create(**{key: "r1"}, user_id="u9"))
    wire.check("POST", f"/v1/{noun}/r1/collaborators", body={"collaborators": [{"user_id": "u9"}]})
    assert isinstance(result, CreateCollaboratorResp)
    assert result.logid == "logid-1"


@pytest.mark.parametrize(("attr", "key", "noun"), OWNERS)
async def test_delete_names_the_user_in_the_path(wire: Wire, attr: str, key: str, noun: str) -> None:
    result = await wire.call(lambda c: collaborators(attr)(c).delete(**{key: "r1"}, user_id="u/9"))
    wire.check("DELETE", f"/v1/{noun}/r1/collaborators/u/9")
    assert wire.last.url.raw_path == f"/v1/{noun}/r1/collaborators/u%2F9".encode()
    assert wire.last.content == b""
    assert isinstance(result, DeleteCollaboratorResp)


@pytest.mark.parametrize(("attr", "key", "noun"), OWNERS)
@pytest.mark.parametrize(("owner", "user"), [("", "u1"), ("r1", ""), ("r1", " "), ("..", "u1")])
async def test_empty_ids_are_refused_before_any_request(
    wire: Wire, attr: str, key: str, noun: str, owner: str, user: str
) -> None:
    for method in ("create", "delete"):
        with pytest.raises(ValueError):
            await wire.call(
                lambda c, m=method: getattr(collaborators(attr)(c), m)(**{key: owner}, user_id=user)
            )
    assert wire.requests == []


@pytest.mark.parametrize(
    ("attr", "key", "noun"), [("bots", "bot_id", "bots"), ("workflows", "workflow_id", "workflows")]
)
@pytest.mark.parametrize("mode", [CollaborationMode.COLLABORATION, "single"])
async def test_switch_collaboration_mode(wire: Wire, attr: str, key: str, noun: str, mode: Any) -> None:
    result = await wire.call(
        lambda c: getattr(c, attr).switch_collaboration_mode(**{key: "r1"}, collaboration_mode=mode)
    )
    wire.check("POST", f"/v1/{noun}/r1/collaboration_mode", body={"collaboration_mode": str(mode)})
    assert isinstance(result, SwitchCollaborationModeResp)


@pytest.mark.parametrize(("attr", "key"), [("bots", "bot_id"), ("workflows", "workflow_id")])
async def test_switch_refuses_an_unknown_mode_or_id(wire: Wire, attr: str, key: str) -> None:
    with pytest.raises(ValueError):
        await wire.call(
            lambda c: getattr(c, attr).switch_collaboration_mode(**{key: "r1"}, collaboration_mode="team")
        )
    with pytest.raises(ValueError):
        await wire.call(
            lambda c: getattr(c, attr).switch_collaboration_mode(**{key: ""}, collaboration_mode="single")
        )
    assert wire.requests == []


async def test_an_error_code_raises(wire: Wire) -> None:
    from cozekit import CozeAPIError

    wire.reply(ok(code=4000, msg="not in collaboration mode"))
    with pytest.raises(CozeAPIError) as caught:
        await wire.call(lambda c: c.bots.collaborators.create(bot_id="b", user_id="u"))
    assert caught.value.code == 4000
    assert "collaboration" in caught.value.msg
