"""Chat v3: the chat backend, the engine that runs model turns, and the `/v3/chat` routes."""
