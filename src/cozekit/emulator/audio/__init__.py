"""REST audio (voices, speech, transcriptions, rooms), live broadcasts, voiceprints; codecs and synth under
`voice/`."""
