"""Run a workflow built in Coze's editor (its canvas JSON) on the emulator, through the SDK.

Env: COZE_API_TOKEN, COZE_API_BASE (the emulator: `cozekit serve`). The emulator loads the canvas
`workflow_canvas.json` through its control plane; against Coze itself, publish the workflow in the
editor instead and set COZE_CANVAS_WORKFLOW_ID.
"""

import json
import os
from pathlib import Path

import httpx

from cozekit import Coze, WorkflowEventType

coze = Coze()
workflow_id = os.environ.get("COZE_CANVAS_WORKFLOW_ID")
if not workflow_id:
    canvas = json.loads((Path(__file__).parent / "workflow_canvas.json").read_text(encoding="utf-8"))
    loaded = httpx.post(
        f"{os.environ['COZE_API_BASE']}/_emulator/workflows", json={"canvas": canvas, "name": "Order note"}
    ).json()
    if loaded["code"]:
        raise SystemExit(f"the emulator refused the canvas: {loaded['msg']}")
    workflow_id = loaded["data"]["workflow_id"]

result = coze.workflows.runs.create(workflow_id=workflow_id, parameters={"item": "desk", "price": 80})
print("outputs:", result.parsed_data)

for event in coze.workflows.runs.stream(workflow_id=workflow_id, parameters={"item": "pen", "price": 2}):
    if event.event == WorkflowEventType.MESSAGE and event.message is not None:
        print(f"[{event.message.node_title}] {event.message.content}")
    elif event.event == WorkflowEventType.ERROR:
        event.raise_for_error()
