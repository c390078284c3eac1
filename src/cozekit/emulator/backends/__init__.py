"""State and rules of the emulated Coze, one module per noun. No HTTP in here."""
