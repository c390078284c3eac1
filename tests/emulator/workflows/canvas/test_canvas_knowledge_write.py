"""Knowledge writing (27) and delete (60) nodes on the emulator's knowledge bases, through cozekit."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator

import pytest

from cozekit import CozeAPIError
from cozekit.emulator import ThreadedEmulator
from sync_or_async import Client, collect, run

from .build import chain, end_vars, load, node, out, param, ref, start

NOTES = (
    b"Opening hours: nine to five on weekdays, and ten to four on Saturdays in every branch.\n\n"
    b"The shop is closed on Sundays and on public holidays, and the phone line is closed too."
)
KB = ("kb", "list", {"type": "string"})


class Files(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        found = self.path == "/docs/notes.txt"
        self.send_response(200 if found else 404)
        self.send_header("Content-Length", str(len(NOTES) if found else 0))
        self.end_headers()
        if found:
            self.wfile.write(NOTES)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def files() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def writer() -> Dict[str, Any]:
    strategy = {
        "parsingStrategy": {"parsingType": "fast"},
        "chunkStrategy": {"chunkType": "custom", "separator": "\n\n", "maxToken": 100, "overlap": 0.1},
    }
    write = node(
        "27001",
        27,
        "Write",
        inputs={"datasetParam": [param("datasetList", ref("100001", *KB))], "strategyParam": strategy},
        params=[param("knowledge", ref("100001", "url", "string", assistType=1))],
        outputs=[out("documentId"), out("fileName"), out("fileUrl")],
    )
    return chain(
        start(out(*KB), out("url")),
        write,
        end_vars(param("id", ref("27001", "documentId")), param("name", ref("27001", "fileName"))),
    )


def deleter() -> Dict[str, Any]:
    delete = node(
        "60001",
        60,
        "Delete",
        inputs={"datasetParam": [param("datasetList", ref("100001", *KB))]},
        params=[param("documentID", ref("100001", "doc"))],
        outputs=[out("isSuccess", "boolean")],
    )
    return chain(
        start(out(*KB), out("doc")), delete, end_vars(param("ok", ref("60001", "isSuccess", "boolean")))
    )


async def test_a_workflow_writes_a_document_and_another_deletes_it(
    client: Client, emu: ThreadedEmulator, files: str
) -> None:
    kb = await run(client.datasets.create(name="Shop", space_id=emu.workspace_id, format_type=0))
    wf = load(emu, writer(), "writer")
    got = await run(
        client.workflows.runs.create(
            workflow_id=wf, parameters={"kb": [kb.dataset_id], "url": f"{files}/docs/notes.txt"}
        )
    )
    doc_id = got.parsed_data["id"]
    assert got.parsed_data["name"] == "notes.txt"
    await run(
        client.datasets.wait_for_processing(
            dataset_id=kb.dataset_id, document_ids=[doc_id], poll_interval=0.02, poll_timeout=20
        )
    )
    docs = await collect(client.datasets.documents.list(dataset_id=kb.dataset_id))
    assert [(d.document_id, d.name, d.slice_count) for d in docs] == [(doc_id, "notes.txt", 2)]

    rm = load(emu, deleter(), "deleter")
    params = {"kb": [kb.dataset_id], "doc": doc_id}
    assert (await run(client.workflows.runs.create(workflow_id=rm, parameters=params))).parsed_data == {
        "ok": True
    }
    assert await collect(client.datasets.documents.list(dataset_id=kb.dataset_id)) == []
    again = await run(client.workflows.runs.create(workflow_id=rm, parameters=params))
    assert again.parsed_data == {"ok": False}


async def test_writing_refuses_a_file_type_knowledge_bases_cannot_take(
    client: Client, emu: ThreadedEmulator, files: str
) -> None:
    kb = await run(client.datasets.create(name="Shop", space_id=emu.workspace_id, format_type=0))
    wf = load(emu, writer(), "writer")
    with pytest.raises(CozeAPIError, match=r"Write \(27001\) failed: unsupported file type: 'exe'"):
        await run(
            client.workflows.runs.create(
                workflow_id=wf, parameters={"kb": [kb.dataset_id], "url": f"{files}/setup.exe"}
            )
        )
