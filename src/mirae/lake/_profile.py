"""The EDA profile of a table: histograms, top values, correlations, scatter samples.

Everything is computed by DuckDB over the table's view; only small results
(bin counts, top values, a correlation matrix, a few thousand scatter points)
come back to Python. Counts, ranges, histograms and top values use every row;
correlations and scatter points use a Bernoulli sample of the numeric columns
(250,000 rows by default) kept in a DuckDB temporary table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mirae.core._json import to_jsonable
from mirae.core._progress import NullProgress, Progress
from mirae.core._result import Report
from mirae.errors import ConfigError
from mirae.lake._sql import ColumnType, aggregate, as_float, column_types, literal, quote, run_rows

if TYPE_CHECKING:
    import duckdb

    from mirae.lake._quality import QualityReport
    from mirae.lake._workspace import Workspace

TOP_SKIP_DISTINCT = 100_000
"""Top values are skipped for columns with more distinct values than this that are mostly unique."""
_SAMPLE_TABLE = "__mirae_profile_sample"


@dataclass(frozen=True)
class Profile(Report):
    """Distributions and relations of the columns of a table snapshot.

    Attributes
    ----------
    table : str
        Table name.
    snapshot_id : int or None
        The snapshot profiled.
    rows : int
        Row count.
    columns : list of dict
        ``{name, type, kind, count, nulls, distinct}`` per column (distinct, for
        text and boolean columns, is a HyperLogLog estimate, or the quality
        report's count when one was passed).
    histograms : list of dict
        For numeric and date columns: ``{column, kind, edges, counts}`` with
        ``len(edges) == len(counts) + 1``; date edges are ISO strings. Integer
        columns with a small range get one bin per integer.
    top_values : list of dict
        For text and boolean columns: ``{column, values: [{value, count}],
        other, nulls, skipped}``; ``other`` counts the remaining non-null rows;
        ``skipped`` is ``'mostly_unique'`` when the column was too unique to
        list (then ``values`` is empty).
    correlations : dict
        ``{columns, pearson, spearman, spearman_rows, spearman_sampled}``:
        square matrices (lists of rows, ``None`` where undefined) over the
        numeric columns; both are computed on the same rows, a sample of
        ``spearman_rows`` rows when ``spearman_sampled``.
    scatter : list of dict
        ``{x, y, pearson, spearman, points: {x: [...], y: [...]}}`` for the most
        correlated pairs.
    computed_at : datetime
        When it was computed (UTC).
    """

    table: str
    snapshot_id: int | None
    rows: int
    columns: list[dict[str, Any]]
    histograms: list[dict[str, Any]]
    top_values: list[dict[str, Any]]
    correlations: dict[str, Any]
    scatter: list[dict[str, Any]]
    computed_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def to_dict(self) -> dict[str, Any]:
        """Return the profile as a JSON-ready dict.

        Keys: ``table``, ``snapshot_id``, ``computed_at``, ``rows``,
        ``columns``, ``histograms``, ``top_values``, ``correlations``, ``scatter``.
        """
        return {
            "table": self.table,
            "snapshot_id": self.snapshot_id,
            "computed_at": self.computed_at.isoformat(),
            "rows": self.rows,
            "columns": self.columns,
            "histograms": self.histograms,
            "top_values": self.top_values,
            "correlations": self.correlations,
            "scatter": self.scatter,
        }

    def to_html(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        lang: str = "ko",
        quality: QualityReport | None = None,
        shared_js: bool = False,
    ) -> str:
        """Render a standalone HTML report (plotly.js inlined, no network needed).

        Parameters
        ----------
        path : str or path, optional
            Where to write it (UTF-8); the text is returned either way.
        lang : {'ko', 'en'}
            Language of the labels.
        shared_js : bool
            Write plotly.js once beside ``path`` and load it from there (a folder of reports).
        quality : QualityReport, optional
            A quality report of the same table to include.
        """
        from mirae.core._page import finish_page
        from mirae.lake._report_html import render_report

        return finish_page(
            render_report(None, quality=quality, profile=self, lang=lang), path, shared_js=shared_js
        )

    def histogram(self, column: str) -> dict[str, Any]:
        """Return the histogram record of ``column`` (KeyError if it has none)."""
        return _find(self.histograms, column)

    def top(self, column: str) -> dict[str, Any]:
        """Return the top-values record of ``column`` (KeyError if it has none)."""
        return _find(self.top_values, column)


def profile(
    ws: Workspace,
    name: str,
    *,
    snapshot: int | None = None,
    bins: int = 20,
    top: int = 10,
    scatter_pairs: int = 3,
    scatter_sample: int = 2000,
    spearman_sample: int = 250_000,
    random_state: int = 0,
    quality: QualityReport | None = None,
    progress: Progress | None = None,
) -> Profile:
    """Compute the EDA profile of a workspace table.

    Parameters
    ----------
    ws : Workspace
        The workspace holding the table.
    name : str
        Table name.
    snapshot : int, optional
        Snapshot id; the latest by default.
    bins : int
        Histogram bins for numeric and date columns.
    top : int
        Most frequent values listed per text or boolean column.
    scatter_pairs : int
        How many of the most correlated numeric pairs get a scatter sample.
    scatter_sample : int
        Points per scatter plot (a reservoir sample).
    spearman_sample : int
        Pearson and Spearman correlations are computed in DuckDB on a
        Bernoulli sample (``USING SAMPLE p% (bernoulli, random_state)``) of
        about this many rows of the numeric columns when the table is larger;
        on smaller tables, on every row. At the default 250,000 rows the
        sampling error of a coefficient is about 1e-3 to 2e-3 (it shrinks
        with ``1 / sqrt(rows)``), far below what a heat map shows; raise it
        for more digits at the cost of time (ranking is ``n log n``). Spearman
        uses rank window functions; each column is ranked over its own
        non-null values (ties get average ranks), so with missing values the
        result differs slightly from a pairwise-complete Spearman. Pearson is
        pairwise complete. The scatter points are drawn from the same sample.
    random_state : int
        Seed of the samples.
    quality : QualityReport, optional
        A quality report of the same table snapshot: its row and null counts,
        ranges and distinct counts are reused, which saves one scan of the
        table (text and boolean ``distinct`` are then the report's, exact
        where it counted them exactly).
    progress : Progress, optional
        Receives one step per query.

    Returns
    -------
    Profile

    Raises
    ------
    ConfigError
        When ``quality`` is a report of another table, snapshot or schema.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mirae import Workspace
    >>> ws = Workspace(tempfile.mkdtemp())
    >>> _ = ws.write("t", pd.DataFrame({"x": [1, 2, 3, 4], "y": [2, 4, 6, 9], "g": list("aaab")}))
    >>> p = profile(ws, "t", bins=4)
    >>> p.histogram("x")["counts"], p.top("g")["values"][0]
    ([1, 1, 1, 1], {'value': 'a', 'count': 3})
    """
    for label, value, low in (
        ("bins", bins, 1),
        ("top", top, 1),
        ("scatter_pairs", scatter_pairs, 0),
        ("scatter_sample", scatter_sample, 1),
        ("spearman_sample", spearman_sample, 2),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            msg = f"{label} must be a whole number >= {low}; got {value!r}."
            raise ConfigError(msg)
    progress = progress or NullProgress()
    if snapshot is not None:
        ws.count(name, snapshot=snapshot)  # unknown ids raise SnapshotNotFoundError
    # pin the snapshot so every query reads the same rows while others append
    snapshot_id = snapshot if snapshot is not None else ws.current_snapshot_id(name)
    progress.start(f"profile {name}", total=6)
    con = ws.connect(snapshots={name: snapshot_id}, only=[name])
    try:
        columns = column_types(con, name)
        if quality is None:
            rows, summary, ranges = _summary(con, name, columns)
        else:
            rows, summary, ranges = _from_report(con, name, snapshot_id, columns, quality)
        progress.advance()
        histograms = _histograms(con, name, columns, summary, ranges, bins)
        progress.advance()
        top_values = _top_values(con, name, columns, summary, top)
        progress.advance()
        numeric = [c for c in columns if c.kind == "numeric" and ranges.get(c.name) is not None]
        sampled = _make_sample(con, name, numeric, rows, spearman_sample, random_state)
        sample_rows = _count_sample(con, name) if numeric else rows
        pearson, spearman = _correlations(con, name, numeric)
        progress.advance()
        scatter = _scatter(con, name, numeric, pearson, spearman, scatter_pairs, scatter_sample, random_state)
        progress.advance()
    finally:
        con.close()
        progress.finish()
    names = [c.name for c in numeric]
    return Profile(
        table=name,
        snapshot_id=snapshot_id,
        rows=rows,
        columns=summary,
        histograms=histograms,
        top_values=top_values,
        correlations={
            "columns": names,
            "pearson": pearson,
            "spearman": spearman,
            "spearman_rows": sample_rows,
            "spearman_sampled": sampled,
        },
        scatter=scatter,
    )


def _find(records: list[dict[str, Any]], column: str) -> dict[str, Any]:
    for record in records:
        if record["column"] == column:
            return record
    msg = f"no record for column {column!r}"
    raise KeyError(msg)


def _scalar(col: ColumnType) -> str:
    """SQL of the column as a DOUBLE (epoch seconds for dates)."""
    return f"epoch({col.sql})" if col.kind == "datetime" else col.value


def _scalars(view: str, columns: list[ColumnType]) -> str:
    """A subquery with each column raw (``r<i>``) and as a DOUBLE (``v<i>``), the latter computed once.

    DuckDB does not share a sub-expression between aggregates, so a float column's
    ``CASE WHEN isfinite(x) ...`` would otherwise be evaluated once per aggregate.
    """
    if not columns:
        return quote(view)
    parts = []
    for i, col in enumerate(columns):
        parts.append(f"{col.sql} AS r{i}")
        if col.kind in ("numeric", "datetime"):
            parts.append(f"{_scalar(col)} AS v{i}")
    return f"(SELECT {', '.join(parts)} FROM {quote(view)})"


def _summary(
    con: duckdb.DuckDBPyConnection, view: str, columns: list[ColumnType]
) -> tuple[int, list[dict[str, Any]], dict[str, tuple[float, float] | None]]:
    """Counts, ranges and distinct estimates of text columns, in one scan."""
    expr: dict[str, str] = {"n_rows": "count(*)"}
    for i, col in enumerate(columns):
        expr[f"c{i}_nn"] = f"count(r{i})"
        if col.kind in ("string", "boolean"):
            expr[f"c{i}_ad"] = f"approx_count_distinct(r{i})"
        if col.kind in ("numeric", "datetime"):
            expr[f"c{i}_lo"] = f"min(v{i})"
            expr[f"c{i}_hi"] = f"max(v{i})"
    found = aggregate(con, _scalars(view, columns), expr, table=view)
    rows = int(found["n_rows"] or 0)
    summary, ranges = [], {}
    for i, col in enumerate(columns):
        count = int(found[f"c{i}_nn"] or 0)
        distinct = found.get(f"c{i}_ad")
        summary.append(
            {
                "name": col.name,
                "type": col.type,
                "kind": col.kind,
                "count": count,
                "nulls": rows - count,
                "distinct": None if distinct is None else min(int(distinct), count),
            }
        )
        lo, hi = as_float(found.get(f"c{i}_lo")), as_float(found.get(f"c{i}_hi"))
        if col.kind in ("numeric", "datetime"):
            ranges[col.name] = (lo, hi) if lo is not None and hi is not None else None
    return rows, summary, ranges


def _from_report(
    con: duckdb.DuckDBPyConnection,
    view: str,
    snapshot_id: int | None,
    columns: list[ColumnType],
    report: QualityReport,
) -> tuple[int, list[dict[str, Any]], dict[str, tuple[float, float] | None]]:
    """What :func:`_summary` computes, taken from a quality report of the same snapshot."""
    schema = [(c.name, c.type) for c in columns]
    if (report.table, report.snapshot_id) != (view, snapshot_id) or schema != [
        (rec["name"], rec["type"]) for rec in report.columns
    ]:
        msg = (
            f"quality is a report of table '{report.table}' snapshot {report.snapshot_id}; the profile "
            f"is of table '{view}' snapshot {snapshot_id}. Pass the report of the same snapshot, or none."
        )
        raise ConfigError(msg)
    summary = [
        {
            "name": rec["name"],
            "type": rec["type"],
            "kind": rec["kind"],
            "count": rec["count"],
            "nulls": rec["nulls"],
            "distinct": rec["distinct"] if rec["kind"] in ("string", "boolean") else None,
        }
        for rec in report.columns
    ]
    ranges: dict[str, tuple[float, float] | None] = {}
    dated: dict[str, str] = {}
    for i, (col, rec) in enumerate(zip(columns, report.columns, strict=True)):
        if col.kind == "numeric":
            lo, hi = as_float(rec["min"]), as_float(rec["max"])
            ranges[col.name] = (lo, hi) if lo is not None and hi is not None else None
        elif col.kind == "datetime":
            ranges[col.name] = None
            if rec["min"] is not None and rec["max"] is not None:
                # the report holds ISO text; DuckDB turns it back into the epoch seconds it bins by
                for end in ("min", "max"):
                    dated[f"c{i}_{end}"] = f"epoch(CAST({literal(rec[end])} AS {col.type}))"
    if dated:
        found = dict(
            zip(dated, run_rows(con, f"SELECT {', '.join(dated.values())}", table=view)[0], strict=True)
        )
        for i, col in enumerate(columns):
            lo, hi = as_float(found.get(f"c{i}_min")), as_float(found.get(f"c{i}_max"))
            if lo is not None and hi is not None:
                ranges[col.name] = (lo, hi)
    return report.rows, summary, ranges


def _bin_plan(col: ColumnType, lo: float, hi: float, bins: int) -> tuple[float, float, int]:
    """Return ``(start, width, n_bins)``."""
    if col.integer and hi - lo + 1 <= bins:
        return lo - 0.5, 1.0, int(hi - lo) + 1
    if hi == lo:
        return lo - 0.5, 1.0, 1
    return lo, (hi - lo) / bins, bins


def _histograms(
    con: duckdb.DuckDBPyConnection,
    view: str,
    columns: list[ColumnType],
    summary: list[dict[str, Any]],
    ranges: dict[str, tuple[float, float] | None],
    bins: int,
) -> list[dict[str, Any]]:
    plans: dict[int, tuple[float, float, int]] = {}
    guesses: list[str] = []
    bin_of: list[str] = []
    expr: dict[str, str] = {}
    for i, col in enumerate(columns):
        span = ranges.get(col.name)
        if span is None:
            continue
        start, width, n_bins = plans[i] = _bin_plan(col, span[0], span[1], bins)
        lo, step = literal(start), literal(width)
        guesses.append(f"v{i}, floor((v{i} - {lo}) / {step}) AS g{i}")
        # the division can round across an edge: move to the bin whose edges (start + k * width,
        # as reported) hold the value, the way numpy.histogram does
        bin_of.append(
            f"(g{i} - (v{i} < {lo} + g{i} * {step})::INTEGER"
            f" + (v{i} >= {lo} + (g{i} + 1) * {step})::INTEGER) AS b{i}"
        )
        # least/greatest skip NULLs in DuckDB, so cap the last bin with CASE (NULL stays NULL)
        expr[f"c{i}_h"] = (
            f"histogram((CASE WHEN b{i} >= {n_bins - 1} THEN {n_bins - 1} ELSE b{i} END)::INTEGER)"
        )
    # each layer computes its values once per row (the value, the bin guess, the bin)
    source = f"(SELECT {', '.join(bin_of)} FROM (SELECT {', '.join(guesses)} FROM {_scalars(view, columns)}))"
    found = aggregate(con, source, expr, table=view)
    out = []
    for i, (start, width, n_bins) in plans.items():
        col = columns[i]
        cells = found[f"c{i}_h"] or {}
        counts = [int(cells.get(b, 0)) for b in range(n_bins)]
        edges: list[Any] = [start + width * b for b in range(n_bins + 1)]
        if col.kind == "datetime":
            edges = [datetime.fromtimestamp(e, tz=UTC).replace(tzinfo=None).isoformat() for e in edges]
        out.append({"column": col.name, "kind": col.kind, "edges": edges, "counts": counts})
    return out


def _top_values(
    con: duckdb.DuckDBPyConnection,
    view: str,
    columns: list[ColumnType],
    summary: list[dict[str, Any]],
    top: int,
) -> list[dict[str, Any]]:
    listed: list[int] = []
    out: dict[int, dict[str, Any]] = {}
    for i, col in enumerate(columns):
        if col.kind not in ("string", "boolean"):
            continue
        info = summary[i]
        record: dict[str, Any] = {
            "column": col.name,
            "values": [],
            "other": 0,
            "nulls": info["nulls"],
            "skipped": None,
        }
        out[i] = record
        distinct = info["distinct"] or 0
        if distinct > TOP_SKIP_DISTINCT and distinct > 0.5 * info["count"]:
            record["skipped"] = "mostly_unique"
            record["other"] = info["count"]
        else:
            listed.append(i)
    if listed:
        parts = [
            f"(SELECT {i} AS i, {columns[i].sql}::VARCHAR AS v, count(*) AS n FROM {quote(view)} "
            f"WHERE {columns[i].sql} IS NOT NULL GROUP BY 2 ORDER BY n DESC, v LIMIT {top})"
            for i in listed
        ]
        for i, value, n in run_rows(con, " UNION ALL ".join(parts), table=view):
            out[i]["values"].append({"value": value, "count": int(n)})
        for i in listed:
            record = out[i]
            record["values"].sort(key=lambda item: (-item["count"], item["value"]))
            record["other"] = summary[i]["count"] - sum(item["count"] for item in record["values"])
    return [out[i] for i in sorted(out)]


def _matrix(names: list[str], values: dict[tuple[int, int], Any]) -> list[list[float | None]]:
    size = len(names)
    matrix: list[list[float | None]] = [[None] * size for _ in range(size)]
    for a in range(size):
        matrix[a][a] = 1.0
        for b in range(a + 1, size):
            value = as_float(values.get((a, b)))
            if value is not None:
                value = max(-1.0, min(1.0, value))
            matrix[a][b] = matrix[b][a] = value
    return matrix


def _make_sample(
    con: duckdb.DuckDBPyConnection, view: str, numeric: list[ColumnType], rows: int, limit: int, seed: int
) -> bool:
    """Store the numeric columns (as c0, c1, ...) of at most ``limit`` rows; return True if sampled."""
    if not numeric:
        return False
    select = ", ".join(f"{col.value} AS c{k}" for k, col in enumerate(numeric))
    sampled = rows > limit
    # Bernoulli sampling is row-level and parallel (a reservoir is single-threaded and several
    # times slower on 10M rows); it returns about, not exactly, ``limit`` rows.
    percent = 100.0 * limit / rows if sampled else 100.0
    clause = f" USING SAMPLE {percent:.6f}% (bernoulli, {int(seed)})" if sampled else ""
    run_rows(
        con, f"CREATE TEMP TABLE {_SAMPLE_TABLE} AS SELECT {select} FROM {quote(view)}{clause}", table=view
    )
    return sampled


def _count_sample(con: duckdb.DuckDBPyConnection, view: str) -> int:
    return int(run_rows(con, f"SELECT count(*) FROM {_SAMPLE_TABLE}", table=view)[0][0])


def _correlations(
    con: duckdb.DuckDBPyConnection, view: str, numeric: list[ColumnType]
) -> tuple[list[list[float | None]], list[list[float | None]]]:
    """Pearson and Spearman matrices over the sample table, in one query."""
    names = [c.name for c in numeric]
    if len(numeric) < 2:
        return _matrix(names, {}), _matrix(names, {})
    ranks = ", ".join(
        f"c{k}, CASE WHEN c{k} IS NOT NULL THEN (rank() OVER (ORDER BY c{k}) "
        f"+ cume_dist() OVER (ORDER BY c{k}) * count(*) OVER ()) / 2 END AS r{k}"
        for k in range(len(numeric))
    )
    pairs = [(a, b) for a in range(len(numeric)) for b in range(a + 1, len(numeric))]
    expr = {f"p{a}_{b}": f"corr(c{a}, c{b})" for a, b in pairs}
    expr.update({f"s{a}_{b}": f"corr(r{a}, r{b})" for a, b in pairs})
    found = aggregate(con, f"(SELECT {ranks} FROM {_SAMPLE_TABLE})", expr, table=view)
    pearson = _matrix(names, {(a, b): found[f"p{a}_{b}"] for a, b in pairs})
    spearman = _matrix(names, {(a, b): found[f"s{a}_{b}"] for a, b in pairs})
    return pearson, spearman


def _scatter(
    con: duckdb.DuckDBPyConnection,
    view: str,
    numeric: list[ColumnType],
    pearson: list[list[float | None]],
    spearman: list[list[float | None]],
    pairs: int,
    sample: int,
    seed: int,
) -> list[dict[str, Any]]:
    candidates = []
    for a in range(len(numeric)):
        for b in range(a + 1, len(numeric)):
            strength = max(abs(pearson[a][b] or 0.0), abs(spearman[a][b] or 0.0))
            if pearson[a][b] is not None or spearman[a][b] is not None:
                candidates.append((-strength, a, b))
    out = []
    for _, a, b in sorted(candidates)[:pairs]:
        points = run_rows(
            con,
            f"SELECT c{a}, c{b} FROM (SELECT c{a}, c{b} FROM {_SAMPLE_TABLE} "
            f"WHERE c{a} IS NOT NULL AND c{b} IS NOT NULL) USING SAMPLE reservoir({int(sample)} ROWS) "
            f"REPEATABLE ({int(seed)})",
            table=view,
        )
        out.append(
            {
                "x": numeric[a].name,
                "y": numeric[b].name,
                "pearson": pearson[a][b],
                "spearman": spearman[a][b],
                "points": {
                    "x": [to_jsonable(p[0]) for p in points],
                    "y": [to_jsonable(p[1]) for p in points],
                },
            }
        )
    return out
