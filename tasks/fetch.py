"""Fetching pages over HTTP: polite, conditional, capped, retried only when retrying can help."""

from __future__ import annotations

import contextlib
import email.utils
import random
import threading
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests
import requests.auth
from urllib3.exceptions import DecodeError, HTTPError, ProtocolError, ReadTimeoutError

from tasks.guard import Reach, UnsafeAddress, check_address, guarded_adapter
from tasks.records import Failure, Locator, NotModified, Payload, Prior
from tasks.sniff import refuse_body
from tasks.sources import FetchConfig

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
XML_TYPES = frozenset(
    {
        "application/xml",
        "text/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/x-gzip",
        "application/gzip",
        "application/octet-stream",
        "text/plain",
        "text/html",
    }
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024
# An unread body up to this size is read out so that its connection can serve the next request.
DRAIN = 64 * 1024
# How long a host's address, once checked, is trusted before the next request re-checks it.
VETTED_FOR = 60.0
REACHES: tuple[Reach, ...] = ("public", "private", "any")


class Fetcher:
    """HTTP sessions for a run (one per address reach), per-host pacing and a robots.txt cache."""

    def __init__(
        self,
        config: FetchConfig,
        user_agent: str,
        pool_size: int = 16,
        sources_file: str = "the sources file",
    ):
        self.config = config
        self.user_agent = user_agent
        self.sources_file = sources_file  # named in messages about what it says
        self._sessions = {reach: _session(reach, user_agent, pool_size) for reach in REACHES}
        self._hosts = HostPacer()
        self._robots: dict[str, RobotFileParser | Failure] = {}
        self._robots_lock = threading.Lock()
        # (host, port, reach) -> until when its address passed the check before each request.
        # The connection makes its own check when it connects (tasks.guard), so a pooled one
        # reused for the next page needs no fresh lookup each time.
        self._vetted: dict[tuple[str, int, Reach], float] = {}

    def close(self) -> None:
        """Release pooled connections."""
        for session in self._sessions.values():
            session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(
        self,
        locator: Locator,
        prior: Prior | None = None,
        *,
        delay: float = 0.0,
        robots: bool = True,
        reach: Reach = "private",
        accept: frozenset[str] = PAGE_TYPES,
    ) -> Payload | NotModified | Failure:
        """Fetch one URL, retrying transient failures with backoff; never raises for HTTP trouble.

        `reach` says which addresses the URL and every redirect may resolve to (see tasks.guard);
        page bodies (the default `accept`) that are empty or binary are refused here.
        """
        headers = {}
        if prior and prior.etag:
            headers["If-None-Match"] = prior.etag
        if prior and prior.last_modified:
            headers["If-Modified-Since"] = prior.last_modified
        if robots:
            refusal = self._robots_refusal(locator, delay, reach)
            if refusal is not None:
                return refusal
        attempt = 0
        while True:
            result, retry_after = self._attempt(locator, headers, delay, reach, accept)
            if not isinstance(result, Failure) or result.error_class == "terminal":
                return result
            if attempt >= self.config.retries:
                return result
            wait = self._backoff(attempt, retry_after)
            if wait is None:
                return result
            time.sleep(wait)
            attempt += 1

    def _backoff(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before the next attempt, or None when the server asks for too long."""
        cap = self.config.max_backoff
        if retry_after is not None:
            return None if retry_after > cap else retry_after
        base = self.config.backoff * (2**attempt)
        return min(cap, base * (0.5 + random.random()))

    def _attempt(
        self,
        locator: Locator,
        headers: dict[str, str],
        delay: float,
        reach: Reach,
        accept: frozenset[str],
    ) -> tuple[Payload | NotModified | Failure, float | None]:
        cfg = self.config
        session = self._sessions[reach]
        started = time.monotonic()
        fetched_at = datetime.now(UTC)
        url = locator.address
        seen: list[str] = []
        try:
            while True:
                bad = self._refuse_url(url, reach)
                if bad:
                    return _fail(locator, "terminal", *bad, final_url=url), None
                self._hosts.wait(urlsplit(url).netloc, delay)
                response = session.get(
                    url,
                    headers=headers,
                    stream=True,
                    allow_redirects=False,
                    timeout=(cfg.connect_timeout, cfg.read_timeout),
                )
                if response.status_code in REDIRECTS and "location" in response.headers:
                    _done(response, started + cfg.total_timeout)
                    seen.append(url)
                    url = urljoin(url, response.headers["location"])
                    if url in seen:
                        return _fail(
                            locator,
                            "terminal",
                            "redirect_loop",
                            f"redirects loop back to {url} after {len(seen)} hops",
                            final_url=url,
                        ), None
                    if len(seen) > cfg.max_redirects:
                        return _fail(
                            locator,
                            "terminal",
                            "too_many_redirects",
                            f"more than {cfg.max_redirects} redirects; last was to {url}",
                            final_url=url,
                        ), None
                    continue
                break
            try:
                return self._read(locator, response, url, fetched_at, started, accept)
            finally:
                _done(response, started + cfg.total_timeout)
        except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as exc:
            return _connection_failure(locator, exc, cfg.read_timeout, url), None
        except UnsafeAddress as exc:
            message = exc.explain(self.sources_file)
            return _fail(locator, "terminal", "unsafe_address", message, final_url=url), None
        except requests.exceptions.InvalidURL as exc:
            return _fail(
                locator,
                "terminal",
                "invalid_url",
                f"not a usable URL ({_short(exc)})",
                final_url=url,
            ), None
        except requests.exceptions.RequestException as exc:
            return _fail(locator, "transient", "request_error", _short(exc), final_url=url), None

    def _read(
        self,
        locator: Locator,
        response: requests.Response,
        url: str,
        fetched_at: datetime,
        started: float,
        accept: frozenset[str],
    ) -> tuple[Payload | NotModified | Failure, float | None]:
        cfg = self.config
        status = response.status_code
        etag = response.headers.get("etag")
        last_modified = response.headers.get("last-modified")
        if status == 304:
            elapsed = (time.monotonic() - started) * 1000
            return NotModified(locator, fetched_at, url, etag, last_modified, elapsed), None
        if status == 429 or status >= 500:
            return _fail(
                locator,
                "transient",
                f"http_{status}",
                _status_message(status, response.reason),
                status,
                url,
            ), _retry_after(response.headers.get("retry-after"))
        if status >= 400:
            return _fail(
                locator,
                "terminal",
                f"http_{status}",
                _status_message(status, response.reason),
                status,
                url,
            ), None
        if status != 200:
            return _fail(
                locator,
                "terminal",
                f"http_{status}",
                _status_message(status, response.reason),
                status,
                url,
            ), None
        media_type, charset = parse_content_type(response.headers.get("content-type"))
        if media_type and media_type not in accept:
            return _fail(
                locator,
                "terminal",
                "unsupported_type",
                f"Content-Type is {media_type}; only {', '.join(sorted(accept & PAGE_TYPES) or accept)} "
                "are ingested",
                status,
                url,
            ), None
        declared_length = response.headers.get("content-length", "")
        if declared_length.isdigit() and int(declared_length) > cfg.max_bytes:
            return _too_large(locator, cfg.max_bytes, status, url), None
        body = _read_body(response, started, cfg)
        if isinstance(body, tuple):
            error_class, reason, message = body
            return _fail(locator, error_class, reason, message, status, url), None  # type: ignore[arg-type]
        served_as = f"served as {media_type}" if media_type else None
        if accept == PAGE_TYPES and (refusal := refuse_body(body, served_as)):
            return _fail(locator, "terminal", *refusal, status, url), None
        data = body
        elapsed = (time.monotonic() - started) * 1000
        return Payload(
            locator=locator,
            body=data,
            fetched_at=fetched_at,
            media_type=media_type,
            declared_charset=charset,
            final_url=url,
            http_status=status,
            etag=etag,
            last_modified=last_modified,
            elapsed_ms=elapsed,
        ), None

    def _refuse_url(self, url: str, reach: Reach) -> tuple[str, str] | None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return (
                "unsupported_scheme",
                f"only http and https are fetched, not {parts.scheme or 'no'}: {url}",
            )
        if not parts.hostname:
            return "invalid_url", f"the URL has no host: {url}"
        key = (parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), reach)
        if self._vetted.get(key, 0.0) < time.monotonic():
            check_address(*key)  # raises UnsafeAddress
            self._vetted[key] = time.monotonic() + VETTED_FOR
        return None

    def _robots_refusal(self, locator: Locator, delay: float, reach: Reach) -> Failure | None:
        parts = urlsplit(locator.address)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            rules = self._robots.get(origin)
        if rules is None:
            rules = self._load_robots(locator, origin, delay, reach)
            with self._robots_lock:
                self._robots[origin] = rules
        if isinstance(rules, Failure):
            return Failure(locator, "fetch", rules.error_class, rules.reason, rules.message)
        if not rules.can_fetch(self.user_agent, locator.address):
            return _fail(
                locator,
                "terminal",
                "robots_disallowed",
                f"{origin}/robots.txt disallows this URL for our User-Agent; "
                "set 'robots: false' on the source only if you have the site's permission",
            )
        return None

    def _load_robots(
        self, locator: Locator, origin: str, delay: float, reach: Reach
    ) -> RobotFileParser | Failure:
        robots_url = f"{origin}/robots.txt"
        rules = RobotFileParser(robots_url)
        probe = Locator(locator.source, "http", robots_url, robots_url, "", "robots")
        result, _ = self._attempt(probe, {}, delay, reach, frozenset({"text/plain", "text/html"}))
        if isinstance(result, Payload):
            rules.parse(result.body.decode("utf-8", "replace").splitlines())
        elif isinstance(result, Failure) and (
            result.error_class == "transient" and result.reason.startswith("http_5")
        ):
            # RFC 9309: a server error on robots.txt means assume everything is disallowed, for now.
            return _fail(
                locator,
                "transient",
                "robots_unavailable",
                f"{robots_url} answered with a server error; retry later",
            )
        else:
            rules.parse([])  # missing, unreachable or refused robots.txt: no restrictions
        return rules


class HostPacer:
    """Keeps at least `delay` seconds between the starts of two requests to one host."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, delay: float) -> None:
        """Block until a request to `host` may start."""
        if delay <= 0:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + delay
        if start > now:
            time.sleep(start - now)


def parse_content_type(header: str | None) -> tuple[str | None, str | None]:
    """Media type and charset from a Content-Type header."""
    if not header:
        return None, None
    parts = [p.strip() for p in header.split(";")]
    media_type = parts[0].lower() or None
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media_type, charset


def _done(response: requests.Response, deadline: float) -> None:
    """Give the connection back for the next request, or close it if its body is not done.

    A body read to its end has already given it back. A short one left unread (a 304, a
    redirect, an error page) is read out first, within the fetch's deadline, because
    closing the response closes the connection: a re-run of 304s would connect afresh for
    every page.
    """
    length = response.headers.get("content-length", "")
    unread = response.status_code != 200 and length.isdigit() and int(length) <= DRAIN
    if unread or response.status_code in (204, 304):
        with contextlib.suppress(requests.exceptions.RequestException, HTTPError, OSError):
            while time.monotonic() < deadline and response.raw.read1(CHUNK):
                pass
    response.close()


class _NoCredentials(requests.auth.AuthBase):
    """Sends nothing: without an auth, requests reads ~/.netrc on every request (a tenth of
    a 304's cost here) and would send a person's stored credentials to the sites crawled."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


class _Session(requests.Session):
    """A session that reads proxies and CA bundle from the environment once per origin.

    requests reads them for every request, walking the whole environment twice: a quarter
    of a 304's cost here. A run's environment does not change, and which proxy applies
    (NO_PROXY included) depends only on the scheme and host, so the first answer for an
    origin holds for the run.
    """

    def __init__(self) -> None:
        super().__init__()
        self._environment: dict[tuple[str, str], dict[str, Any]] = {}

    def merge_environment_settings(  # type: ignore[override]
        self, url: str, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        if proxies or verify is not None or cert is not None:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        parts = urlsplit(url)
        origin = (parts.scheme, parts.netloc)
        settings = self._environment.get(origin)
        if settings is None:
            settings = super().merge_environment_settings(url, {}, None, None, None)
            self._environment[origin] = settings
        return {
            **settings,
            "proxies": dict(settings["proxies"]),
            "stream": requests.sessions.merge_setting(stream, self.stream),
        }


def _session(reach: Reach, user_agent: str, pool_size: int) -> requests.Session:
    session = _Session()
    session.auth = _NoCredentials()
    session.headers.update(
        {
            "User-Agent": user_agent,
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
            "Accept-Language": "zh-CN,zh;q=0.9,zh-TW;q=0.8",
            "Accept-Encoding": "gzip, deflate",
        }
    )
    adapter = guarded_adapter(reach, pool_size)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _read_body(
    response: requests.Response, started: float, cfg: FetchConfig
) -> bytes | tuple[str, str, str]:
    """The decoded body, or (class, reason, message) when it breaks a limit or the connection.

    read1 returns whatever has arrived, so a server dripping bytes just under the read
    timeout still meets the deadline; urllib3 decompresses at most CHUNK bytes per call,
    so the cap also bounds what a compression bomb can inflate to.
    """
    encoded = response.headers.get("content-encoding", "").strip().lower()
    after = f" after {encoded} decompression" if encoded and encoded != "identity" else ""
    cap, limit = cfg.max_bytes, cfg.total_timeout
    deadline = started + limit
    body = bytearray()
    try:
        while chunk := response.raw.read1(CHUNK, decode_content=True):
            body += chunk
            if len(body) > cap:
                return (
                    "terminal",
                    "too_large",
                    f"the body is larger than the {cap:,}-byte cap{after} "
                    "(fetch.max_bytes in sources.yaml)",
                )
            if time.monotonic() > deadline:
                return (
                    "transient",
                    "total_timeout",
                    f"the body was still arriving after {limit:g} s "
                    f"({len(body):,} bytes so far; fetch.total_timeout in sources.yaml)",
                )
    except ReadTimeoutError:
        return (
            "transient",
            "read_timeout",
            f"the server stopped sending for more than {cfg.read_timeout:g} s after "
            f"{len(body):,} bytes of the body (fetch.read_timeout in sources.yaml)",
        )
    except DecodeError as exc:
        return (
            "terminal",
            "bad_content_encoding",
            f"the body is not valid {encoded or 'encoded'} data as its Content-Encoding says "
            f"({_short(exc)})",
        )
    except (ProtocolError, OSError) as exc:
        return (
            "transient",
            "connection_reset",
            f"the connection broke after {len(body):,} bytes of the body ({_short(exc)})",
        )
    return bytes(body)


def _connection_failure(
    locator: Locator, exc: requests.exceptions.RequestException, read_timeout: float, url: str
) -> Failure:
    """A connection-level failure, classified by what the person reading it can do about it."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return _fail(
            locator, "transient", "connect_timeout", "could not connect in time", final_url=url
        )
    if isinstance(exc, requests.exceptions.ReadTimeout) or "timed out" in str(exc):
        return _fail(
            locator,
            "transient",
            "read_timeout",
            f"the server sent nothing for more than {read_timeout:g} s "
            "(fetch.read_timeout in sources.yaml)",
            final_url=url,
        )
    if isinstance(exc, requests.exceptions.ChunkedEncodingError) or "reset" in str(exc).lower():
        return _fail(
            locator,
            "transient",
            "connection_reset",
            f"the server closed the connection ({_short(exc)})",
            final_url=url,
        )
    return _fail(
        locator,
        "transient",
        "connection_error",
        f"could not reach the server ({_short(exc)})",
        final_url=url,
    )


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _status_message(status: int, reason: str | None) -> str:
    """What a status other than 200 or 304 means for the page, and what to do about it."""
    said = f"the server answered {status} {reason or ''}".rstrip()
    if status in (404, 410):
        return (
            f"{said}: the page is gone or its URL is wrong. Correct the URL where it is listed "
            "(the sources file, or the sitemap or feed that named it), or remove it"
        )
    if status in (401, 403):
        return (
            f"{said}: the site refuses this page to the pipeline (a login, or a block on "
            "crawlers). Remove the URL, or ask the site's owner for access (fetch.contact)"
        )
    if status == 429:
        return f"{said}: the site asks for fewer requests. Retried; raise the source's delay"
    if status >= 500:
        return f"{said}: the site has a problem of its own. Retried, and again on the next run"
    check = "Check the URL; `ingest extract URL` shows what the server sends"
    if status >= 400:
        return f"{said}: the site refused the request. {check}"
    return f"{said} instead of the page (200). {check}"


def _fail(
    locator: Locator,
    error_class: str,
    reason: str,
    message: str,
    http_status: int | None = None,
    final_url: str | None = None,
) -> Failure:
    return Failure(locator, "fetch", error_class, reason, message, http_status, final_url)  # type: ignore[arg-type]


def _too_large(locator: Locator, cap: int, status: int, url: str) -> Failure:
    return _fail(
        locator,
        "terminal",
        "too_large",
        f"the body is larger than the {cap:,}-byte cap (fetch.max_bytes in sources.yaml)",
        status,
        url,
    )


def _short(exc: BaseException) -> str:
    """The innermost reason urllib3 and requests wrapped, e.g. 'Connection reset by peer'."""
    inner: BaseException = exc
    for _ in range(
        5
    ):  # ProtocolError(msg, ConnectionResetError(…)), DecodeError(msg, zlib.error(…))
        nested = [a for a in inner.args if isinstance(a, BaseException)]
        if not nested:
            break
        inner = nested[-1]
    if isinstance(inner, OSError) and inner.strerror:
        text = inner.strerror
    else:
        text = str(inner) or type(inner).__name__
    return text if len(text) < 200 else text[:197] + "…"
