"""Audio without HTTP or storage: PCM and WAV handling, the emulator's speech signal, turn detection
and voice fingerprints."""
