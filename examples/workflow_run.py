"""Run a workflow without streaming: wait for its output; if it stops on a question node, answer it
with `runs.resume(stream=False)` until it finishes.

Env: COZE_API_TOKEN, COZE_API_BASE, COZE_WORKFLOW_ID (a published workflow with a `city` input and a
question node; against the emulator: `cozekit serve --example-workflows`, id 7000000000000000101).
"""

import os

from cozekit import Coze

coze = Coze()
workflow_id = os.environ["COZE_WORKFLOW_ID"]
answers = iter(["Sunday", "Monday", "Tuesday"])

result = coze.workflows.runs.create(workflow_id=workflow_id, parameters={"city": "Hangzhou"})
while result.interrupt_data is not None:  # a question node is waiting for the user
    pause = result.interrupt_data
    details = pause.parsed_data  # the node's question, when the service sends it
    if isinstance(details, dict):
        for message in details.get("messages", []):
            print("question:", message.get("content"))
    answer = next(answers)
    print("answer:", answer)
    result = coze.workflows.runs.resume(
        workflow_id=workflow_id,
        event_id=pause.event_id,
        resume_data=answer,
        interrupt_type=pause.type,
        stream=False,
    )

print("output:", result.parsed_data)  # `data` is JSON text; parsed_data decodes it
