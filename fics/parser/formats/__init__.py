"""Stage 2: one reader per source format, each text (or archive) to a ParsedWork."""
