"""Stream a workflow run; answer its question node and resume until Done.

Env: COZE_API_TOKEN, COZE_API_BASE, COZE_WORKFLOW_ID (a published workflow with a `city` input and a
question node; against the emulator: `cozekit serve --example-workflows`, id 7000000000000000101).
"""

import os

from cozekit import Coze, WorkflowEventType

coze = Coze()  # TokenAuth($COZE_API_TOKEN) on $COZE_API_BASE
workflow_id = os.environ["COZE_WORKFLOW_ID"]
answers = iter(["Saturday", "Sunday", "Monday"])

events = coze.workflows.runs.stream(workflow_id=workflow_id, parameters={"city": "Hangzhou"})
while True:
    interrupt = None
    with events:
        for event in events:
            if event.event == WorkflowEventType.MESSAGE and event.message is not None:
                if event.message.node_seq_id == "0":
                    print(f"[{event.message.node_title}] ", end="")
                print(event.message.content, end="\n" if event.message.node_is_finish else "", flush=True)
            elif event.event == WorkflowEventType.INTERRUPT and event.interrupt is not None:
                interrupt = event.interrupt
            elif event.event == WorkflowEventType.ERROR:
                event.raise_for_error()
            elif event.event == WorkflowEventType.DONE:
                print("done:", event.debug_url)
    if interrupt is None:
        break
    answer = next(answers)
    print(f"answering {interrupt.node_title!r}: {answer}")
    events = coze.workflows.runs.resume(
        workflow_id=workflow_id,
        event_id=interrupt.interrupt_data.event_id,
        resume_data=answer,
        interrupt_type=interrupt.interrupt_data.type,
    )
