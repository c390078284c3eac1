"""The emulator's workflow engine: definitions (docs/emulator-workflows.md), a restricted expression
language, node types and the runner. No HTTP here; `service.py` connects it to the workflows backend."""
