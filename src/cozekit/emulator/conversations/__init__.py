"""Conversations and their messages: backends and routes."""
