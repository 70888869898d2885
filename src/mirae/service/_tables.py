"""Table use cases: ingest, quality and profile, each from its spec (shared by CLI and server).

Reading a workspace (list tables, history, schema, rows, SQL) and dropping a
table are the :class:`~mirae.lake.Workspace` API itself; these are the use
cases with settings a caller fills in.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mirae.service._context import Context
from mirae.service._specs import ExportSpec, IngestSpec, ProfileSpec, QualitySpec

if TYPE_CHECKING:
    from mirae.core._progress import Progress
    from mirae.lake import IngestResult, Profile, QualityReport
    from mirae.lake._export import ExportResult

__all__ = ["export", "ingest", "profile", "quality"]


def ingest(ctx: Context, spec: IngestSpec, *, progress: Progress | None = None) -> IngestResult:
    """Read ``spec.source`` into table ``spec.name`` as one snapshot; a failed ingest changes nothing.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "sales.csv").write_text("day,units\\n2026-01-01,3\\n", encoding="utf-8")
    >>> ctx = Context.open(folder / "ws")
    >>> ingest(ctx, IngestSpec(source=str(folder / "sales.csv"), name="sales")).rows
    1
    """
    options = dict(spec.options)
    if spec.dtypes:
        options["dtypes"] = dict(spec.dtypes)
    return ctx.workspace.ingest(spec.source, spec.name, mode=spec.mode, progress=progress, **options)


def quality(ctx: Context, spec: QualitySpec, *, progress: Progress | None = None) -> QualityReport:
    """The data-quality report of ``spec.table`` (written as HTML too when ``spec.html`` is set)."""
    from mirae.lake import load_checks

    declared = load_checks(spec.checks) if spec.checks else None
    report = ctx.workspace.quality(spec.table, against=spec.against, checks=declared, progress=progress)
    if spec.html:
        report.to_html(Path(spec.html), lang=spec.lang)
    return report


def profile(ctx: Context, spec: ProfileSpec, *, progress: Progress | None = None) -> Profile:
    """The EDA profile of ``spec.table`` (written as HTML too when ``spec.html`` is set)."""
    result = ctx.workspace.profile(spec.table, progress=progress)
    if spec.html:
        result.to_html(Path(spec.html), lang=spec.lang)
    return result


def export(ctx: Context, spec: ExportSpec) -> ExportResult:
    """Write ``spec.table`` (at ``spec.snapshot``) to ``spec.path``; the file appears whole or not at all."""
    from mirae.lake._export import export_arrow

    rows = ctx.workspace.read(spec.table, snapshot=spec.snapshot)
    return export_arrow(
        rows, spec.path, encoding=spec.encoding, overwrite=spec.overwrite, label=f"table {spec.table!r}"
    )
