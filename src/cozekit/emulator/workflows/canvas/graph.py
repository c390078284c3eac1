"""One level of a canvas (the top level, or the body of a loop or batch) as a graph."""

from __future__ import annotations

import dataclasses
from typing import Callable, Dict, Iterable, List, Optional, Set

from .model import COMMENT, Edge, Node

INLINE_OUT = ("loop-function-inline-output", "batch-function-inline-output")
"""The port a loop or batch node starts its body from."""
INLINE_IN = ("loop-function-inline-input", "batch-function-inline-input")
"""The port a body's last nodes connect back to."""


@dataclasses.dataclass
class Graph:
    nodes: List[Node]
    edges: List[Edge]
    """Edges between the level's own nodes (edges to and from the parent are in `entry` and `exits`)."""
    parent: Optional[Node] = None
    entry: List[str] = dataclasses.field(default_factory=list)
    """Body nodes the parent starts (loop and batch bodies)."""

    @property
    def by_id(self) -> Dict[str, Node]:
        return {n.id: n for n in self.nodes}

    def incoming(self, node_id: str) -> List[Edge]:
        return [e for e in self.edges if e.target == node_id]

    def outgoing(self, node_id: str) -> List[Edge]:
        return [e for e in self.edges if e.source == node_id]

    def order(self) -> List[Node]:
        """Nodes in a topological order (ties in listed order); raises ValueError naming a node of a cycle."""
        indegree = {n.id: 0 for n in self.nodes}
        for e in self.edges:
            indegree[e.target] += 1
        ready = [n for n in self.nodes if indegree[n.id] == 0]
        ordered: List[Node] = []
        by_id = self.by_id
        while ready:
            node = ready.pop(0)
            ordered.append(node)
            for e in self.outgoing(node.id):
                indegree[e.target] -= 1
                if indegree[e.target] == 0:
                    ready.append(by_id[e.target])
        if len(ordered) != len(self.nodes):
            stuck = next(n.id for n in self.nodes if n not in ordered)
            raise ValueError(stuck)
        return ordered

    def upstream(self, node_id: str) -> Set[str]:
        """Nodes with a path to `node_id` at this level."""
        return _spread([node_id], lambda n: (e.source for e in self.incoming(n)), set())

    def reachable(self, roots: List[str]) -> Set[str]:
        return _spread(roots, lambda n: (e.target for e in self.outgoing(n)), set(roots))


def _spread(roots: List[str], neighbours: Callable[[str], Iterable[str]], seen: Set[str]) -> Set[str]:
    """`seen` grown by every node reached from `roots` through `neighbours`."""
    todo = list(roots)
    while todo:
        for node in neighbours(todo.pop()):
            if node not in seen:
                seen.add(node)
                todo.append(node)
    return seen


def top_level(nodes: List[Node], edges: List[Edge]) -> Graph:
    ids = {n.id for n in nodes}
    own = [e for e in edges if e.source in ids and e.target in ids]
    return Graph([n for n in nodes if n.type != COMMENT], own)


def body(parent: Node) -> Graph:
    """The body of a loop or batch node."""
    ids = {n.id for n in parent.blocks}
    own = [e for e in parent.edges if e.source in ids and e.target in ids]
    entry = [e.target for e in parent.edges if e.source == parent.id and e.target in ids]
    return Graph([n for n in parent.blocks if n.type != COMMENT], own, parent, entry)
