"""Canvases the emulator refuses on load: the error names the node and the problem."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from cozekit.emulator.workflows import canvas as cv

from .build import canvas, chain, edge, end_vars, lit, node, out, param, ref, start


def refused(raw: Any) -> cv.CanvasError:
    with pytest.raises(cv.CanvasError) as info:
        cv.load(raw)
    return info.value


def text_node(id: str, *params: Dict[str, Any], tpl: str = "{{a}}") -> Dict[str, Any]:
    concat = [param("concatResult", lit(tpl)), param("arrayItemConcatChar", lit(","))]
    return node(
        id,
        15,
        f"Text {id}",
        inputs={"method": "concat", "concatParams": concat},
        params=list(params),
        outputs=[out("output")],
    )


def test_a_valid_canvas_loads_with_its_nodes_and_refs():
    c = cv.load(
        chain(
            start(out("q")),
            text_node("2", param("a", ref("100001", "q"))),
            end_vars(param("r", ref("2", "output"))),
        )
    )
    assert [n.id for n in c.nodes] == ["100001", "2", "900001"]
    assert c.all_nodes["2"].params[0].value.ref.block_id == "100001"
    assert c.all_nodes["2"].title == "Text 2"


def test_not_json_and_not_a_canvas():
    assert "not JSON" in str(refused("{nope"))
    assert "nodes" in str(refused({"edges": []}))


def test_an_unsupported_node_type_is_named_with_its_id():
    raw = chain(start(out("q")), node("7", 1000, "Lambda", outputs=[out("x")]), end_vars())
    err = refused(raw)
    assert err.node_id == "7"
    assert "node type 1000 is not supported by the emulator" in str(err)


@pytest.mark.parametrize("kind", [7, 23, 1000])
def test_every_unsupported_type_is_refused(kind):
    err = refused(chain(start(), node("7", kind), end_vars()))
    assert "not supported by the emulator" in str(err) and err.node_id == "7"


def test_start_and_end_are_required():
    assert "exactly one start node" in str(refused(canvas([end_vars()], [])))
    assert "needs an end node" in str(refused(canvas([start()], [])))


def test_a_reference_to_a_missing_node():
    raw = chain(start(out("q")), end_vars(param("r", ref("555", "x"))))
    err = refused(raw)
    assert err.node_id == "900001"
    assert "there is no node 555" in str(err)


def test_a_reference_to_an_output_the_node_does_not_declare():
    raw = chain(start(out("q")), end_vars(param("r", ref("100001", "nope"))))
    err = refused(raw)
    assert "declares no output 'nope' (it declares q)" in str(err)


def test_a_reference_to_a_node_that_runs_later():
    raw = chain(start(out("q")), text_node("2", param("a", ref("3", "output"))), text_node("3"), end_vars())
    err = refused(raw)
    assert err.node_id == "2" and "does not run before it" in str(err)


def test_a_reference_without_a_node():
    raw = chain(start(out("q")), end_vars(param("r", ref("", ""))))
    assert "no node chosen" in str(refused(raw))


def test_a_cycle():
    nodes = [start(out("q")), text_node("2"), text_node("3"), end_vars()]
    raw = canvas(nodes, [edge("100001", "2"), edge("2", "3"), edge("3", "2"), edge("3", "900001")])
    err = refused(raw)
    assert "cycle" in str(err) and err.node_id in ("2", "3")


def test_a_disconnected_node():
    nodes = [start(out("q")), text_node("2"), end_vars()]
    err = refused(canvas(nodes, [edge("100001", "900001"), edge("2", "900001")]))
    assert err.node_id == "2" and "not connected: no path from the start node" in str(err)


def test_a_node_that_leads_nowhere():
    nodes = [start(out("q")), text_node("2"), end_vars()]
    err = refused(canvas(nodes, [edge("100001", "900001"), edge("100001", "2")]))
    assert err.node_id == "2" and "no edge leaves it" in str(err)


def test_an_edge_to_an_unknown_node():
    raw = canvas([start(), end_vars()], [edge("100001", "900001"), edge("100001", "42")])
    assert "unknown node 42" in str(refused(raw))


def test_type_mismatch_list_into_a_number():
    raw = chain(
        start(out("items", "list", {"type": "string"})),
        end_vars(param("n", ref("100001", "items", "integer"))),
    )
    err = refused(raw)
    assert err.node_id == "900001"
    assert "type mismatch: input n is declared integer but 100001.items is list<string>" in str(err)


def test_type_mismatch_inside_objects_and_lists():
    obj = out("o", "object", [out("n", "integer")])
    raw = chain(start(obj), end_vars(param("b", ref("100001", "o.n", "boolean"))))
    assert "100001.o.n is integer" in str(refused(raw))
    lists = chain(
        start(out("l", "list", {"type": "object"})),
        end_vars(param("b", ref("100001", "l", "list", {"type": "integer"}))),
    )
    assert "list<object>" in str(refused(lists))


def test_text_accepts_anything_and_numbers_mix():
    raw = chain(
        start(out("l", "list", {"type": "integer"}), out("f", "float")),
        end_vars(param("s", ref("100001", "l")), param("i", ref("100001", "f", "integer"))),
    )
    cv.load(raw)


def test_a_condition_port_that_does_not_exist():
    branches = [{"condition": {"logic": 2, "conditions": []}}]
    cond = node("5", 8, "If", inputs={"branches": branches})
    raw = canvas([start(), cond, end_vars()], [edge("100001", "5"), edge("5", "900001", "true_3")])
    err = refused(raw)
    assert err.node_id == "5" and "port 'true_3'" in str(err) and "'true', 'false'" in str(err)


def test_error_branch_ports_need_exception_branch_mode():
    code = node("5", 5, "Code", inputs={"language": 3, "code": "def main(args): return {}"}, outputs=[])
    raw = canvas([start(), code, end_vars()], [edge("100001", "5"), edge("5", "900001", "branch_error")])
    assert "branch_error" in str(refused(raw))
    code["data"]["inputs"]["settingOnError"] = {"processType": 3}
    cv.load(raw)


def loop_with(inner: Dict[str, Any]) -> Dict[str, Any]:
    body = [inner]
    loop = node(
        "20",
        21,
        "Loop",
        inputs={"loopType": "count", "loopCount": lit(2, "integer")},
        params=[],
        outputs=[],
        blocks=body,
        edges=[
            edge("20", inner["id"], "loop-function-inline-output"),
            edge(inner["id"], "20", "", "loop-function-inline-input"),
        ],
    )
    return chain(start(), loop, end_vars())


def test_questions_inside_loops_load_but_nested_loops_are_refused():
    q = node("21", 18, "Ask", inputs={"question": "?", "answer_type": "text"}, outputs=[out("USER_RESPONSE")])
    cv.load(loop_with(q))
    in_batch = loop_with(q)
    in_batch["nodes"][1]["type"] = "28"
    cv.load(in_batch)
    inner_loop = node("22", 21, "Inner", inputs={"loopType": "count"}, blocks=[], edges=[])
    assert "cannot be nested" in str(refused(loop_with(inner_loop)))


def test_break_outside_a_loop():
    raw = chain(start(), node("3", 19, "Break"), end_vars())
    assert "belongs inside a loop" in str(refused(raw))


def test_a_body_reference_to_the_loop_must_name_what_it_offers():
    inner = node(
        "21",
        15,
        "T",
        inputs={"method": "concat", "concatParams": [param("concatResult", lit("x"))]},
        params=[param("a", ref("20", "item"))],
        outputs=[out("output")],
    )
    err = refused(loop_with(inner))
    assert err.node_id == "21" and "offers only index" in str(err)


def test_bad_settings():
    bad_code = node("5", 5, "Code", inputs={"language": 9, "code": ""})
    assert "not 3 (Python) or 5 (JavaScript)" in str(refused(chain(start(), bad_code, end_vars())))
    bad_text = node("5", 15, "T", inputs={"method": "reverse"})
    assert "concat or split" in str(refused(chain(start(), bad_text, end_vars())))
    bad_end = node("900001", 2, "End", inputs={"terminatePlan": "shout"})
    assert "terminatePlan" in str(refused(chain(start(), bad_end)))
    no_branches = node("5", 8, "If", inputs={"branches": []})
    assert "at least one branch" in str(refused(chain(start(), no_branches, end_vars())))


def test_comments_are_ignored_and_duplicate_ids_refused():
    raw = chain(start(), end_vars())
    raw["nodes"].append(node("77", 31, "Note", inputs={"note": "hi", "schemaType": "slate"}))
    cv.load(raw)
    raw["nodes"].append(node("77", 31, "Again"))
    assert "two nodes have this id" in str(refused(raw))


def test_looks_like_canvas():
    assert cv.looks_like_canvas(chain(start(), end_vars()))
    assert not cv.looks_like_canvas({"name": "x", "nodes": [{"id": "a", "type": "start"}]})
    assert not cv.looks_like_canvas({"nodes": []})
