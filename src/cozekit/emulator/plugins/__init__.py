"""Plugins: the fixed catalogue, tool calls and the plugin store."""
