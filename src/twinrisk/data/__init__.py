"""Stage 1 of the flow: the curated, cited tables in ``features/``."""
