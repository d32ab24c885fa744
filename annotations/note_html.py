"""The one place where a reader's note becomes HTML: Markdown, then bleach, nothing else.

Layered on purpose: markdown-it renders CommonMark with raw HTML switched off, bleach then keeps
only an allow-list (so even a Markdown renderer bug cannot smuggle markup through), and the
Content-Security-Policy forbids inline script as the last line. Only `render_note`'s output is
ever marked safe in a template.
"""

import bleach
from bleach.linkifier import Linker
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "blockquote", "ul", "ol", "li", "code", "pre", "a"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener ugc"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def _force_rel(attrs, new=False):
    attrs[(None, "rel")] = LINK_REL
    return attrs


_rel_setter = Linker(callbacks=[_force_rel], skip_tags={"pre", "code"}, parse_email=True)


def render_note(markdown: str) -> str:
    """Safe HTML for a note written in Markdown; "" for an empty note."""
    if not markdown.strip():
        return ""
    cleaned = _cleaner.clean(_markdown.render(markdown))
    return _rel_setter.linkify(cleaned).strip()
