"""Workflows and chatflows: the backend (definitions, runs, settings), routes, and the engine under
`engine/`."""
