"""Thin FastAPI routers: parse the request, call a backend, render a Coze envelope."""
