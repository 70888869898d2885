"""The data-quality report of a table: column statistics, drift and checks.

Every statistic is computed by DuckDB over every row of the table's view (three
aggregate passes, see :mod:`mirae.lake._column_stats`); nothing is sampled and
rows are never loaded into pandas.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mirae.core._progress import NullProgress, Progress
from mirae.core._result import Report
from mirae.lake._check_eval import CheckContext, evaluate_checks
from mirae.lake._checks import Check, CheckResult, Status, as_checks, default_checks, overall_status
from mirae.lake._column_stats import table_stats
from mirae.lake._drift import drift, resolve_against
from mirae.lake._sql import column_types

if TYPE_CHECKING:
    from mirae.lake._profile import Profile
    from mirae.lake._workspace import Workspace


@dataclass(frozen=True)
class QualityReport(Report):
    """What is in a table snapshot and what is wrong with it.

    Attributes
    ----------
    table : str
        Table name.
    snapshot_id : int or None
        The snapshot analysed.
    rows : int
        Row count.
    duplicate_rows : int
        Rows that repeat an earlier row exactly (counted with a 64-bit row
        hash: a collision, about 1 in 10^5 at 10M rows, would add one; 0
        without hashing when a column is unique and never null).
    columns : list of dict
        One JSON-ready record per column, all with the same keys: ``name``,
        ``type``, ``kind``, ``count``, ``nulls``, ``null_ratio``, ``distinct``
        (exact when ``distinct_exact``, else a HyperLogLog estimate),
        ``distinct_ratio``, ``flags`` (``empty``, ``constant``, ``id_like``,
        ``high_cardinality``, ``skewed``), ``min``, ``max``, ``mean``,
        ``std``, ``skewness``, ``p01`` ... ``p99``, ``mad``, ``zeros``,
        ``non_finite``, ``iqr_low``, ``iqr_high``, ``iqr_outliers``,
        ``robust_z_outliers``, ``length_min``, ``length_max``,
        ``length_mean``, ``blank``; ``None`` where a statistic does not apply.
    checks : list of CheckResult
        Results of the declared (or default) checks.
    drift : dict or None
        Comparison with an earlier snapshot (see :func:`mirae.lake._drift.drift`).
    computed_at : datetime
        When the report was computed (UTC).
    """

    table: str
    snapshot_id: int | None
    rows: int
    duplicate_rows: int
    columns: list[dict[str, Any]]
    checks: list[CheckResult] = field(default_factory=list)
    drift: dict[str, Any] | None = None
    computed_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def status(self) -> Status:
        """``fail`` if a fail-severity check failed, else ``warn`` if any warned, else ``pass``."""
        return overall_status(self.checks)

    @property
    def failures(self) -> list[CheckResult]:
        """The checks that did not pass."""
        return [r for r in self.checks if not r.passed]

    def column(self, name: str) -> dict[str, Any]:
        """Return the record of column ``name``.

        Raises
        ------
        KeyError
            When the table has no such column.
        """
        for record in self.columns:
            if record["name"] == name:
                return record
        msg = f"no column {name!r}; columns: {', '.join(r['name'] for r in self.columns)}"
        raise KeyError(msg)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict.

        Keys: ``table``, ``snapshot_id``, ``computed_at``, ``status``, ``rows``,
        ``duplicate_rows``, ``duplicate_ratio``, ``columns``, ``drift``, ``checks``.
        """
        return {
            "table": self.table,
            "snapshot_id": self.snapshot_id,
            "computed_at": self.computed_at.isoformat(),
            "status": self.status,
            "rows": self.rows,
            "duplicate_rows": self.duplicate_rows,
            "duplicate_ratio": self.duplicate_rows / self.rows if self.rows else 0.0,
            "columns": [dict(rec, flags=list(rec["flags"])) for rec in self.columns],
            "drift": self.drift,
            "checks": [r.to_dict() for r in self.checks],
        }

    def to_html(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        lang: str = "ko",
        profile: Profile | None = None,
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
        profile : Profile, optional
            A profile of the same table to include (histograms, correlations).
        """
        from mirae.core._page import finish_page
        from mirae.lake._report_html import render_report

        return finish_page(
            render_report(None, quality=self, profile=profile, lang=lang), path, shared_js=shared_js
        )


def quality(
    ws: Workspace,
    name: str,
    *,
    snapshot: int | None = None,
    against: int | str | None = None,
    checks: Any = None,
    progress: Progress | None = None,
) -> QualityReport:
    """Compute the data-quality report of a workspace table.

    Parameters
    ----------
    ws : Workspace
        The workspace holding the table.
    name : str
        Table name.
    snapshot : int, optional
        Snapshot id to analyse; the latest by default.
    against : int or 'previous', optional
        Compare with this earlier snapshot (``'previous'``: the one before
        ``snapshot``): columns added/removed/retyped, null-rate and mean shifts,
        row-count change.
    checks : list of Check, YAML path or YAML text, optional
        Checks to evaluate; ``None`` uses :func:`default_checks` (warnings on
        constant, ID-like, mostly-null columns and duplicate rows); ``[]``
        evaluates none.
    progress : Progress, optional
        Receives one step per query.

    Returns
    -------
    QualityReport

    Raises
    ------
    TableNotFoundError, SnapshotNotFoundError
        For an unknown table or snapshot.
    QualityCheckError
        For a badly declared check.

    Notes
    -----
    Outliers: ``iqr_outliers`` counts values outside ``[p25 - 1.5 IQR, p75 +
    1.5 IQR]``; ``robust_z_outliers`` counts values whose modified z-score
    ``0.6745 |x - median| / MAD`` exceeds 3.5 (Iglewicz and Hoaglin; when the
    MAD is 0 the mean absolute deviation times 1.2533 stands in). Float NaN and
    infinities are counted in ``non_finite`` and left out of the statistics.
    Skewness is the adjusted Fisher-Pearson coefficient (``scipy.stats.skew``
    with ``bias=False``); ``std`` is the sample standard deviation.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mirae import Workspace
    >>> ws = Workspace(tempfile.mkdtemp())
    >>> _ = ws.write("t", pd.DataFrame({"x": [1, 2, 3, 4, 100], "g": ["a"] * 5}))
    >>> report = quality(ws, "t")
    >>> report.column("x")["iqr_outliers"], report.column("g")["flags"], report.status
    (1, ['constant'], 'warn')
    """
    declared = as_checks(checks)
    progress = progress or NullProgress()
    if snapshot is not None:
        ws.count(name, snapshot=snapshot)  # unknown ids raise SnapshotNotFoundError
    # pin the snapshot so every pass reads the same rows while others append
    snapshot_id = snapshot if snapshot is not None else ws.current_snapshot_id(name)
    against_id = resolve_against(ws, name, snapshot_id, against) if against is not None else None
    progress.start(f"quality {name}", total=4 if against_id is None else 5)
    con = ws.connect(snapshots={name: snapshot_id}, only=[name])
    try:
        columns = column_types(con, name)
        rows, duplicates, records = table_stats(con, name, columns, table=name, advance=progress.advance)
        drift_report = None
        if against_id is not None:
            drift_report = drift(ws, name, against_id, rows=rows, columns=records)
            progress.advance()
        to_check: list[Check] = default_checks() if declared is None else declared
        ctx = CheckContext(con, name, name, columns, records, rows, duplicates, drift_report)
        results = evaluate_checks(to_check, ctx)
        progress.advance()
    finally:
        con.close()
        progress.finish()
    return QualityReport(
        table=name,
        snapshot_id=snapshot_id,
        rows=rows,
        duplicate_rows=duplicates,
        columns=records,
        checks=results,
        drift=drift_report,
    )
