"""Knowledge bases (datasets, documents, images): the backend, ingestion and recall, Coze's views of them,
the routes, and the pipeline without HTTP or storage (parsing, chunking, image captions, retrieval)."""
