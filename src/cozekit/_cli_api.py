"""`cozekit chat`, `cozekit files`, `cozekit datasets` and `cozekit workflows`: the API from a terminal.

Every command reads `--base-url`/`--token` (or `COZE_API_BASE`/`COZE_API_TOKEN`; without a token, the one
`cozekit login` saved). A Coze error is printed with its code and logid, and the command exits with status 1.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Dict, Iterator, List, Optional, Sequence

import typer
from pydantic import BaseModel

from . import _cli_progress as progress
from ._auth import TokenAuth
from ._client import Coze
from ._constants import COZE_COM_BASE_URL
from ._exceptions import CozeError
from .auth.saved_login import coze_from_login
from .types import ChatEventType, Message
from .types.document import DocumentBase

files_app = typer.Typer(help="Upload and look up files.", no_args_is_help=True)
datasets_app = typer.Typer(help="Fill knowledge bases.", no_args_is_help=True)
workflows_app = typer.Typer(help="Run workflows.", no_args_is_help=True)

BaseUrl = typer.Option(None, "--base-url", envvar="COZE_API_BASE", help="API base URL.")
Token = typer.Option(None, "--token", envvar="COZE_API_TOKEN", help="Access token.", show_default=False)


def _client(base_url: Optional[str], token: Optional[str]) -> Coze:
    if not token:  # the token `cozekit login` saved, if any
        try:
            return coze_from_login(base_url or COZE_COM_BASE_URL)
        except LookupError:
            hint = "no token: pass --token, set COZE_API_TOKEN or run `cozekit login`"
            raise typer.BadParameter(hint, param_hint="--token") from None
    return Coze(auth=TokenAuth(token), base_url=base_url)


def _fail(err: CozeError) -> typer.Exit:
    logid = getattr(err, "logid", "")
    typer.echo(f"error: {err}" + (f" (logid {logid})" if logid and logid not in str(err) else ""), err=True)
    return typer.Exit(1)


def _dump(obj: Any) -> None:
    typer.echo(json.dumps(obj.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=2))


def chat(
    bot_id: str = typer.Argument(..., help="The bot to talk to."),
    text: List[str] = typer.Argument(..., help="Your message."),
    user_id: str = typer.Option("cozekit-cli", "--user-id", help="Your end-user id."),
    conversation_id: Optional[str] = typer.Option(None, "--conversation-id", help="Continue a conversation."),
    no_stream: bool = typer.Option(False, "--no-stream", help="Wait for the whole answer."),
    base_url: Optional[str] = BaseUrl,
    token: Optional[str] = Token,
) -> None:
    """Ask a bot something and print its answer as it streams."""
    message = Message.build_user_question_text(" ".join(text))
    args: Dict[str, Any] = {"bot_id": bot_id, "user_id": user_id, "conversation_id": conversation_id}
    with _client(base_url, token) as coze:
        try:
            if no_stream:
                with progress.waiting("waiting for the answer"):
                    result = coze.chat.create_and_poll(additional_messages=[message], **args)
                typer.echo("\n".join(m.content for m in result.messages or [] if m.type == "answer"))
                _footer(result.chat.conversation_id, result.chat.logid)
                return
            with coze.chat.stream(additional_messages=[message], **args) as stream:
                for event in stream:
                    if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA and event.message:
                        sys.stdout.write(event.message.content)
                        sys.stdout.flush()
                    elif event.event == ChatEventType.CONVERSATION_CHAT_COMPLETED and event.chat:
                        typer.echo("")
                        _footer(event.chat.conversation_id, stream.logid)
        except CozeError as err:
            raise _fail(err) from None


def _footer(conversation_id: str, logid: str) -> None:
    typer.echo(f"[conversation {conversation_id}, logid {logid}]", err=True)


@files_app.command("upload")
def files_upload(
    path: str = typer.Argument(..., help="The file to upload (at most 512 MB)."),
    base_url: Optional[str] = BaseUrl,
    token: Optional[str] = Token,
) -> None:
    """Upload a file and print its record (id, name, size); a terminal shows the bytes sent."""
    with _client(base_url, token) as coze:
        try:
            with progress.upload_source(path) as source:
                uploaded = coze.files.upload(file=source)
            _dump(uploaded)
        except CozeError as err:
            raise _fail(err) from None


@files_app.command("retrieve")
def files_retrieve(
    file_id: str = typer.Argument(..., help="The file's id."),
    base_url: Optional[str] = BaseUrl,
    token: Optional[str] = Token,
) -> None:
    """Print a file's record."""
    with _client(base_url, token) as coze:
        try:
            _dump(coze.files.retrieve(file_id=file_id))
        except CozeError as err:
            raise _fail(err) from None


