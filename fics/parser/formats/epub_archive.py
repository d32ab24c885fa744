"""An EPUB's ZIP archive, read defensively: in memory only, sizes checked before reading,
paths normalised and kept inside the archive, encrypted (DRM) books refused.
"""

import io
import posixpath
import zipfile
import zlib
from urllib.parse import unquote, urlsplit

from ..model import ParseError
from ..rules.html_tree import find_all, parse_xml

# A story is a few megabytes; anything near these limits is a zip bomb, not a book.
MAX_TOTAL_SIZE = 200 * 1024 * 1024
MAX_ENTRIES = 10_000
# What the reader may unpack in all, counting a document each time it is read: the text of the
# longest stories is a few tens of megabytes, and a spine may list one document many times.
MAX_UNPACKED_SIZE = 64 * 1024 * 1024
# Text compresses about 3:1 to 10:1; a bomb compresses thousands to one.
MAX_RATIO = 100
# Below this size, a high ratio (a file of blank lines) is harmless in one member. The archive
# as a whole is held to the ratio from a quarter of that: twenty members just under the floor
# once unpacked a 46 KB book to a gigabyte of paragraphs.
_RATIO_FLOOR = 1024 * 1024
_ARCHIVE_RATIO_FLOOR = _RATIO_FLOOR // 4
_ENCRYPTED_FLAG = 0x1
# Font "obfuscation" (IDPF, Adobe) is not DRM: the text stays readable.
_FONT_OBFUSCATION = {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}
_FONT_SUFFIXES = (".otf", ".ttf", ".woff", ".woff2")

# What zipfile raises on damaged or hostile archives.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    OSError,
    EOFError,
    ValueError,
)


class EpubArchive:
    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except ZIP_ERRORS:
            raise ParseError("This EPUB's archive is damaged.") from None
        _check_sizes(infos)
        self._unpacked = 0
        self._entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = _normalised(info.filename)
            if name is not None and not info.is_dir():
                self._entries.setdefault(name, info)
        self._check_not_encrypted()

    def __contains__(self, path: str) -> bool:
        return path in self._entries

    def read(self, path: str) -> bytes:
        info = self._entries.get(path)
        if info is None:
            raise ParseError(f"This EPUB is missing a file it needs ({path}).")
        self._unpacked += info.file_size
        if self._unpacked > MAX_UNPACKED_SIZE:
            raise ParseError(
                f"This EPUB's text unpacks to more than {MAX_UNPACKED_SIZE // 1024 // 1024} MB; "
                "it cannot be a story."
            )
        try:
            with self._zip.open(info) as member:
                # Never more than the size checked up front, whatever the data claims.
                data = member.read(info.file_size + 1)
        except ZIP_ERRORS:
            raise ParseError("This EPUB's archive is damaged.") from None
        if len(data) > info.file_size:
            raise ParseError("This EPUB's archive is damaged.")
        return data

    def _check_not_encrypted(self) -> None:
        if "META-INF/rights.xml" in self._entries:
            raise ParseError("This EPUB is protected by DRM and cannot be imported.")
        if "META-INF/encryption.xml" in self._entries:
            encryption = parse_xml(self.read("META-INF/encryption.xml"), "encryption list")
            for encrypted in find_all(encryption, "encrypteddata"):
                methods = [m.get("Algorithm", "") for m in find_all(encrypted, "encryptionmethod")]
                targets = [r.get("URI", "") for r in find_all(encrypted, "cipherreference")]
                obfuscated_fonts = all(m in _FONT_OBFUSCATION for m in methods) and all(
                    target.lower().endswith(_FONT_SUFFIXES) for target in targets
                )
                if not obfuscated_fonts:
                    raise ParseError("This EPUB is encrypted (DRM) and cannot be imported.")
        if any(info.flag_bits & _ENCRYPTED_FLAG for info in self._entries.values()):
            raise ParseError("This EPUB is password-protected and cannot be imported.")


def resolve_href(base_path: str, href: str) -> str | None:
    """An href inside a document at `base_path` to a path in the archive, without its #fragment.

    None for links out of the book (http:, mailto:). A path that climbs out of the archive
    (`../../etc/passwd`) is refused: no honest book needs one.
    """
    parts = urlsplit(href.strip())
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        return base_path
    if path.startswith("/"):
        raise ParseError("This EPUB links to a file outside the book.")
    joined = _normalised(posixpath.join(posixpath.dirname(base_path), path))
    if joined is None:
        raise ParseError("This EPUB links to a file outside the book.")
    return joined


def _normalised(name: str) -> str | None:
    if "\x00" in name:
        return None
    path = posixpath.normpath(name.replace("\\", "/"))
    if path.startswith(("/", "../")) or path in {"..", "."}:
        return None
    return path


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise ParseError("This EPUB has too many files in it to be a story.")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_SIZE:
        raise ParseError("This EPUB unpacks to more than 200 MB; it cannot be a story.")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
            raise ParseError("This EPUB looks like a zip bomb and was not opened.")
    ratio = total // max(sum(info.compress_size for info in infos), 1)
    if total > _ARCHIVE_RATIO_FLOOR and ratio > MAX_RATIO:
        raise ParseError(
            f"This EPUB looks like a zip bomb (it unpacks to {ratio:,} times its size) "
            "and was not opened."
        )
