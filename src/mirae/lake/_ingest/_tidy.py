"""Last steps of every read: names SQL can tell apart, no NUL characters, and a note for each change."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from mirae.errors import ConfigError
from mirae.lake._ingest._result import SourceData

__all__ = ["THOUSANDS", "boolean_notes", "case_rename_notes", "separators", "tidy"]

#: Text values that stay what they say when read as booleans.
_PLAIN_BOOLEANS = {"true", "false", ""}


def tidy(data: SourceData, declared: Collection[str] = (), *, thousands: str | None = None) -> SourceData:
    """Rename columns that differ only in case, remove NUL characters from text, read numbers kept as
    text (blanks, thousands separators) as numbers; note each change.

    Columns in ``declared`` (types the caller gave) are left as they are;
    ``thousands`` is the separator of :func:`~mirae.lake.read_source`.
    """
    data.table = _case_unique(data.table, data.notes)
    data.table = _without_nul(data.table, data.notes)
    data.table = _numbers_in_text(data.table, data.notes, set(declared), separators(thousands))
    return data


#: Thousands separators a number stored as text may use, and the decimal mark that goes with each.
THOUSANDS = {",": ".", ".": ",", " ": ".", "'": ".", "_": "."}


def separators(thousands: str | None) -> tuple[str | None, str]:
    """(thousands separator or None, decimal mark) for a ``thousands`` setting."""
    if thousands is None:
        return ",", "."
    if thousands.lower() == "none":
        return None, "."
    if thousands not in THOUSANDS:
        shown = ", ".join(repr(k) for k in THOUSANDS)
        msg = (
            f"thousands={thousands!r} is not a thousands separator mirae reads; use one of {shown} or 'none'."
        )
        raise ConfigError(msg)
    return thousands, THOUSANDS[thousands]


def _patterns(group: str | None, decimal: str) -> tuple[str | None, str]:
    """Regexes of a grouped number (1,706.5) and of a plain one (1706.5) with these marks."""
    import re

    d = re.escape(decimal)
    plain = rf"^[+-]?(\d+({d}\d*)?|{d}\d+)([eE][+-]?\d+)?$"
    if group is None:
        return None, plain
    return rf"^[+-]?\d{{1,3}}({re.escape(group)}\d{{3}})+({d}\d+)?$", plain


def _numbers_in_text(
    table: pa.Table, notes: list[str], declared: set[str], marks: tuple[str | None, str] = (",", ".")
) -> pa.Table:
    """Text columns that hold only numbers, blanks and thousands separators, read as numbers.

    A spreadsheet export writes a blank cell as " " (telco's ``TotalCharges``) and
    1706 as "1,706"; left as text, quality would see text and training numbers.
    Codes with leading zeros ("01234") stay text. ``marks`` are the thousands
    separator (None: none) and the decimal mark.
    """
    group, decimal = marks
    grouped_re, plain_re = _patterns(group, decimal)
    for i, field in enumerate(table.schema):
        if field.name in declared or not (
            pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
        ):
            continue
        stripped = pc.utf8_trim_whitespace(table.column(i))
        present = pc.and_(pc.is_valid(stripped), pc.not_equal(stripped, ""))
        values = pc.filter(stripped, present)
        if len(values) == 0:
            continue
        plain = pc.match_substring_regex(values, plain_re)
        grouped = (
            pc.match_substring_regex(values, grouped_re)
            if grouped_re is not None
            else pc.and_(plain, pa.scalar(False))
        )
        if not pc.all(pc.or_(grouped, plain)).as_py():
            continue
        if pc.any(pc.match_substring_regex(values, r"^[+-]?0\d")).as_py():  # leading zeros: a code
            continue
        blanks = int(pc.sum(pc.and_(pc.is_valid(stripped), pc.equal(stripped, ""))).as_py() or 0)
        commas = int(pc.sum(grouped).as_py() or 0)
        if not blanks and not commas and decimal == ".":
            continue
        digits = pc.replace_substring(stripped, group, "") if group is not None else stripped
        if decimal != ".":
            digits = pc.replace_substring(digits, decimal, ".")
        text = pc.if_else(present, digits, pa.scalar(None, pa.string()))
        integral = not pc.any(pc.match_substring_regex(text, r"[.eE]")).as_py()
        target = pa.int64() if integral else pa.float64()
        table = table.set_column(i, field.name, pc.cast(text, target))
        said = []
        if blanks:
            said.append(f"{blanks:,} blank value(s) as missing")
        if commas:
            said.append(f"{commas:,} value(s) with thousands separators")
        notes.append(
            f"column '{field.name}' holds numbers stored as text; read as numbers ({', '.join(said)})"
        )
    return table


def _case_unique(table: pa.Table, notes: list[str]) -> pa.Table:
    """Give later columns whose name differs from an earlier one only in case a ``_1``, ``_2`` suffix."""
    seen: set[str] = set()
    names: list[str] = []
    for name in table.column_names:
        new = name
        k = 0
        while new.lower() in seen:
            k += 1
            new = f"{name}_{k}"
        seen.add(new.lower())
        names.append(new)
    notes.extend(case_rename_notes(table.column_names, names))
    return table.rename_columns(names) if names != table.column_names else table


def case_rename_notes(original: Sequence[str], stored: Sequence[str]) -> list[str]:
    """Notes for columns stored under another name because SQL does not tell their names apart."""
    notes = []
    for before, after in zip(original, stored, strict=False):
        if before != after:
            first = next(o for o in original if o.lower() == before.lower())
            notes.append(
                f"columns '{first}' and '{before}' differ only in case, which SQL treats as one name: "
                f"'{before}' is stored as '{after}'"
            )
    return notes


def _without_nul(table: pa.Table, notes: list[str]) -> pa.Table:
    for i, field in enumerate(table.schema):
        if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
            continue
        column = table.column(i)
        hits = pc.sum(pc.match_substring(column, "\x00")).as_py() or 0
        if hits:
            table = table.set_column(i, field, pc.replace_substring(column, "\x00", ""))
            notes.append(f"column '{field.name}': removed NUL characters (\\0) from {hits:,} value(s)")
    return table


def boolean_notes(
    table: pa.Table, text: str, delimiter: str, skip: int, has_header: bool, *, declared: Collection[str] = ()
) -> list[str]:
    """Notes for CSV columns read as booleans from words other than true/false (``yes``/``no``, ``Y``/``N``).

    The words are taken from the sample of the file the reader sniffed;
    columns whose type the user declared need no note.
    """
    flagged = [
        i
        for i, field in enumerate(table.schema)
        if pa.types.is_boolean(field.type) and field.name not in declared
    ]
    if not flagged:
        return []
    lines = text.splitlines()[skip + (1 if has_header else 0) :][:2000]
    words: dict[int, dict[str, None]] = {i: {} for i in flagged}
    for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter):
        for i in flagged:
            if i < len(row) and row[i].strip().lower() not in _PLAIN_BOOLEANS:
                words[i].setdefault(row[i].strip(), None)
    notes = []
    for i in flagged:
        if words[i]:
            name = table.column_names[i]
            shown = ", ".join(list(words[i])[:4])
            notes.append(
                f"column '{name}' read as true/false from its values {shown}; to keep the text, "
                f"pass dtypes={{'{name}': 'str'}} (--dtype {name}=str)"
            )
    return notes
