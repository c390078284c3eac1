"""Voiceprints: a group of enrolled speakers (create, update, list), their features (create, update,
list, delete), and comparing a new recording against them to find out who is speaking."""

from typing import Dict

from cozekit import Coze
from cozekit.types.audio import AudioFormat

coze = Coze()
voices = list(coze.audio.voices.list(page_size=10))[:2]


def say(text: str, voice_id: str) -> bytes:
    """A 16 kHz WAV recording of `text` (here synthesized; use real recordings in practice)."""
    speech = coze.audio.speech.create(
        input=text, voice_id=voice_id, response_format=AudioFormat.WAV, sample_rate=16000
    )
    return speech.read()


# Groups: create one, then change its description and find it in the list.
group = coze.audio.voiceprint_groups.create(name="household", desc="cozekit example")
try:
    coze.audio.voiceprint_groups.update(group_id=group.id, desc="the people at home")
    for found in coze.audio.voiceprint_groups.list(name="household"):
        print("group:", found.name, "-", found.desc)

    # Features: one recording per speaker (a file path works as well as bytes).
    speakers: Dict[str, str] = {}
    for name, voice in zip(["alice", "bob"], voices):
        sample = say(f"Hi, this is {name}. I am enrolling my voice.", voice.voice_id)
        feature = coze.audio.voiceprint_groups.features.create(
            group_id=group.id, name=name, file=(f"{name}.wav", sample), sample_rate=16000
        )
        speakers[name] = feature.id
    coze.audio.voiceprint_groups.features.update(
        group_id=group.id, feature_id=speakers["bob"], desc="visits on weekends"
    )
    for feature in coze.audio.voiceprint_groups.features.list(group_id=group.id):
        print("feature:", feature.name, "-", feature.desc or "(no description)")

    # Compare a new recording with every feature of the group: scores, best match first.
    unknown = say("Could you turn off the lights, please?", voices[0].voice_id)
    result = coze.audio.voiceprint_groups.speaker_identify(group_id=group.id, file=("unknown.wav", unknown))
    for score in result.feature_score_list:
        print(f"  {score.feature_name}: {score.score:.1f}")
    print("best match:", result.feature_score_list[0].feature_name)

    # Remove one speaker.
    coze.audio.voiceprint_groups.features.delete(group_id=group.id, feature_id=speakers["bob"])
    print("left:", [f.name for f in coze.audio.voiceprint_groups.features.list(group_id=group.id)])
finally:
    coze.audio.voiceprint_groups.delete(group_id=group.id)  # with its features
