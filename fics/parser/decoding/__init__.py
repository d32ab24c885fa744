"""Stage 1: bytes to clean text, and which reader understands the file."""
