"""The rooms of `src/cozekit` and the arrows between them, read from the source with `ast`.

Every import counts, at module level and inside functions (a function-level import is still an arrow);
for the SDK only `if TYPE_CHECKING:` blocks are skipped (they never run). In the emulator they count too:
a type-only import of the state object is still a reach-in. Relative imports are resolved, and
`from package import name` points at `package.name` when that is a module.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional, Set, Tuple

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "cozekit"
EMULATOR = "cozekit.emulator"
PROXY = "cozekit.proxy"
SUBPACKAGES = ("auth", "connectors", "emulator", "lib", "proxy", "resources", "types", "websockets")

EMULATOR_HTTP_SHELL = frozenset(
    f"{EMULATOR}.{name}"
    for name in (
        "app",  # create_app: assembles the routers, the middleware and the renderer
        "middleware",  # logids, faults, body limits, the control-plane gate (ASGI)
        "render",  # the one error renderer: EmulatorError -> the Coze envelope
        "routing",  # shared route plumbing: the caller's account, id types, the success envelope
        "forms",  # multipart form fields
        "strict_fields",  # strict_requests: unknown JSON body fields
        "oauth.pages",  # the OAuth consent and device HTML pages
        "realtime.session",  # the WebSocket session base class (the WebSocket APIs' request handler)
        "realtime.faults",  # faults injected into a WebSocket handshake
    )
)
"""Emulator modules other than routes (`<service>/routes.py`, `<service>/*_routes.py`) that may import an
HTTP framework (fastapi, starlette). Backends, engines and `core/` are plain Python."""
HTTP_FRAMEWORKS = ("fastapi", "starlette")

STATE_READERS = frozenset(
    {
        f"{EMULATOR}.app",  # create_app builds the state and hangs it on the app
        f"{EMULATOR}.routing",  # the route dependency that hands a route the state
        f"{EMULATOR}.server",  # ThreadedEmulator and serve() run the app and reach its state
    }
)
"""Modules besides routes that may know the emulator's state (`state.py`, the composition root)."""

