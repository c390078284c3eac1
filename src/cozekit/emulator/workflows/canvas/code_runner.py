"""Code nodes: Python (language 3) and JavaScript (language 5, needs `node`) in a separate process.

The child process gets a time limit and, where the platform has `resource`, a memory limit. This keeps
a runaway script from hanging or exhausting the emulator; it is NOT a security boundary: the code runs
with the emulator's user, files and network. Run only canvases you trust.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sys
from typing import Any, Dict, List, Optional

MEMORY_BYTES = 512 * 1024 * 1024
DEFAULT_TIMEOUT = 60.0
OUTPUT_LIMIT = 4 * 1024 * 1024

_PY_HOST = r"""
import asyncio, inspect, json, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
except Exception:
    pass
job = json.loads(sys.stdin.read())


class Args:
    def __init__(self, params):
        self.params = params


Output = dict
env = {"__name__": "__coze_code__", "Args": Args, "Output": Output}
try:
    exec(compile(job["code"], "<code node>", "exec"), env)
    main = env.get("main")
    if main is None:
        raise NameError("the code defines no main(args)")
    result = main(Args(job["params"]))
    if inspect.isawaitable(result):
        result = asyncio.run(result) if inspect.iscoroutine(result) else result
    sys.stdout.write("\x00RESULT" + json.dumps({"ok": result}, ensure_ascii=False, default=str))
except BaseException as exc:
    sys.stdout.write("\x00RESULT" + json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
"""

_JS_HOST = r"""
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const job = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  try {
    const main = new Function(job.code + '\n;return typeof main === "function" ? main : undefined;')();
    if (!main) throw new Error('the code defines no main({ params })');
    const result = await main({ params: job.params });
    process.stdout.write('\u0000RESULT' + JSON.stringify({ ok: result === undefined ? null : result }));
  } catch (e) {
    process.stdout.write('\u0000RESULT' + JSON.stringify({ error: String(e && e.stack ? e.message : e) }));
  }
});
"""

_TS_ANNOTATIONS = [
    (re.compile(r"\)\s*:\s*Promise\s*<[^>{]*>\s*\{"), ") {"),
    (re.compile(r"\)\s*:\s*[A-Za-z_][\w.]*(?:\[\])?\s*\{"), ") {"),
    (re.compile(r"(\{[^{}()]*\})\s*:\s*[A-Za-z_][\w.]*"), r"\1"),
    (re.compile(r"\b(const|let|var)\s+([A-Za-z_$][\w$]*)\s*:\s*[A-Za-z_][\w.<>\[\]]*\s*="), r"\1 \2 ="),
]


class CodeError(Exception):
    pass


def strip_types(code: str) -> str:
    """The TypeScript annotations Coze's editor writes (`{ params }: Args`, `: Promise<Output>`) removed."""
    for pattern, replacement in _TS_ANNOTATIONS:
        code = pattern.sub(replacement, code)
    return code


async def run_code(language: int, code: str, params: Dict[str, Any], timeout: Optional[float]) -> Any:
    """`main`'s return value; raises CodeError with the script's error."""
    if language == 3:
        argv: List[str] = [sys.executable, "-I", "-c", _PY_HOST.replace("MEMORY", str(MEMORY_BYTES))]
    else:
        node = shutil.which("node")
        if node is None:
            raise CodeError("JavaScript code nodes need Node.js (`node` on the PATH); it was not found")
        argv = [node, "-e", _JS_HOST]
        code = strip_types(code)
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    job = json.dumps({"code": code, "params": params}, ensure_ascii=False).encode()
    try:
        out, err = await asyncio.wait_for(proc.communicate(job), timeout or DEFAULT_TIMEOUT)
    except (asyncio.TimeoutError, asyncio.CancelledError):
        proc.kill()
        await proc.wait()
        raise
    text = out[:OUTPUT_LIMIT].decode("utf-8", "replace")
    marker = text.rfind("\x00RESULT")
    if marker < 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [
            f"exit status {proc.returncode}"
        ]
        if proc.returncode and proc.returncode < 0:
            detail = [f"killed by signal {-proc.returncode} (memory limit?)"]
        raise CodeError(f"the code process ended without a result: {detail[0]}")
    reply = json.loads(text[marker + len("\x00RESULT") :])
    if "error" in reply:
        raise CodeError(str(reply["error"]))
    return reply["ok"]
