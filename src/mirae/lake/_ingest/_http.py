"""Files and JSON APIs over HTTP(S), fetched with the standard library."""

from __future__ import annotations

import base64
import binascii
import hashlib
import http.client
import json
import re
import urllib.error
import urllib.request
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlparse

from mirae.errors import ConfigError, IngestError, SourceNotFoundError

TIMEOUT_S = 60.0
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?', re.IGNORECASE)


def _open(url: str, timeout: float) -> Any:
    if urlparse(url).scheme.lower() not in ("http", "https"):
        msg = f"only http:// and https:// URLs can be fetched; got {url!r}."
        raise ConfigError(msg)
    request = urllib.request.Request(url, headers={"User-Agent": "mirae", "Accept": "*/*"})  # noqa: S310
    try:
        return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - scheme checked above
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 410):
            msg = f"{url} returned HTTP {exc.code} {exc.reason}: there is no file at that address. Check the URL."
            raise SourceNotFoundError(msg) from None
        msg = f"{url} returned HTTP {exc.code} {exc.reason}. Check the URL and that you may access it."
        raise IngestError(msg) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        msg = f"cannot fetch {url}: {reason}. Check the address and the network (timeout {timeout:g} s)."
        raise IngestError(msg) from None


def download(url: str, folder: Path, *, timeout: float = TIMEOUT_S) -> tuple[Path, str]:
    """Save the body of ``url`` in ``folder``; return the file and its Content-Type.

    The file keeps the URL's file name (so ``.csv.gz`` still says what it is).
    A body shorter than its ``Content-Length``, or one that does not match a
    checksum the server declares (``Content-MD5``, ``Digest``,
    ``Content-Digest`` / ``Repr-Digest`` with MD5 or SHA-256/512), is refused
    and its file removed: a cut download is never ingested.
    """
    name = PurePosixPath(urlparse(url).path).name or "download"
    target = folder / ("download-" + re.sub(r"[^\w.\-]", "_", name))
    try:
        with _open(url, timeout) as response, target.open("wb") as out:
            expected = _declared_length(response.headers)
            hashes = {
                algorithm: hashlib.new(algorithm) for algorithm, _ in _declared_digests(response.headers)
            }
            received = 0
            try:
                while chunk := response.read(1 << 20):
                    out.write(chunk)
                    received += len(chunk)
                    for digest in hashes.values():
                        digest.update(chunk)
            except (TimeoutError, OSError, http.client.HTTPException) as exc:
                msg = f"the download of {url} stopped after {received:,} bytes: {exc}. Try again, or a larger timeout=."
                raise IngestError(msg) from None
            if expected is not None and received != expected:
                msg = (
                    f"the download of {url} is incomplete: {received:,} of the {expected:,} bytes the server "
                    "announced arrived, so nothing was ingested. Try again; if it keeps failing, download the "
                    "file another way and ingest it from disk."
                )
                raise IngestError(msg)
            for algorithm, value in _declared_digests(response.headers):
                if hashes[algorithm].digest() != value:
                    msg = (
                        f"the download of {url} does not match the {algorithm.upper()} checksum the server "
                        "declared, so nothing was ingested: the file was damaged on the way. Try again."
                    )
                    raise IngestError(msg)
            content_type = response.headers.get("Content-Type", "") or ""
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target, content_type


def _declared_length(headers: Any) -> int | None:
    """The body length the server announced, unless a transfer coding changes it."""
    value = headers.get("Content-Length")
    if value is None or headers.get("Content-Encoding", "identity").lower() not in ("", "identity"):
        return None
    try:
        return int(value)
    except ValueError:
        return None


_ALGORITHMS = {"md5": "md5", "sha-256": "sha256", "sha-512": "sha512", "sha256": "sha256", "sha512": "sha512"}


def _declared_digests(headers: Any) -> list[tuple[str, bytes]]:
    """Checksums of the body a server declares, as (hashlib name, raw digest) pairs.

    ``Content-MD5`` (RFC 1864), ``Digest: sha-256=<base64>`` (RFC 3230) and
    ``Content-Digest`` / ``Repr-Digest: sha-256=:<base64>:`` (RFC 9530).
    Unknown algorithms and unreadable values are ignored.
    """
    found: dict[str, bytes] = {}
    if value := headers.get("Content-MD5"):
        _add_digest(found, "md5", value)
    for header in ("Digest", "Content-Digest", "Repr-Digest"):
        for part in (headers.get(header) or "").split(","):
            algorithm, _, value = part.strip().partition("=")
            name = _ALGORITHMS.get(algorithm.strip().lower())
            if name and value:
                _add_digest(found, name, value.strip().strip(":"))
    return sorted(found.items())


def _add_digest(found: dict[str, bytes], algorithm: str, value: str) -> None:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (ValueError, binascii.Error):
        return
    if len(raw) == hashlib.new(algorithm).digest_size:
        found[algorithm] = raw


def _get_json(url: str, timeout: float) -> tuple[Any, str | None]:
    with _open(url, timeout) as response:
        body = response.read()
        link = response.headers.get("Link")
    try:
        return json.loads(body.decode("utf-8-sig")), link
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        msg = f"{url} did not return JSON ({exc}). Check the URL, or pass format= for other files."
        raise IngestError(msg) from None


def fetch_pages(
    url: str,
    *,
    next_key: str = "next",
    record_path: str | list[str] | None = None,
    max_pages: int = 1000,
    timeout: float = TIMEOUT_S,
) -> tuple[list[Any], int]:
    """Follow a paginated JSON API and return all records and the page count.

    The next page is the value at ``next_key`` (dotted path, e.g.
    ``links.next``) in each page, or the ``Link: <...>; rel="next"`` header.
    Records are at ``record_path`` in each page (or the page itself when it is
    a list, or the page's only list value).
    """
    from mirae.lake._ingest._files import records_at

    records: list[Any] = []
    seen: set[str] = set()
    current: str | None = url
    pages = 0
    while current:
        if current in seen:
            msg = f"the API at {url} links back to a page already read ({current}); stopping would lose nothing."
            raise IngestError(msg)
        if pages >= max_pages:
            msg = f"the API at {url} has more than max_pages={max_pages} pages; pass a larger max_pages=."
            raise IngestError(msg)
        seen.add(current)
        page, link = _get_json(current, timeout)
        pages += 1
        records.extend(records_at(page, record_path, label=f"page {pages} of {url}"))
        following = _next_link(page, next_key, link)
        current = urljoin(current, following) if following else None
    return records, pages


def _next_link(page: Any, next_key: str, header: str | None) -> str | None:
    node: Any = page
    for key in next_key.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, str) and node:
        return node
    if header:
        found = _LINK_NEXT.search(header)
        if found:
            return found.group(1)
    return None
