"""Files: upload and retrieve."""
