"""Voiceprints: enroll two speakers in a group, then find out who is speaking in a new recording."""

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


group = coze.audio.voiceprint_groups.create(name="household", desc="cozekit example")
try:
    speakers: Dict[str, str] = {}
    for name, voice in zip(["alice", "bob"], voices):
        sample = say(f"Hi, this is {name}. I am enrolling my voice.", voice.voice_id)
        feature = coze.audio.voiceprint_groups.features.create(
            group_id=group.id, name=name, file=(f"{name}.wav", sample)
        )
        speakers[feature.id] = name
    print("enrolled:", ", ".join(speakers.values()))

    unknown = say("Could you turn off the lights, please?", voices[0].voice_id)
    result = coze.audio.voiceprint_groups.speaker_identify(group_id=group.id, file=("unknown.wav", unknown))
    for score in result.feature_score_list:
        print(f"  {score.feature_name}: {score.score:.1f}")
    print("best match:", result.feature_score_list[0].feature_name)
finally:
    coze.audio.voiceprint_groups.delete(group_id=group.id)
