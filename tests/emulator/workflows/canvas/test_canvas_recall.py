"""Retrieval settings (top K, minimum score) of knowledge retrieval nodes and LLM knowledge skills, which
recall through the same code, through cozekit."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from cozekit.emulator import ThreadedEmulator
from cozekit.types.document import DocumentBase
from sync_or_async import Client, run

from .build import chain, end_vars, lit, load, node, out, param, ref, start

S = "100001"
STRONG = "Parrots say words and parrots copy the words they hear."
WEAK = "Cats sleep all day, unlike parrots."
OTHER = "Fish swim in the river."


async def _base(client: Client, emu: ThreadedEmulator) -> str:
    kb = await run(client.datasets.create(name="Animals", space_id=emu.workspace_id, format_type=0))
    files = [
        DocumentBase.build_local_file(t.encode(), name=f"{n}.txt")
        for n, t in enumerate([STRONG, WEAK, OTHER])
    ]
    docs = await run(client.datasets.documents.create(dataset_id=kb.dataset_id, document_bases=files))
    await run(
        client.datasets.wait_for_processing(
            dataset_id=kb.dataset_id, document_ids=docs, poll_interval=0.02, poll_timeout=20
        )
    )
    return str(kb.dataset_id)


def _retrieval(base: str, top_k: int, min_score: Optional[float]) -> Dict[str, Any]:
    settings = [
        param("datasetList", lit([base], "list", {"type": "string"})),
        param("topK", lit(top_k, "integer")),
        param("strategy", lit(20, "integer")),
    ]
    if min_score is not None:
        settings.append(param("minScore", lit(min_score, "float")))
    recall = node(
        "6001",
        6,
        "Search",
        inputs={"datasetParam": settings},
        params=[param("Query", ref(S, "q"))],
        outputs=[out("outputList", "list", {"type": "object", "schema": [out("output")]})],
    )
    hits = param("hits", ref("6001", "outputList", "list", {"type": "object", "schema": [out("output")]}))
    return chain(start(out("q")), recall, end_vars(hits))


async def _hits(client: Client, wf: str, q: str) -> List[str]:
    got = await run(client.workflows.runs.create(workflow_id=wf, parameters={"q": q}))
    return [h["output"] for h in got.parsed_data["hits"] or []]


async def test_a_retrieval_node_keeps_top_k_slices_and_drops_those_under_the_minimum_score(
    client: Client, emu: ThreadedEmulator
) -> None:
    base = await _base(client, emu)
    q = "what words do parrots say?"
    # full-text scores are BM25's (as Coze Studio's full-text search gives them): the strong slice
    # shares three words with the query, the weak one one word
    everything = await _hits(client, load(emu, _retrieval(base, 5, None), "all"), q)
    assert everything == [STRONG, WEAK]
    assert await _hits(client, load(emu, _retrieval(base, 1, None), "top1"), q) == [STRONG]
    assert await _hits(client, load(emu, _retrieval(base, 5, 5.0), "min4"), q) == [STRONG]
    assert await _hits(client, load(emu, _retrieval(base, 5, 0.5), "min05"), q) == [STRONG, WEAK]
    assert await _hits(client, load(emu, _retrieval(base, 5, 1000.0), "min1000"), q) == []


def _asking(base: str, setting: Dict[str, Any]) -> Dict[str, Any]:
    fc = {"knowledgeFCParam": {"knowledgeList": [{"id": base, "name": "Animals"}], "global_setting": setting}}
    llm = node(
        "3001",
        3,
        "Helper",
        inputs={
            "llmParam": [
                param("prompt", lit("{{q}}")),
                param("systemPrompt", lit("")),
                param("responseFormat", lit("0", "integer")),
            ],
            "fcParam": fc,
        },
        params=[param("q", ref(S, "q"))],
        outputs=[out("output")],
    )
    return chain(start(out("q")), llm, end_vars(param("answer", ref("3001", "output"))))


async def test_llm_knowledge_skills_apply_the_minimum_score(client: Client, emu: ThreadedEmulator) -> None:
    base = await _base(client, emu)
    no_recall = {"no_recall_reply_mode": 1, "no_recall_reply_customize_prompt": "Nothing found."}

    async def answer(setting: Dict[str, Any], name: str) -> str:
        wf = load(emu, _asking(base, {"top_k": 5, "search_mode": 20, **no_recall, **setting}), name)
        got = await run(
            client.workflows.runs.create(workflow_id=wf, parameters={"q": "what words do parrots say?"})
        )
        return str(got.parsed_data["answer"])

    found = "Helper (turn 1) found in the knowledge base: "
    assert await answer({"min_score": 0.5}, "low") == found + STRONG
    # a minimum over every slice's score: nothing is recalled, the no-recall reply is the model's slice
    assert await answer({"min_score": 1000.0}, "high") == found + "Nothing found."
    # a minimum between the two slices' scores keeps the better one
    assert await answer({"min_score": 5.0}, "between") == found + STRONG
    # with `top_k` 1, only the best slice can pass
    assert await answer({"top_k": 1, "min_score": 0.0}, "one") == found + STRONG
