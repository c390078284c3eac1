"""Optional dense embeddings from a sentence-transformers model that is already on this machine
(a local directory, or a model in the Hugging Face cache), loaded with `local_files_only`: the emulator
never downloads one. Without `sentence-transformers` or the model, retrieval is BM25 alone."""

from __future__ import annotations

import logging
import math
import os
from typing import Callable, List, Optional, Sequence

log = logging.getLogger("cozekit.emulator")
ENV_MODEL = "COZEKIT_EMULATOR_EMBEDDING_MODEL"
"""A model directory or cached model name; `off` disables embeddings."""
DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"

Embedder = Callable[[Sequence[str]], List[List[float]]]
"""Texts in, one vector per text out."""


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def model_name() -> Optional[str]:
    """The model to load, or None when embeddings are switched off."""
    configured = os.environ.get(ENV_MODEL, "").strip()
    if configured.lower() in ("off", "none", "0"):
        return None
    return configured or DEFAULT_MODEL


def load_embedder() -> Optional[Embedder]:
    """The local embedding model, or None (logged) when it is off, not installed or not on disk."""
    name = model_name()
    if name is None:
        return None
    try:
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
    except ImportError:
        log.info("knowledge: sentence-transformers is not installed; retrieval uses BM25 keywords only")
        return None
    try:
        model = SentenceTransformer(name, local_files_only=True)
    except Exception as exc:  # an optional extra: any failure means "no embeddings"
        log.warning("knowledge: embedding model %s is not available offline (%s); BM25 only", name, exc)
        return None
    log.info("knowledge: embedding retrieval enabled with %s", name)

    def embed(texts: Sequence[str]) -> List[List[float]]:
        return [[float(x) for x in v] for v in model.encode(list(texts))]

    return embed
