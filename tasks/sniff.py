"""What a body really is: empty, or a binary format served or saved as a web page."""

from __future__ import annotations

# Magic numbers of formats that turn up behind text/html or in .html files.
BINARY_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"RIFF", "a RIFF media file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x7fELF", "an executable"),
)
_TEXT_BOMS = (b"\xff\xfe", b"\xfe\xff")


def refuse_body(data: bytes, served_as: str | None) -> tuple[str, str] | None:
    """(reason, message) when the bytes cannot be a page: empty, or a known binary format."""
    as_what = served_as or "with no declared type"
    if not data or data.isspace():
        return "empty_body", f"the body is empty ({len(data)} bytes, {as_what}); nothing to extract"
    for magic, name in BINARY_MAGIC:
        if data.startswith(magic):
            return "not_text", f"the body is {name}, not a web page ({as_what})"
    head = data[:1024]
    if b"\x00" in head and not head.startswith(_TEXT_BOMS):
        return "not_text", f"the body holds NUL bytes, so it is binary data, not text ({as_what})"
    return None
