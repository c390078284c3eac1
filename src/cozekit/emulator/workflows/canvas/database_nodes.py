"""Database nodes (types 12 custom SQL, 42 update, 43 query, 44 delete, 46 insert) on the emulator's
tables (`Host.database`). Each gives `outputList` (rows, converted to the declared object type) and
`rowNum` (rows returned or changed), as Coze Studio's nodes do."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from . import model as m
from .convert import as_text, render
from .engine import NodeError, Result, Run, Scope, inputs_of, resolve, typed_outputs
from .model import Node

QUOTED = re.compile(r"[`']\{\{([A-Za-z_][A-Za-z0-9_]*(?:\.\w+|\[\d+\])*)\}\}[`']")
"""A quoted `'{{name}}'` in a SQL template: sent as a parameter, not pasted into the text."""


def database_id(node: Node) -> str:
    """The node's table: the first of `databaseInfoList`."""
    infos = node.setting("databaseInfoList") or []
    first = infos[0] if isinstance(infos, list) and infos else None
    if not isinstance(first, dict) or not first.get("databaseInfoID"):
        raise m.CanvasError("a database node needs databaseInfoList with a databaseInfoID", node.id)
    return str(first["databaseInfoID"])


def _pairs(run: Run, scope: Scope, node: Node, rows: Any, where: str) -> List[Dict[str, Any]]:
    """`[[{name, input}, ...], ...]` (conditions, field values) as dicts of resolved values."""
    out = []
    for i, row in enumerate(rows or []):
        item: Dict[str, Any] = {}
        for part in row or []:
            if isinstance(part, dict) and isinstance(part.get("input"), dict):
                value = m.parse_value(part["input"], f"{where} {i} {part.get('name')}", node.id)
                item[str(part.get("name"))] = resolve(run, scope, value, str(part.get("name")))
        out.append(item)
    return out


def _condition(run: Run, scope: Scope, node: Node, raw: Any) -> Tuple[str, List[Tuple[str, str, Any]]]:
    raw = raw if isinstance(raw, dict) else {}
    clauses = []
    for c in _pairs(run, scope, node, raw.get("conditionList"), "condition"):
        if not c.get("left") or not c.get("operation"):
            raise NodeError("each condition needs a field (left) and an operation")
        clauses.append((as_text(c["left"]), as_text(c["operation"]), c.get("right")))
    return str(raw.get("logic") or "AND"), clauses


def _values(run: Run, scope: Scope, node: Node, raw: Any) -> Dict[str, Any]:
    out = {}
    for f in _pairs(run, scope, node, raw, "fieldInfo"):
        if f.get("fieldID") in (None, ""):
            raise NodeError("each field value needs a fieldID")
        out[as_text(f["fieldID"])] = f.get("fieldValue")
    return out


def _result(node: Node, rows: List[Dict[str, Any]], count: int) -> Result:
    return Result(typed_outputs(node, {"outputList": rows, "rowNum": count}))


async def insert(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    param = node.setting("insertParam") or {}
    values = _values(run, scope, node, param.get("fieldInfo"))
    await run.host.database("insert", database_id(node), values=values)
    return _result(node, [], 1)


async def update(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    param = node.setting("updateParam") or {}
    logic, clauses = _condition(run, scope, node, param.get("condition"))
    values = _values(run, scope, node, param.get("fieldInfo"))
    count = await run.host.database("update", database_id(node), logic=logic, clauses=clauses, values=values)
    return _result(node, [], int(count))


async def delete(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    param = node.setting("deleteParam") or {}
    logic, clauses = _condition(run, scope, node, param.get("condition"))
    count = await run.host.database("delete", database_id(node), logic=logic, clauses=clauses)
    return _result(node, [], int(count))


async def query(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    param = node.setting("selectParam") or {}
    logic, clauses = _condition(run, scope, node, param.get("condition"))
    fields = [f for f in param.get("fieldList") or [] if isinstance(f, dict)]
    order = [
        (o.get("fieldID"), bool(o.get("isAsc", True)))
        for o in param.get("orderByList") or []
        if isinstance(o, dict)
    ]
    rows = await run.host.database(
        "query",
        database_id(node),
        fields=[f.get("fieldID") for f in fields],
        logic=logic,
        clauses=clauses,
        order=order,
        limit=int(param.get("limit") or 0),
        distinct=any(bool(f.get("isDistinct")) for f in fields),
    )
    return _result(node, list(rows), len(rows))


async def custom_sql(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    """A SQL template: quoted `'{{x}}'` values become parameters, other `{{x}}` are pasted in (booleans
    as 1 and 0)."""
    template = str(node.setting("sql") or "")
    if not template.strip():
        raise NodeError("the SQL is empty")
    values = {k: (int(v) if isinstance(v, bool) else v) for k, v in inputs_of(run, scope, node).items()}
    params = [render("{{" + name + "}}", values) for name in QUOTED.findall(template)]
    sql = render(QUOTED.sub("?", template), values)
    rows, count = await run.host.database("sql", database_id(node), sql=sql, params=params)
    return _result(node, list(rows), int(count))


EXECUTORS = {
    m.DB_CUSTOM_SQL: custom_sql,
    m.DB_UPDATE: update,
    m.DB_QUERY: query,
    m.DB_DELETE: delete,
    m.DB_INSERT: insert,
}