EMULATOR_SHARED = frozenset({"cozekit._server_thread", "cozekit._version"})
"""The only SDK modules the emulator may import: it runs a server thread as the SDK's test helpers do,
and reports the package version. Anything else is a new dependency of the emulator on the SDK."""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> Dict[str, Path]:
    return {_module_name(path): path for path in (SRC / PACKAGE).rglob("*.py")}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.stmt]:
    """Every import statement that can run (not under `if TYPE_CHECKING:`)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for other in node.orelse:
                yield from _imports_in(other)
            continue
        yield from _imports_in(node)


def _imports_in(node: ast.AST) -> Iterator[ast.stmt]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
    else:
        yield from _imports(node)


def _targets(module: str, is_package: bool, node: ast.stmt) -> Iterator[str]:
    modules = _modules()
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    assert isinstance(node, ast.ImportFrom)
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    for alias in node.names:
        candidate = f"{source}.{alias.name}"
        yield candidate if candidate in modules else source


@cache
def _graph() -> Mapping[str, Set[str]]:
    """module -> the cozekit modules it imports."""
    modules = _modules()
    graph: Dict[str, Set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        targets = {t for node in _imports(tree) for t in _targets(module, is_package, node)}
        graph[module] = {t for t in targets if t in modules and t != module}
    return graph


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _sdk(module: str) -> bool:
    return not (_in(module, EMULATOR) or _in(module, PROXY))


def _room(module: str) -> str:
    """A subpackage is one room; a core module (`cozekit._x`) is a room of its own."""
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in SUBPACKAGES:
        return ".".join(parts[:2])
    return module


def _cycles(graph: Mapping[str, Set[str]]) -> List[List[str]]:
    """The strongly connected components with more than one node (Tarjan, iterative)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work: List[Tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child: Optional[str] = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: List[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _arrows(graph: Mapping[str, Set[str]], component: List[str]) -> List[str]:
    members = set(component)
    return [f"{a} -> {b}" for a in component for b in sorted(graph[a]) if b in members]


def _sdk_graph() -> Dict[str, Set[str]]:
    return {m: {t for t in ts if _sdk(t)} for m, ts in _graph().items() if _sdk(m)}


def test_the_graph_is_read() -> None:
    graph = _graph()
    assert "cozekit.resources.chat" in graph["cozekit._client"]  # a function-level import counts
    assert "cozekit._flow" in graph["cozekit.resources.chat"]
    assert "cozekit.types.oauth" not in graph["cozekit.auth"]  # under `if TYPE_CHECKING:` only


def test_no_cycle_between_sdk_modules() -> None:
    graph = _sdk_graph()
    cycles = _cycles(graph)
    assert not cycles, "\n".join("; ".join(_arrows(graph, c)) for c in cycles)


def test_no_cycle_in_the_whole_package() -> None:
    """SDK, emulator and proxy together (the CLI and the demo start the emulator)."""
    graph = _graph()
    cycles = _cycles(graph)
    assert not cycles, "\n".join("; ".join(_arrows(graph, c)) for c in cycles)


def test_no_cycle_between_sdk_rooms() -> None:
    rooms: Dict[str, Set[str]] = {}
    for module, targets in _sdk_graph().items():
        rooms.setdefault(_room(module), set()).update(_room(t) for t in targets if _room(t) != _room(module))
    for targets in list(rooms.values()):
        for target in targets:
            rooms.setdefault(target, set())
    cycles = _cycles(rooms)
    assert not cycles, "\n".join("; ".join(_arrows(rooms, c)) for c in cycles)


def test_resources_never_import_lib() -> None:
    reach_ins = [
        f"{m} -> {t}"
        for m, targets in _graph().items()
        if _in(m, "cozekit.resources")
        for t in sorted(targets)
        if _in(t, "cozekit.lib")
    ]
    assert reach_ins == []


def test_the_emulator_imports_only_the_declared_sdk_modules() -> None:
    used = {t for m, targets in _graph().items() if _in(m, EMULATOR) for t in targets if not _in(t, EMULATOR)}
    assert used - EMULATOR_SHARED == set(), "declare it in EMULATOR_SHARED, or do without it"


def _every_import(tree: ast.AST) -> Iterator[ast.stmt]:
    """Every import statement, `if TYPE_CHECKING:` blocks included."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node


@cache
def _emulator_graph() -> Mapping[str, Set[str]]:
    """emulator module -> the emulator modules it imports (type-only imports included)."""
    modules = _modules()
    graph: Dict[str, Set[str]] = {}
    for module, path in modules.items():
        if not _in(module, EMULATOR):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        is_package = path.name == "__init__.py"
        targets = {t for node in _every_import(tree) for t in _targets(module, is_package, node)}
        graph[module] = {t for t in targets if t in modules and t != module and _in(t, EMULATOR)}
    return graph


def test_no_cycle_between_emulator_modules() -> None:
    """Backends get what they need as constructor arguments (state.py wires them); nothing below the HTTP
    layer reaches back into the composition root, not even for a type."""
    graph = _emulator_graph()
    assert "cozekit.emulator.state" in graph["cozekit.emulator.routing"]
    cycles = _cycles(graph)
    assert not cycles, "\n".join("; ".join(_arrows(graph, c)) for c in cycles)


def test_only_the_composition_root_and_the_http_layer_know_the_state() -> None:
    state = "cozekit.emulator.state"
    knowing = sorted(m for m, targets in _emulator_graph().items() if state in targets)
    strangers = [m for m in knowing if not (_is_route_module(m) or m in STATE_READERS)]
    assert strangers == [], "pass the backend it needs as a constructor argument instead"


def _is_route_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return _in(module, EMULATOR) and (last == "routes" or last.endswith("_routes"))


def test_http_frameworks_only_in_routes_and_the_http_shell() -> None:
    users = []
    for module, path in _modules().items():
        if not _in(module, EMULATOR) or _is_route_module(module) or module in EMULATOR_HTTP_SHELL:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in _every_import(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and node.level:
                continue
            if any(n.split(".")[0] in HTTP_FRAMEWORKS for n in names):
                users.append(f"{module}: {ast.unparse(node)}")
    assert users == [], "raise CozeErrors.<NAME>(...) and let render.py answer; HTTP lives in routes"


def test_emulator_errors_are_named() -> None:
    """Raise sites use the table (`CozeErrors.<NAME>(...)` in core/errors.py), never a bare code."""
    home = f"{EMULATOR}.core.errors"
    bare = []
    for module, path in _modules().items():
        if not _in(module, EMULATOR) or module == home:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "EmulatorError":
                bare.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert bare == []


def _import_lines(node: ast.stmt, lines: List[str]) -> Tuple[int, int]:
    """The first line of the block of adjacent import statements holding `node`, and `node`'s own."""
    first = node.lineno
    while first > 1 and lines[first - 2].strip().startswith(("from ", "import ")):
        first -= 1
    return first, node.lineno


def test_function_level_imports_say_why() -> None:
    """A function-level import (SDK or emulator) is kept only to load a heavy or optional module lazily,
    and says so (a comment on the line, or just above its block of imports): never to dodge a cycle."""
    silent: List[str] = []
    for module, path in _modules().items():
        if _in(module, PROXY):
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for function in ast.walk(ast.parse(text)):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in _imports(function):
                first, own = _import_lines(node, lines)
                if "#" not in lines[own - 1] and "#" not in lines[first - 2]:
                    silent.append(f"{path.relative_to(SRC)}:{own}")
    assert silent == []


def _calls(attributes: Set[str]) -> Dict[str, List[str]]:
    """SDK module -> `file:line` of each call of a method or function named in `attributes` (a name, or
    `module.name` for a call written so, e.g. `asyncio.run`)."""
    found: Dict[str, List[str]] = {}
    for module, path in _modules().items():
        if not _sdk(module):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
                if name in attributes or f"{owner}.{name}" in attributes:
                    found.setdefault(module, []).append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_one_runner_pair_drives_every_flow() -> None:
    """Requests, polling, waits, the device flow, workflow runs, voice turns and the WebSocket connection
    are flows (`_flow.py`) run by the clients' `_run`: nothing else resumes a generator with a step's
    result or error."""
    assert set(_calls({"throw"})) == {"cozekit._base_client"}


def test_no_event_loop_behind_the_sync_api() -> None:
    """The sync clients (the sync WebSocket session included) never start an event loop, nor hand work
    to one on another thread; async code never hides a sync call on an executor behind the loop."""
    loop_runners = {
        "new_event_loop",
        "run_coroutine_threadsafe",
        "run_until_complete",
        "run_forever",
        "run_in_executor",
        "asyncio.run",
    }
    found = _calls(loop_runners)
    assert found == {}, found


HTTP_PRIVATE = frozenset(
    {
        "_build_redirect_request",
        "_mounts",
        "_network_backend",
        "_pool",
        "_send_handling_auth",
        "_send_handling_redirects",
        "_send_single_request",
        "_transport",
        "_transport_for_url",
    }
)
"""Private attributes of httpx's clients and transports and of httpcore's pools: an SDK that reaches into
them breaks on a patch release of either. (The check also derives every private name from httpx's and
httpcore's own source: `_library_private_names`.)"""

TRANSPORT = "cozekit._transport"
"""The one module that hands requests to a transport itself: the transport cozekit creates."""


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@cache
def _library_private_names() -> frozenset:
    """Every private name httpx and httpcore define on their objects, read from their installed source:
    private methods, and private attributes they set on `self` (`_network_stream`, `_connections`,
    `_h11_state`, `_sock`...)."""
    import httpcore
    import httpx

    names: Set[str] = set(HTTP_PRIVATE)
    for package in (httpx, httpcore):
        assert package.__file__ is not None
        for path in Path(package.__file__).parent.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_private(node.name):
                    names.add(node.name)
                elif _on_self(node) and isinstance(node.ctx, ast.Store) and _is_private(node.attr):
                    names.add(node.attr)
    return frozenset(names)


def _on_self(node: ast.AST) -> bool:
    if not isinstance(node, ast.Attribute):
        return False
    return isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")


def _own_private_names(tree: ast.AST) -> Set[str]:
    """The private names a cozekit module defines itself (methods, and attributes it assigns)."""
    own: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and _is_private(node.name):
            own.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and _is_private(node.attr):
            own.add(node.attr)
    return own


def _private_name_argument(call: ast.Call) -> bool:
    """`getattr(x, "_pool")` and the like."""
    if not (isinstance(call.func, ast.Name) and call.func.id in ("getattr", "setattr", "hasattr")):
        return False
    name = call.args[1] if len(call.args) > 1 else None
    return isinstance(name, ast.Constant) and name.value in _library_private_names()


def _http_privacy_breaches(module: str, tree: ast.AST) -> Iterator[Tuple[int, str]]:
    library = _library_private_names()
    foreign = library - _own_private_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                if name.split(".")[0] in ("httpx", "httpcore") and "._" in name:
                    yield node.lineno, f"imports {name}"
        elif isinstance(node, ast.Attribute):
            if node.attr in HTTP_PRIVATE or (node.attr in foreign and not _on_self(node)):
                yield node.lineno, f"reads .{node.attr}"
            elif node.attr in ("handle_request", "handle_async_request") and module != TRANSPORT:
                yield node.lineno, f"calls .{node.attr} (requests go through Client.send)"
        elif isinstance(node, ast.Call) and _private_name_argument(node):
            yield node.lineno, f"{ast.unparse(node.func)}(..., {ast.unparse(node.args[1])})"


def test_the_sdk_uses_only_public_httpx_and_httpcore() -> None:
    """Every request goes through `httpx.Client.send` (or the async one); no module imports a private
    httpx or httpcore module or reads a private attribute of theirs (any private name httpx or httpcore
    defines, read from anything but the module's own objects); only `_transport` hands a request to a
    transport (its own httpcore pool)."""
    breaches: List[str] = []
    for module, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        breaches += [
            f"{path.relative_to(SRC)}:{line}: {what}" for line, what in _http_privacy_breaches(module, tree)
        ]
    assert breaches == []


def test_the_privacy_check_reads_the_modules_that_handle_httpcore_objects() -> None:
    """`_abort` (sockets of blocked reads, the network backend) and `_transport` (the pool) are the
    modules that touch httpcore's objects: the check reads them, and would see what they once did."""
    library = _library_private_names()
    assert {"_network_stream", "_connections", "_sock", "_pool", "_h11_state"} <= library
    for module in ("cozekit._abort", "cozekit._transport"):
        path = _modules()[module]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        reached_in = ast.parse(path.read_text(encoding="utf-8") + "\npool._network_backend = backend\n")
        assert list(_http_privacy_breaches(module, tree)) == []
        assert [what for _, what in _http_privacy_breaches(module, reached_in)] == ["reads ._network_backend"]


def test_the_privacy_check_sees_the_shapes_it_forbids() -> None:
    samples = {
        "transport._pool._network_backend = b": ["reads ._network_backend", "reads ._pool"],
        "getattr(http, '_build_redirect_request')": ["getattr(..., '_build_redirect_request')"],
        "self._transport.handle_request(r)": [
            "calls .handle_request (requests go through Client.send)",
            "reads ._transport",
        ],
        "from httpx._transports.default import map_httpcore_exceptions": [
            "imports httpx._transports.default"
        ],
        "import httpcore._async": ["imports httpcore._async"],
        "http.send(request, stream=True)": [],
        "response.extensions['network_stream'].get_extra_info('socket')": [],
        "connection._network_stream.read(1)": ["reads ._network_stream"],
        "pool._connections[0]": ["reads ._connections"],
        "self._connections.handle_request(r)": ["calls .handle_request (requests go through Client.send)"],
        "self._inner = inner\nother._inner.read(1)": [],
    }
    for code, expected in samples.items():
        found = sorted(what for _, what in _http_privacy_breaches("cozekit._x", ast.parse(code)))
        assert found == sorted(expected), code
