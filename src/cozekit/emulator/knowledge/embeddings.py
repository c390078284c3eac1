"""Optional dense embeddings: a sentence-transformers model shipped inside a PyPI package (or a local
directory named by `COZEKIT_EMULATOR_EMBEDDING_MODEL`), loaded offline. Never downloads."""

from __future__ import annotations

import logging
import math
import os
from typing import Callable, List, Optional, Sequence

log = logging.getLogger("cozekit.emulator")
ENV_MODEL = "COZEKIT_EMULATOR_EMBEDDING_MODEL"

Embedder = Callable[[Sequence[str]], List[List[float]]]
"""Texts in, one vector per text out."""


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def _model_dir() -> Optional[str]:
    configured = os.environ.get(ENV_MODEL, "").strip()
    if configured.lower() in ("off", "none", "0"):
        return None
    if configured:
        return configured
    try:
        import all_minilm_l6_v2  # type: ignore[import-not-found]  # ships the model inside the wheel
    except ImportError:
        return None
    return str(all_minilm_l6_v2.get_model_path())


def load_embedder() -> Optional[Embedder]:
    """A local embedding model, or None (logged once) when none is installed: BM25 alone then."""
    model_dir = _model_dir()
    if model_dir is None:
        log.info("knowledge: no local embedding model installed; retrieval uses BM25 keywords only")
        return None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

        model = SentenceTransformer(model_dir, local_files_only=True)
    except Exception as exc:  # an optional extra: any failure means "no embeddings"
        log.warning("knowledge: embedding model at %s not usable (%s); BM25 only", model_dir, exc)
        return None
    log.info("knowledge: embedding retrieval enabled with %s", model_dir)

    def embed(texts: Sequence[str]) -> List[List[float]]:
        return [list(map(float, v)) for v in model.encode(list(texts))]

    return embed
