"""Document identity: canonical locators and the ids derived from them."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from tasks.records import Locator

# Query parameters that track a click rather than name a page.
TRACKING_PARAMS = frozenset(
    {
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "utm_id",
        "gclid",
        "fbclid",
        "msclkid",
        "spm",
        "from",
        "isappinstalled",
        "share_token",
        "scene",
        "clicktime",
        "enterid",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """Normalise a URL so one page has one spelling.

    Lower-cases scheme and host, drops the default port, the fragment and
    tracking parameters, sorts the remaining query, and re-quotes the path.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii") if host else host
    port = parts.port
    netloc = host
    if port and DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    path = quote(_without_dot_segments(unquote(parts.path)), safe="/:@!$&'()*+,;=-._~%") or "/"
    query_items = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS
    ]
    query = urlencode(sorted(query_items), doseq=True)
    return urlunsplit((scheme, netloc, path, query, ""))


def document_id(canonical: str) -> str:
    """The document id: a short stable hash of the canonical locator."""
    return hashlib.blake2b(canonical.encode(), digest_size=8).hexdigest()


def _without_dot_segments(path: str) -> str:
    """`/news/./a.html` and `/x/../news/a.html` as `/news/a.html` (RFC 3986, 5.2.4)."""
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for segment in segments:
        if segment == "..":
            if len(out) > 1:
                out.pop()
        elif segment != ".":
            out.append(segment)
    if segments[-1] in (".", ".."):
        out.append("")  # `/news/.` is the directory `/news/`
    return "/".join(out)


def is_web_address(text: str) -> bool:
    """True for an http(s) URL, whatever the case of its scheme (`HTTP://…` is one too)."""
    return text.strip()[:8].lower().startswith(("http://", "https://"))


def url_locator(source: str, url: str, via: str = "list") -> Locator:
    """A locator for a page on the web."""
    canonical = canonical_url(url)
    return Locator(
        source=source,
        kind="http",
        address=url.strip(),
        canonical=canonical,
        document_id=document_id(canonical),
        via=via,
    )


def file_locator(source: str, root: Path, path: Path) -> Locator:
    """A locator for a local file: identity is the source name plus the path under its root."""
    resolved = path.resolve()
    return local_locator(source, resolved.relative_to(root.resolve()).as_posix(), str(resolved))


def local_locator(source: str, relative: str, address: str) -> Locator:
    """A local file's locator from its path under the source root and its resolved path."""
    canonical = f"{source}:{relative}"
    return Locator(
        source=source,
        kind="file",
        address=address,
        canonical=canonical,
        document_id=document_id(canonical),
        via="glob",
    )
