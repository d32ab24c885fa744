"""Reading exports back the way a user's tools would."""

import io
import re
import zipfile

import pytest

from annotations.exports.collect import ExportScope, collect_export
from annotations.exports.formats import FORMATS

EPUBCHECK = "/usr/bin/epubcheck"


def export(work, reader, fmt: str, **scope):
    record = collect_export(work=work, reader=reader, scope=ExportScope(**scope))
    return FORMATS[fmt].render(record)


def epub_text(data: bytes) -> str:
    """Every file of an EPUB as one text, for 'is this in there anywhere?' checks."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name).decode() for name in archive.namelist())


def markdown_unescape(text: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def skip_without_epubcheck():
    import shutil
    from pathlib import Path

    if not Path(EPUBCHECK).exists() or shutil.which("java") is None:
        pytest.skip("epubcheck is not installed (apt-get install epubcheck)")
