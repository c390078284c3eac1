"""Databases: the tables of workflow database nodes (control plane: `/_emulator/databases`)."""
