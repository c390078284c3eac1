"""The `/_emulator/*` control plane: its routes, what it injects (scripts, faults), and the Python clients
for it."""
