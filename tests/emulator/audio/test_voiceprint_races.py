"""Voiceprint groups and features changed by two requests at once, on SQLite and PostgreSQL: both
changes of a group or a feature are kept, and a feature added while its group is deleted is either
refused or deleted with it (never left without a group)."""

from __future__ import annotations

from typing import Any

from cozekit.emulator.core.errors import EmulatorError

from ..conftest import spoken
from ..races import race

ROUNDS = 15


def test_two_changes_of_a_group_or_feature_are_both_kept(engine_state: Any) -> None:
    vp = engine_state.voiceprints
    account = engine_state.accounts.authenticate(engine_state.info["token"])
    group = vp.create_group(account, "group", "")["id"]
    feature = vp.create_feature(account, group, spoken("hello"), "feature", None, None, None)["id"]
    for n in range(ROUNDS):
        race(
            lambda n=n: vp.update_group(account, group, f"name {n}", None),
            lambda n=n: vp.update_group(account, group, None, f"desc {n}"),
            lambda n=n: vp.update_feature(account, group, feature, {"name": f"f{n}"}, None),
            lambda n=n: vp.update_feature(account, group, feature, {"desc": f"d{n}"}, None),
        )
        stored = engine_state.store.get("voiceprint_group", group)
        assert (stored["name"], stored["desc"]) == (f"name {n}", f"desc {n}")
        stored = engine_state.store.get("voiceprint_feature", feature)
        assert (stored["name"], stored["desc"]) == (f"f{n}", f"d{n}")


def test_a_feature_added_while_its_group_is_deleted_is_never_orphaned(engine_state: Any) -> None:
    vp = engine_state.voiceprints
    account = engine_state.accounts.authenticate(engine_state.info["token"])
    audio = spoken("hello")
    for _ in range(ROUNDS):
        group = vp.create_group(account, "doomed", "")["id"]
        added, _ = race(
            lambda group=group: vp.create_feature(account, group, audio, "late", None, None, None),
            lambda group=group: vp.delete_group(account, group),
        )
        assert isinstance(added, (dict, EmulatorError)), added
        assert engine_state.store.find("voiceprint_feature", parent=group) == []