@datasets_app.command("upload")
def datasets_upload(
    dataset_id: str = typer.Argument(..., help="The knowledge base (a text one) to add the files to."),
    paths: List[str] = typer.Argument(..., help="Local files (1-10): txt, md, csv, pdf, docx..."),
    wait: bool = typer.Option(True, "--wait/--no-wait", help="Wait until Coze has processed them."),
    timeout: float = typer.Option(600.0, "--timeout", help="Seconds to wait for the processing."),
    base_url: Optional[str] = BaseUrl,
    token: Optional[str] = Token,
) -> None:
    """Add local files to a knowledge base and wait for their processing (a terminal shows a bar per file);
    prints each document's state."""
    bases = [DocumentBase.build_local_file(path) for path in paths]  # a missing file: one line, exit 1
    with _client(base_url, token) as coze:
        try:
            created = coze.datasets.documents.create(dataset_id=dataset_id, document_bases=bases)
            docs: Sequence[BaseModel] = created
            if wait:
                with progress.processing() as on_progress:
                    docs = coze.datasets.wait_for_processing(  # each document's final state
                        dataset_id=dataset_id,
                        document_ids=created,
                        on_progress=on_progress,
                        poll_timeout=timeout,
                    )
            typer.echo(json.dumps([d.model_dump(mode="json", exclude_none=True) for d in docs], indent=2))
        except CozeError as err:
            raise _fail(err) from None


def _parameters(pairs: List[str], parameters_json: Optional[str]) -> Dict[str, Any]:
    params: Dict[str, Any] = {}
    if parameters_json:
        try:
            loaded = json.loads(parameters_json)
        except ValueError as err:
            raise typer.BadParameter(f"not JSON: {err}", param_hint="--parameters") from None
        if not isinstance(loaded, dict):
            raise typer.BadParameter("must be a JSON object", param_hint="--parameters")
        params.update(loaded)
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--param")
        params[key] = value
    return params


@workflows_app.command("run")
def workflows_run(
    workflow_id: str = typer.Argument(..., help="The workflow to run."),
    param: List[str] = typer.Option([], "--param", "-p", help="An input as KEY=VALUE (repeatable)."),
    parameters: Optional[str] = typer.Option(None, "--parameters", help="Inputs as a JSON object."),
    stream: bool = typer.Option(False, "--stream", help="Print output messages as the nodes produce them."),
    base_url: Optional[str] = BaseUrl,
    token: Optional[str] = Token,
) -> None:
    """Run a published workflow and print its output."""
    inputs = _parameters(param, parameters)
    with _client(base_url, token) as coze:
        try:
            if not stream:
                with progress.waiting(f"running workflow {workflow_id}"):
                    result = coze.workflows.runs.create(workflow_id=workflow_id, parameters=inputs)
                typer.echo(result.data)
                if result.interrupt_data is not None:
                    typer.echo("[interrupted: resume it through the API]", err=True)
                return
            for piece in _stream_pieces(coze, workflow_id, inputs):
                sys.stdout.write(piece)
                sys.stdout.flush()
        except CozeError as err:
            raise _fail(err) from None


def _stream_pieces(coze: Coze, workflow_id: str, inputs: Dict[str, Any]) -> Iterator[str]:
    """Output pieces as they come; each node's output ends with a newline."""
    with coze.workflows.runs.stream(workflow_id=workflow_id, parameters=inputs) as events:
        for event in events:
            event.raise_for_error()
            if event.message is not None:
                yield event.message.content + ("\n" if event.message.node_is_finish else "")
            elif event.interrupt is not None:
                yield f"[interrupted at {event.interrupt.node_title}: resume it through the API]\n"


def register(app: typer.Typer) -> None:
    """Add the API commands to the `cozekit` command line."""
    app.command()(chat)
    app.add_typer(files_app, name="files")
    app.add_typer(datasets_app, name="datasets")
    app.add_typer(workflows_app, name="workflows")
