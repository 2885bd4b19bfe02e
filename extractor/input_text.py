"""Article text: decoding the bytes of an article and the checks every article text passes.

Encodings. UTF-8, with or without a byte-order mark; UTF-16 and UTF-32 (little- or big-endian)
when they start with their byte-order mark. Anything else is refused; so is text that contains
NUL characters once decoded (a binary file). The byte limit is ``4 x max_chars + 4`` (the widest
encoding plus its byte-order mark). Text given as ``str`` (the library's entry points, a
sidecar's JSON) is refused when it holds a lone surrogate (``check_encodable``): Python lets such
a string exist, but no UTF-8 output can hold it.
"""

from __future__ import annotations

import codecs

from .errors import InputError
from .input_files import over_size_limit

__all__ = ["check_encodable", "check_text", "decode_article", "max_article_bytes", "size_hint"]

# UTF-32-LE's mark starts with UTF-16-LE's: the longer marks are tried first.
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32-LE"),
    (codecs.BOM_UTF32_BE, "UTF-32-BE"),
    (codecs.BOM_UTF8, "UTF-8"),
    (codecs.BOM_UTF16_LE, "UTF-16-LE"),
    (codecs.BOM_UTF16_BE, "UTF-16-BE"),
)


def check_encodable(value: str, *, field: str, where: str) -> str:
    """Refuse text holding a lone surrogate (U+D800–U+DFFF alone), which no UTF-8 output can hold.

    Python lets such a ``str`` exist (a broken ``\\ud800`` JSON escape, bytes decoded with
    ``errors="surrogateescape"``); writing it anywhere later would fail, far from its cause.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"{where}: {field} contains U+{ord(value[exc.start]):04X} at character {exc.start}, a lone "
            "surrogate that is not Unicode text and cannot be encoded as UTF-8 (a broken \\u escape, "
            "or bytes decoded with errors='surrogateescape'); decode the source correctly first"
        ) from None
    return value


def check_text(text: str, *, max_chars: int, where: str = "article") -> str:
    """Refuse text that cannot be an article; return it unchanged otherwise."""
    check_encodable(text, field="text", where=where)
    if "\x00" in text:
        raise InputError(f"{where}: contains NUL characters; this looks like a binary file, not an article")
    if not text.strip():
        raise InputError(f"{where}: is empty or only whitespace")
    if len(text) > max_chars:
        raise InputError(
            f"{where}: has {len(text)} characters, over the limit of {max_chars} "
            "(EXTRACTOR_MAX_ARTICLE_CHARS)"
        )
    return text


def max_article_bytes(max_chars: int) -> int:
    """The most bytes ``max_chars`` characters can take: 4 per character plus a byte-order mark."""
    return 4 * max_chars + 4


def size_hint(max_chars: int) -> str:
    return f" (4 per character of EXTRACTOR_MAX_ARTICLE_CHARS={max_chars}, plus a byte-order mark)"


def decode_article(data: bytes, *, max_chars: int, where: str = "article") -> str:
    """Decode UTF-8 (BOM optional) or BOM-marked UTF-16/UTF-32, and check the text."""
    limit = max_article_bytes(max_chars)
    if len(data) > limit:
        raise InputError(over_size_limit(where, len(data), limit) + size_hint(max_chars))
    bom, encoding = next(((bom, name) for bom, name in _BOMS if data.startswith(bom)), (b"", "UTF-8"))
    if not bom and b"\x00" in data:
        raise InputError(
            f"{where}: contains NUL bytes; this looks like a binary file (or UTF-16/UTF-32 without "
            "a byte-order mark), not an article"
        )
    try:
        text = data[len(bom) :].decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where}: is not valid {encoding} (byte {exc.start + len(bom)}); accepted are UTF-8, and "
            "UTF-16 or UTF-32 with a byte-order mark: convert it to UTF-8 first"
        ) from None
    return check_text(text, max_chars=max_chars, where=where)
