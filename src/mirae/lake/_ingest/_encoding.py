"""Text encodings: detect them from a sample and transcode to UTF-8 in chunks.

DuckDB reads UTF-8 only (other encodings need an extension it would download),
so a CP949/EUC-KR file from Korean Excel, or an xz/bz2 compressed file, is
first streamed into a temporary UTF-8 file.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
from pathlib import Path

from mirae.errors import EncodingError

SAMPLE_BYTES = 1 << 16
_CHUNK = 1 << 20
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_KOREAN = ("cp949", "euc_kr", "euc-kr", "johab", "iso2022_kr")


def open_binary(path: Path, compression: str | None) -> io.BufferedIOBase:
    """Open ``path`` for reading bytes, decompressing gzip, xz or bz2 on the fly."""
    if compression == "gzip":
        return gzip.open(path, "rb")
    if compression == "xz":
        return lzma.open(path, "rb")
    if compression == "bz2":
        return bz2.open(path, "rb")
    return path.open("rb")


def read_sample(path: Path, compression: str | None, size: int = SAMPLE_BYTES) -> bytes:
    """Return the first ``size`` bytes of the (decompressed) file."""
    with open_binary(path, compression) as handle:
        return handle.read(size)


def canonical(encoding: str) -> str:
    """Return Python's name for an encoding, e.g. ``'CP949'`` -> ``'cp949'``."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        msg = (
            f"unknown encoding {encoding!r}; use a name Python knows, such as "
            "'utf-8', 'utf-8-sig', 'cp949', 'euc-kr' or 'latin-1'."
        )
        raise EncodingError(msg) from None


def _utf8_counts(sample: bytes) -> tuple[int, int]:
    """Return (non-ASCII characters that decode, undecodable spots) for UTF-8."""
    text = sample.decode("utf-8", errors="replace")
    # a multibyte sequence cut by the end of the sample is not an error
    tail = text.rstrip("\ufffd")
    cut = len(text) - len(tail)
    bad = text.count("\ufffd") - (cut if cut <= 3 else 0)
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return good, bad


def _hangul_share(text: str) -> float:
    wide = [ch for ch in text if ord(ch) > 127]
    if not wide:
        return 0.0
    return sum(1 for ch in wide if "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e") / len(wide)


def _decodes(sample: bytes, encoding: str) -> str | None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return None


def detect_encoding(sample: bytes, *, label: str) -> tuple[str, list[str]]:
    """Return the encoding of a text sample and the encodings tried before it.

    The order: a byte-order mark; strict UTF-8; CP949 when the sample decodes
    in it and is mostly Hangul (Korean Excel exports); then charset-normalizer.

    Raises
    ------
    EncodingError
        When the sample is UTF-8 with a few broken bytes, or no encoding fits.
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name, []
    tried = ["utf-8"]
    good, bad = _utf8_counts(sample)
    if bad == 0:
        return "utf-8", []
    if good > bad:
        # mostly valid UTF-8 with some broken bytes: a damaged UTF-8 file
        raise undecodable_error(sample, "utf-8", label=label, tried=tried)
    tried.append("cp949")
    text = _decodes(sample, "cp949")
    if text is not None and _hangul_share(text) >= 0.5:
        return "cp949", tried
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is not None:
        name = canonical(best.encoding)
        if name in _KOREAN:
            name = "cp949"  # a superset of EUC-KR; Korean Windows writes it
        if _decodes(sample, name) is not None:
            return name, tried
        tried.append(name)
    raise undecodable_error(sample, "utf-8", label=label, tried=tried)


def undecodable_error(
    data: bytes,
    encoding: str,
    *,
    label: str,
    tried: list[str],
    offset_before: int = 0,
    lines_before: int = 0,
) -> EncodingError:
    """Return the :class:`EncodingError` for the first bytes of ``data`` that do not decode."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        position = exc.start
    else:  # pragma: no cover - callers pass data that fails
        position = len(data)
    line = lines_before + data[:position].count(b"\n") + 1
    offset = offset_before + position
    bad = data[position : position + 4]
    tried_text = ", ".join(dict.fromkeys(tried + [encoding]))
    msg = (
        f"{label}: the bytes {bad!r} at line {line} (byte offset {offset}) are not valid {encoding}; "
        f"encodings tried: {tried_text}. If you know the file's encoding pass it, e.g. "
        "encoding='cp949' for Korean Excel exports or encoding='latin-1'; otherwise re-save the file as UTF-8."
    )
    return EncodingError(msg)


def transcode_to_utf8(
    path: Path,
    dest: Path,
    *,
    compression: str | None,
    encoding: str,
    label: str,
    tried: list[str],
    max_records: int | None = None,
) -> None:
    """Stream ``path`` (decompressed, decoded) into ``dest`` as UTF-8 without a BOM.

    Parameters
    ----------
    max_records : int, optional
        Stop after this many CSV records (a newline outside double quotes ends a
        record), so a slice of a large file costs only that slice.

    Raises
    ------
    EncodingError
        Naming the line and byte offset of the first bytes that do not decode.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    fed = 0
    newlines = 0
    records = 0
    in_quotes = False
    first = True
    with open_binary(path, compression) as src, dest.open("w", encoding="utf-8", newline="") as out:
        while True:
            chunk = src.read(_CHUNK)
            final = not chunk
            pending = _pending(decoder)
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError:
                raise undecodable_error(
                    pending + chunk,
                    encoding,
                    label=label,
                    tried=tried,
                    offset_before=fed - len(pending),
                    lines_before=newlines - pending.count(b"\n"),
                ) from None
            fed += len(chunk)
            newlines += chunk.count(b"\n")
            if first and text:
                text = text.removeprefix("\ufeff")
                first = False
            if max_records is None:
                out.write(text)
            else:
                text, records, in_quotes, done = _take_records(text, records, in_quotes, max_records)
                out.write(text)
                if done:
                    return
            if final:
                return


def _pending(decoder: codecs.IncrementalDecoder) -> bytes:
    try:
        state = decoder.getstate()
    except (AttributeError, NotImplementedError):  # pragma: no cover - every stdlib codec has it
        return b""
    return state[0] if isinstance(state[0], bytes) else b""


def _take_records(text: str, records: int, in_quotes: bool, limit: int) -> tuple[str, int, bool, bool]:
    """Return the prefix of ``text`` that completes at most ``limit`` records."""
    position = 0
    while True:
        newline = text.find("\n", position)
        if newline < 0:
            if text.count('"', position) % 2:
                in_quotes = not in_quotes
            return text, records, in_quotes, False
        if text.count('"', position, newline) % 2:
            in_quotes = not in_quotes
        position = newline + 1
        if not in_quotes:
            records += 1
            if records >= limit:
                return text[:position], records, in_quotes, True
