"""Voiceprint groups, features and speaker identification through cozekit, sync and async."""

from __future__ import annotations

import pytest

from cozekit import CozeAPIError
from cozekit.emulator.audio.voice import tones
from sync_or_async import Client, collect, run

from ..conftest import spoken


async def test_group_crud(client: Client) -> None:
    vp = client.audio.voiceprint_groups
    first = await run(vp.create(name="family", desc="at home"))
    second = await run(vp.create(name="office"))
    groups = await collect(vp.list())
    assert [g.id for g in groups] == [second.id, first.id]
    assert groups[1].desc == "at home" and groups[1].feature_count == 0 and groups[1].user_info is not None
    await run(vp.update(group_id=first.id, name="fam", desc="renamed"))
    named = await collect(vp.list(name="fa"))
    assert [(g.id, g.name, g.desc) for g in named] == [(first.id, "fam", "renamed")]
    await run(vp.delete(group_id=second.id))
    assert [g.id for g in await collect(vp.list())] == [first.id]
    with pytest.raises(CozeAPIError) as err:
        await run(vp.delete(group_id=second.id))
    assert err.value.code == 4200


async def test_feature_crud_and_identification(client: Client) -> None:
    vp = client.audio.voiceprint_groups
    group = await run(vp.create(name="speakers"))
    alice = await run(
        vp.features.create(
            group_id=group.id,
            name="alice",
            desc="mum",
            file=("a.wav", spoken("hello, it is alice", voice_id="A")),
        )
    )
    bob_pcm = tones.encode("bob speaking here", 16000, "B")
    bob = await run(
        vp.features.create(
            group_id=group.id, name="bob", file=("b.pcm", bob_pcm), sample_rate=16000, channel=1
        )
    )
    features = await collect(vp.features.list(group_id=group.id))
    assert {f.name for f in features} == {"alice", "bob"} and all(f.group_id == group.id for f in features)
    assert (await collect(vp.list()))[0].feature_count == 2

    # Another sentence in Alice's voice is still Alice.
    probe = spoken("a different sentence entirely", voice_id="A")
    result = await run(vp.speaker_identify(group_id=group.id, file=("probe.wav", probe)))
    scores = result.feature_score_list
    assert [s.feature_id for s in scores] == [alice.id, bob.id]
    assert scores[0].feature_name == "alice" and scores[0].feature_desc == "mum"
    assert 0 <= scores[1].score < scores[0].score <= 100
    exact = await run(vp.speaker_identify(group_id=group.id, file=("b.pcm", bob_pcm), top_k=1))
    assert [(s.feature_id, s.score) for s in exact.feature_score_list] == [(bob.id, 100.0)]

    # Re-enrolling Bob with the probe itself moves the match.
    await run(vp.features.update(group_id=group.id, feature_id=alice.id, name="alice2", desc="changed"))
    await run(vp.features.update(group_id=group.id, feature_id=bob.id, file=("b2.wav", probe)))
    again = await run(vp.speaker_identify(group_id=group.id, file=("probe.wav", probe), top_k=1))
    assert [(s.feature_id, s.score) for s in again.feature_score_list] == [(bob.id, 100.0)]
    names = {f.id: (f.name, f.desc) for f in await collect(vp.features.list(group_id=group.id))}
    assert names[alice.id] == ("alice2", "changed")

    await run(vp.features.delete(group_id=group.id, feature_id=alice.id))
    assert [f.id for f in await collect(vp.features.list(group_id=group.id))] == [bob.id]
    with pytest.raises(CozeAPIError) as err:
        await run(vp.features.delete(group_id=group.id, feature_id=alice.id))
    assert err.value.code == 4200
    await run(vp.delete(group_id=group.id))
    with pytest.raises(CozeAPIError) as err:
        await collect(vp.features.list(group_id=group.id))
    assert err.value.code == 4200


async def test_features_reject_mp3(client: Client) -> None:
    vp = client.audio.voiceprint_groups
    group = await run(vp.create(name="g"))
    with pytest.raises(CozeAPIError) as err:
        await run(vp.features.create(group_id=group.id, name="x", file=("x.mp3", b"ID3" + b"\0" * 64)))
    assert err.value.code == 4000 and "wav or pcm" in err.value.msg
