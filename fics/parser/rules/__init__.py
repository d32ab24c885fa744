"""Shared rules the readers apply: text units, headings, notes, scene breaks, emphasis,
Markdown marks, HTML blocks, language, word counts and character names."""
