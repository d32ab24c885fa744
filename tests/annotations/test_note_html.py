from html.parser import HTMLParser

import pytest

from annotations.note_html import ALLOWED_TAGS, render_note


def parse(html: str) -> list[tuple[str, dict]]:
    """Every element the browser would build from this HTML, with its attributes."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


def test_markdown_becomes_the_allowed_html():
    html = render_note("A **bold** _move_.\n\n> quoted\n\n- one\n- two\n\n`code`\n\n```\npre\n```")

    for element in [
        "<strong>bold</strong>",
        "<em>move</em>",
        "<blockquote>",
        "<li>one</li>",
        "<code>code</code>",
        "<pre><code>pre\n</code></pre>",
    ]:
        assert element in html


def test_links_keep_safe_protocols_and_get_rel():
    html = render_note("[site](https://example.org) and [mail](mailto:a@example.org)")

    assert '<a href="https://example.org" rel="nofollow noopener ugc">site</a>' in html
    assert 'href="mailto:a@example.org"' in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)><circle/></svg>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<a href="javascript:alert(1)">raw</a>',
        "<iframe src=https://example.org></iframe>",
        '<p style="background:url(javascript:alert(1))">x</p>',
    ],
)
def test_payloads_come_out_as_inert_text(payload):
    elements = parse(render_note(payload))

    for tag, attributes in elements:
        assert tag in ALLOWED_TAGS
        assert set(attributes) <= {"href", "rel", "title"}
        href = (attributes.get("href") or "").strip().lower()
        assert not href or href.startswith(("http:", "https:", "mailto:"))


def test_empty_note_is_empty():
    assert render_note("   \n") == ""
