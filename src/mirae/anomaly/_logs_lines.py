"""Log files as lines: decoding, the line layout (header fields, time, message) and timestamps.

A log line is a header (time, host, level, component, ...) and a free-text
message. :func:`parse_lines` splits each line with a *format*: a regular
expression with the named groups ``time`` and ``message`` (other named groups
become columns of their own, as in loghub's per-system formats), and parses
the time with a *time format* (``strptime`` codes, ``iso`` or ``epoch``).
Without a format, the layout that matches most of the first lines is chosen
from :data:`LOG_FORMATS` (ISO-8601 first). Templates are mined from the
message only, never from the header fields.

Nothing is dropped: a line that does not match the format, or whose time does
not parse, keeps its row with an empty time and a ``reason``; its message is
the whole line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mirae.errors import LogParseError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LOG_FORMATS", "LogFormat", "ParsedLines", "parse_lines", "read_log_lines", "resolve_format"]


@dataclass(frozen=True)
class LogFormat:
    """A line layout: a regex with named groups ``time`` and ``message``, and how to read the time.

    Parameters
    ----------
    pattern : str
        Regular expression matched against the whole line (``re.fullmatch``).
    time_format : str
        ``strptime`` codes (``%b %d %H:%M:%S``), ``iso`` (ISO-8601) or
        ``epoch`` (seconds since 1970).
    """

    pattern: str
    time_format: str = "iso"

    @property
    def year_less(self) -> bool:
        """The time carries no year (syslog's ``Jun 14 15:16:01``): the year comes from a setting."""
        return (
            self.time_format not in ("iso", "epoch")
            and "%Y" not in self.time_format
            and "%y" not in self.time_format
        )


_SYSLOG_TIME = r"(?P<time>[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2})"
#: The layouts mirae knows by name (``--format NAME``): ISO-8601 first, then common
#: layouts, then the loghub systems' (Zhu et al., 2023) header layouts.
LOG_FORMATS: dict[str, LogFormat] = {
    "iso": LogFormat(
        r"\[?(?P<time>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\]?,?\s+(?P<message>.*)"
    ),
    "apache": LogFormat(
        r"\[(?P<time>[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \d{4})\] \[(?P<level>\w+)\] (?P<message>.*)",
        "%a %b %d %H:%M:%S %Y",
    ),
    "syslog": LogFormat(
        _SYSLOG_TIME
        + r" (?P<host>\S+)\s+(?P<component>[^:]+?)(?:\[(?P<pid>\d+)\])?(?: \((?P<address>[^)]*)\))?: "
        r"(?P<message>.*)",
        "%b %d %H:%M:%S",
    ),
    "syslog_time": LogFormat(_SYSLOG_TIME + r"\s+(?P<message>.*)", "%b %d %H:%M:%S"),
    "bgl": LogFormat(
        r"(?P<label>\S+) (?P<epoch>\d+) (?P<date>\d{4}\.\d{2}\.\d{2}) (?P<node>\S+) "
        r"(?P<time>\d{4}-\d{2}-\d{2}-\d{2}\.\d{2}\.\d{2}\.\d+) (?P<node_repeat>\S+) (?P<type>\S+) "
        r"(?P<component>\S+) (?P<level>\S+) (?P<message>.*)",
        "%Y-%m-%d-%H.%M.%S.%f",
    ),
    "android": LogFormat(
        r"(?P<time>\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3})\s+(?P<pid>\d+)\s+(?P<tid>\d+) (?P<level>[VDIWEFA]) "
        r"(?P<component>[^:]*?): (?P<message>.*)",
        "%m-%d %H:%M:%S.%f",
    ),
    "hpc": LogFormat(
        r"(?P<log_id>\d+) (?P<node>\S+) (?P<component>\S+) (?P<state>\S+) (?P<time>\d{9,10}) (?P<flag>-?\d+) (?P<message>.*)",
        "epoch",
    ),
    "healthapp": LogFormat(
        r"(?P<time>\d{8}-\d{1,2}:\d{1,2}:\d{1,2}:\d{1,3})\|(?P<component>[^|]*)\|(?P<pid>[^|]*)\|(?P<message>.*)",
        "%Y%m%d-%H:%M:%S:%f",
    ),
    "proxifier": LogFormat(
        r"\[(?P<time>\d{2}\.\d{2} \d{2}:\d{2}:\d{2})\] (?P<program>.*?) - (?P<message>.*)", "%m.%d %H:%M:%S"
    ),
    "openstack": LogFormat(
        r"(?P<log_record>\S+) (?P<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+) (?P<pid>\d+) (?P<level>\w+) "
        r"(?P<component>\S+) \[(?P<addr>[^\]]*)\] (?P<message>.*)"
    ),
    "windows": LogFormat(
        r"(?P<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}), (?P<level>\w+)\s+(?P<component>\S+)\s+(?P<message>.*)"
    ),
}
#: Layouts tried, in this order, when no format is given (the first with most matches wins).
AUTO_ORDER = (
    "iso", "apache", "syslog", "syslog_time", "bgl", "android", "healthapp", "proxifier", "hpc", "openstack",
)  # fmt: skip
#: Lines looked at to choose a layout.
SNIFF_LINES = 200


def resolve_format(format: str | None, time_format: str | None = None) -> LogFormat | None:  # noqa: A002
    """The :class:`LogFormat` of a name in :data:`LOG_FORMATS` or of a regex (``None``: detect from the lines).

    Examples
    --------
    >>> resolve_format("apache").time_format
    '%a %b %d %H:%M:%S %Y'
    >>> resolve_format(r"(?P<time>\\S+) (?P<message>.*)", "epoch").time_format
    'epoch'
    """
    if format is None:
        if time_format is not None:
            msg = f"a time format ({time_format!r}) was given without --format; give the line's regex too."
            raise LogParseError(msg)
        return None
    known = LOG_FORMATS.get(format.strip().lower())
    if known is not None:
        return known if time_format is None else LogFormat(known.pattern, time_format)
    try:
        compiled = re.compile(format)
    except re.error as exc:
        msg = f"--format is not a valid regular expression ({exc}); got {format!r}. Give a regex with named groups time and message, or one of: {', '.join(LOG_FORMATS)}."
        raise LogParseError(msg) from None
    missing = [g for g in ("time", "message") if g not in compiled.groupindex]
    if missing:
        msg = (
            f"--format must have the named groups time and message (e.g. '(?P<time>\\S+ \\S+) (?P<message>.*)'); "
            f"{format!r} lacks {', '.join(missing)}."
        )
        raise LogParseError(msg)
    return LogFormat(format, time_format or "iso")


# -- reading -----------------------------------------------------------------------------------


def read_log_lines(path: str | os.PathLike[str], encoding: str | None = None) -> tuple[list[str], str]:
    """The lines of a log file and the encoding they were read with.

    Without ``encoding``, UTF-8 is tried, then CP949 (Korean Windows logs,
    EUC-KR included). An empty file, a binary file or undecodable text raise
    :class:`~mirae.errors.LogParseError`.
    """
    where = os.fspath(path)
    try:
        data = Path(where).read_bytes()
    except FileNotFoundError:
        msg = f"log file {where!r} does not exist; check the path."
        raise LogParseError(msg) from None
    if not data.strip():
        msg = f"log file {where!r} is empty; give a file with at least one log line."
        raise LogParseError(msg)
    head = data[:8192]
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    if b"\x00" in head or control > len(head) // 100:
        msg = (
            f"log file {where!r} looks binary (NUL or control bytes in its first {len(head):,} bytes), not text; "
            "give the uncompressed text log (e.g. gunzip it first)."
        )
        raise LogParseError(msg)
    tried = [encoding] if encoding else ["utf-8-sig", "cp949"]
    for name in tried:
        try:
            text = data.decode(name)
        except LookupError:
            msg = f"unknown text encoding {name!r}; give one Python knows, e.g. utf-8, cp949, euc-kr or latin-1."
            raise LogParseError(msg) from None
        except UnicodeDecodeError as exc:
            if encoding:
                msg = (
                    f"log file {where!r} is not valid {name} (byte {exc.start:,}); "
                    "give the file's encoding with --encoding (e.g. utf-8, cp949, latin-1)."
                )
                raise LogParseError(msg) from None
            continue
        return text.splitlines(), ("utf-8" if name == "utf-8-sig" else name)
    msg = f"log file {where!r} is neither UTF-8 nor CP949 text; give its encoding with --encoding (e.g. latin-1)."
    raise LogParseError(msg)


# -- splitting and timestamps ------------------------------------------------------------------


@dataclass
class ParsedLines:
    """Every line split into header fields, time and message.

    Attributes
    ----------
    frame : DataFrame
        ``line`` (1-based), ``time`` (empty where not parsed), ``message``,
        ``reason`` (empty for a parsed line) and a column per extra named group.
    format_name : str
        The layout's name in :data:`LOG_FORMATS`, or ``custom``.
    notes : list of str
        What the reader assumed (the year of year-less times, a detected layout).
    """

    frame: pd.DataFrame
    format_name: str
    notes: list[str] = field(default_factory=list)

    @property
    def unparsed(self) -> int:
        """Lines without a time (no match, bad time or blank)."""
        return int((self.frame["reason"] != "").sum())


def _sniff(lines: list[str]) -> str | None:
    sample = [line for line in lines[: SNIFF_LINES * 2] if line.strip()][:SNIFF_LINES]
    best, best_hits = None, 0
    for name in AUTO_ORDER:
        pattern = re.compile(LOG_FORMATS[name].pattern)
        hits = sum(1 for line in sample if pattern.fullmatch(line))
        if hits > best_hits:
            best, best_hits = name, hits
    return best


def parse_lines(
    lines: list[str],
    format: str | None = None,  # noqa: A002 - the CLI's --format
    time_format: str | None = None,
    *,
    year: int | None = None,
) -> ParsedLines:
    """Split ``lines`` into time, message and header fields (see the module notes).

    Parameters
    ----------
    lines : list of str
    format : str, optional
        A name in :data:`LOG_FORMATS` or a regex with named groups ``time`` and
        ``message``; detected from the first lines when omitted.
    time_format : str, optional
        ``strptime`` codes, ``iso`` or ``epoch`` (default: the format's own, or ``iso``).
    year : int, optional
        Year of year-less times (syslog's ``Jun 14 15:16:01``); default the
        current year. A time that runs back more than half a year starts the next year.

    Examples
    --------
    >>> parsed = parse_lines(["[Sun Dec 04 04:47:44 2005] [error] mod_jk child in error state 6", "garbage"])
    >>> parsed.format_name, parsed.frame["message"][0], parsed.frame["reason"].tolist()
    ('apache', 'mod_jk child in error state 6', ['', 'does not match the apache format'])
    """
    import pandas as pd

    layout = resolve_format(format, time_format)
    notes: list[str] = []
    if layout is None:
        name = _sniff(lines)
        if name is None:
            first = next((line for line in lines if line.strip()), "")
            msg = (
                f"no known log layout ({', '.join(AUTO_ORDER)}) matches the first lines, e.g. {first[:120]!r}; "
                "give --format with a regex with named groups time and message, e.g. "
                "'(?P<time>\\S+ \\S+) (?P<level>\\w+) (?P<message>.*)', and --time-format."
            )
            raise LogParseError(msg)
        layout = LOG_FORMATS[name]
        notes.append(f"line layout detected: {name}")
    else:
        name = next((k for k, v in LOG_FORMATS.items() if v == layout), "custom")
    compiled = re.compile(layout.pattern)
    extra = [g for g in compiled.groupindex if g not in ("time", "message")]
    rows: dict[str, list[str]] = {"time_text": [], "message": [], "reason": [], **{g: [] for g in extra}}
    shown = name if name != "custom" else "--format"
    for line in lines:
        match = compiled.fullmatch(line)
        if match is None:
            rows["time_text"].append("")
            rows["message"].append(line.strip())
            rows["reason"].append("blank line" if not line.strip() else f"does not match the {shown} format")
            for g in extra:
                rows[g].append("")
            continue
        rows["time_text"].append(match["time"] or "")
        rows["message"].append((match["message"] or "").strip())
        rows["reason"].append("")
        for g in extra:
            rows[g].append(match[g] or "")
    if lines and all(r for r in rows["reason"]):
        first = next((line for line in lines if line.strip()), lines[0])
        msg = f"no line matches the {shown} format {layout.pattern!r}; the first line is {first[:160]!r}. Fix the regex (it must match the whole line)."
        raise LogParseError(msg)
    frame = pd.DataFrame(rows)
    times, note = _parse_times(frame["time_text"], layout, year)
    if note:
        notes.append(note)
    bad_time = times.isna() & (frame["reason"] == "")
    frame.loc[bad_time, "reason"] = f"time does not match {layout.time_format!r}"
    frame.insert(0, "line", range(1, len(frame) + 1))
    frame.insert(1, "time", times)
    frame = frame.drop(columns="time_text")
    return ParsedLines(frame, name, notes)


def _parse_times(text: pd.Series, layout: LogFormat, year: int | None) -> tuple[pd.Series, str | None]:
    import datetime as dt

    import pandas as pd

    present = text != ""
    times = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if not present.any():
        return times, None
    values = text[present]
    fmt = layout.time_format
    note = None
    if fmt == "epoch":
        numbers = pd.to_numeric(values, errors="coerce")
        parsed = pd.to_datetime(numbers, unit="s", errors="coerce")
    elif fmt == "iso":
        cleaned = values.str.replace(",", ".", regex=False)
        parsed = pd.to_datetime(cleaned, format="ISO8601", errors="coerce", utc=True)
        parsed = parsed.dt.tz_convert(None)
    elif layout.year_less:
        start_year = year or dt.date.today().year
        squashed = values.str.replace(r"\s+", " ", regex=True)
        parsed = pd.to_datetime(
            f"{start_year} " + squashed, format="%Y " + fmt.replace("  ", " "), errors="coerce"
        )
        parsed = _roll_years(parsed)
        note = f"times carry no year: read as {start_year}" + (
            "" if year else " (the current year; pass --year)"
        )
    else:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    times.loc[present] = parsed.astype("datetime64[ns]").to_numpy()
    return times, note


def _roll_years(parsed: pd.Series) -> pd.Series:
    """Year-less times that jump back by more than half a year crossed New Year: add a year from there."""
    import numpy as np
    import pandas as pd

    valid = parsed.dropna()
    if len(valid) < 2:
        return parsed
    back = (valid.diff() < pd.Timedelta(days=-183)).astype(int).cumsum()
    if not back.any():
        return parsed
    shifted = pd.Series(
        [t + pd.DateOffset(years=int(k)) for t, k in zip(valid, back, strict=True)], index=valid.index
    )
    out = parsed.copy()
    out.loc[valid.index] = np.asarray(shifted, dtype="datetime64[ns]")
    return out
