"""Workflow definitions the HTTP tests load through the control plane."""

from __future__ import annotations

from typing import Any, Dict

WEATHER: Dict[str, Any] = {
    "name": "weather",
    "description": "Asks for a day, then reports the weather.",
    "nodes": [
        {"id": "start", "type": "start", "inputs": {"city": {"type": "string", "required": True}}},
        {"id": "ask", "type": "question", "title": "Question", "question": "Which day in {{start.city}}?"},
        {
            "id": "report",
            "type": "message",
            "title": "Report",
            "content": "{{start.city}} on {{ask.USER_RESPONSE}}: sunny",
        },
        {"id": "end", "type": "end", "outputs": {"output": "{{report.output}}"}},
    ],
}

ECHO: Dict[str, Any] = {
    "name": "echo",
    "description": "Upper-cases its input and counts it.",
    "nodes": [
        {
            "id": "start",
            "type": "start",
            "inputs": {"text": {"type": "string", "required": True}, "times": "integer"},
        },
        {
            "id": "c",
            "type": "code",
            "outputs": {"upper": "upper(start['text'])", "n": "len(start['text']) * max(1, start['times'])"},
        },
        {"id": "note", "type": "message", "title": "Note", "content": "echoing {{start.text}}"},
        {"id": "end", "type": "end", "outputs": {"output": "{{c.upper}}", "n": "{{c.n}}"}},
    ],
}

FAILING: Dict[str, Any] = {
    "name": "failing",
    "nodes": [
        {"id": "start", "type": "start"},
        {"id": "say", "type": "message", "title": "Before", "content": "about to fail"},
        {"id": "boom", "type": "code", "title": "Boom", "outputs": {"x": "1 / 0"}},
        {"id": "end", "type": "end", "outputs": {"output": "{{boom.x}}"}},
    ],
}

CHATFLOW: Dict[str, Any] = {
    "name": "helpdesk",
    "mode": "chatflow",
    "nodes": [
        {"id": "start", "type": "start"},
        {"id": "llm", "type": "llm", "title": "Helpdesk", "prompt": "{{start.USER_INPUT}}"},
        {"id": "end", "type": "end", "answer": "{{llm.output}}"},
    ],
}

ASKING_CHATFLOW: Dict[str, Any] = {
    "name": "booking",
    "mode": "chatflow",
    "nodes": [
        {"id": "start", "type": "start"},
        {"id": "ask", "type": "question", "title": "Question", "question": "For how many people?"},
        {"id": "end", "type": "end", "answer": "Booked for {{ask.USER_RESPONSE}} ({{start.USER_INPUT}})."},
    ],
}

FORECAST: Dict[str, Any] = {
    "name": "forecast",
    "description": "A bot tool: takes the user's message as `input`.",
    "nodes": [
        {"id": "start", "type": "start", "inputs": {"input": {"type": "string", "required": True}}},
        {"id": "c", "type": "code", "outputs": {"words": "len(split(start['input']))"}},
        {"id": "end", "type": "end", "outputs": {"output": "sunny", "words": "{{c.words}}"}},
    ],
}
