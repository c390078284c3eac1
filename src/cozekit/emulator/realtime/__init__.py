"""The WebSocket side of the emulator: one session class per endpoint (`/v1/chat`,
`/v1/audio/speech`, `/v1/audio/transcriptions`), speaking Coze's JSON event frames."""
