"""Shared emulator core with no HTTP in it: settings, ids, the store, the Coze error table, SSE frames,
TLS, the model layer."""
