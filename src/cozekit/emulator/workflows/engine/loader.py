"""Loading workflow definition files (a seed directory, the CLI's `--workflows`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional

from ...core.base import Account
from ...seed import USER_ID, USER_NAME, WORKSPACE_ID
from ..backend import WorkflowsBackend
from ..canvas.adapter import wrap_file
from .definition import load_text

SUFFIXES = (".json", ".yaml", ".yml")


def example_workflows() -> str:
    """The directory of the example definitions shipped in the package (ids 7000000000000000101-103:
    a weather question, a daily report, a helpdesk chatflow), for `load_files` or `--workflows`."""
    return str(Path(__file__).resolve().parents[2] / "example_workflows")


def definition_files(path: str) -> List[str]:
    """`path` itself if it is a file, else its definition files in name order."""
    if os.path.isfile(path):
        return [path]
    return [os.path.join(path, n) for n in sorted(os.listdir(path)) if n.endswith(SUFFIXES)]


def load_files(
    workflows: WorkflowsBackend,
    path: str,
    account: Optional[Account] = None,
    workspace_id: Optional[str] = None,
) -> List[Dict[str, Any]]:
    """Load and publish every definition under `path` for `account` (default: the seeded developer).
    Loading an unchanged definition again publishes no new version."""
    account = account or Account(USER_ID, USER_NAME)
    loaded = []
    for name in definition_files(path):
        with open(name, encoding="utf-8") as f:
            raw = load_text(f.read(), name)
        if name.endswith(".json"):  # a bare Coze canvas is named after its file
            raw = wrap_file(raw, name)
        summary = workflows.load(account, workspace_id or WORKSPACE_ID, raw)
        loaded.append({**summary, "file": name})
    return loaded
