"""The knowledge pipeline without HTTP or storage: parsing, chunking, image captions, retrieval."""
