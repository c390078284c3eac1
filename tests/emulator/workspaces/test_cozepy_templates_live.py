"""The official `cozepy` client, unchanged, against the emulator's template duplication and live info."""

from __future__ import annotations

from typing import Any

import pytest
from cozepy import Coze as CozepyCoze
from cozepy import CozeAPIError as CozepyError
from cozepy import TokenAuth as CozepyTokenAuth
from cozepy.audio.live import LiveType
from cozepy.templates import TemplateEntityType


def test_cozepy_duplicates_a_template(coze_emulator: Any) -> None:
    official = CozepyCoze(auth=CozepyTokenAuth(coze_emulator.token), base_url=coze_emulator.base_url)
    template = coze_emulator.control.create_template(name="Travel Guide")
    copy = official.templates.duplicate(template_id=template, workspace_id=coze_emulator.workspace_id)
    assert copy.entity_type == TemplateEntityType.AGENT and copy.entity_id
    official.bots.publish(bot_id=copy.entity_id)  # the copy is a draft; cozepy reads published bots
    bot = official.bots.retrieve(bot_id=copy.entity_id)
    assert bot.name == "Travel Guide"
    with pytest.raises(CozepyError) as err:
        official.templates.duplicate(template_id="404", workspace_id=coze_emulator.workspace_id)
    assert err.value.code == 4200


def test_cozepy_retrieves_live_info(coze_emulator: Any) -> None:
    official = CozepyCoze(auth=CozepyTokenAuth(coze_emulator.token), base_url=coze_emulator.base_url)
    live = coze_emulator.control.create_live(app_id="rtc_app_9")
    info = official.audio.live.retrieve(live_id=live["live_id"])
    assert info.app_id == "rtc_app_9"
    assert [s.live_type for s in info.stream_infos] == [LiveType.ORIGIN, LiveType.TRANSLATION]
