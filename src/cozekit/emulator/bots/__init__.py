"""Bots: drafts, publishing, versions, collaborators."""
