"""Workspaces and what lives in them: members, folders, apps, copy tasks, templates, connectors, variables."""
