"""Run a workflow asynchronously and poll its run history; then read one node's output.

Env: COZE_API_TOKEN, COZE_API_BASE, COZE_ASYNC_WORKFLOW_ID (a published workflow with a `topic` input;
against the emulator: `cozekit serve --example-workflows`, id 7000000000000000102).
Async runs need a paid Coze plan (others answer 6003).
"""

import os
import time

from cozekit import Coze

coze = Coze()
workflow_id = os.environ["COZE_ASYNC_WORKFLOW_ID"]

run = coze.workflows.runs.create(workflow_id=workflow_id, parameters={"topic": "rainfall"}, is_async=True)
print("execute_id:", run.execute_id)

deadline = time.monotonic() + 60
while True:
    history = coze.workflows.runs.run_histories.retrieve(workflow_id=workflow_id, execute_id=run.execute_id)
    if history.execute_status != "Running" or time.monotonic() > deadline:
        break
    time.sleep(0.2)

print("status:", history.execute_status)
print("output:", history.output)
if history.error_code:
    print("error:", history.error_code, history.error_message)
for title, node in (history.node_execute_status or {}).items():
    print(f"  node {title}: finished={node.is_finish}")
    if title == "Note":
        detail = coze.workflows.runs.run_histories.execute_nodes.retrieve(
            workflow_id=workflow_id, execute_id=run.execute_id, node_execute_uuid=node.node_execute_uuid
        )
        print("  note output:", detail.node_output)
