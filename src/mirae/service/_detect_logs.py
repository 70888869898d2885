"""The ``detect-logs`` use case: a log file in, per-template window counts and the lines out, one MLflow run."""

from __future__ import annotations

import os
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mirae.core._result import Result
from mirae.lake._lineage import Lineage
from mirae.service._context import Context
from mirae.service._outputs import check_outputs
from mirae.service._specs import DetectLogsSpec

if TYPE_CHECKING:
    from mirae.core._progress import Progress
    from mirae.lake import SnapshotInfo, Workspace

__all__ = ["DetectLogsRun", "detect_logs", "detect_logs_file"]


@dataclass
class DetectLogsRun(Result):
    """What :func:`detect_logs` wrote.

    Attributes
    ----------
    table : str
        Counts per template per window with ``score`` and ``is_anomaly``.
    lines_table : str
        One row per input line: ``line``, ``time``, ``template_id``, ``template``, ``parameters``.
    snapshot, lines_snapshot : SnapshotInfo
        The new snapshot of each table.
    metrics : dict
        Lines, lines without a time, templates, new templates, windows, flagged windows.
    run_id : str or None
        The MLflow run (None when ``track=False``).
    """

    table: str
    lines_table: str
    snapshot: SnapshotInfo
    lines_snapshot: SnapshotInfo
    source: str
    format: str
    encoding: str
    window: str
    metrics: dict[str, float] = field(default_factory=dict)
    anomalous_windows: list[dict[str, Any]] = field(default_factory=list)
    new_templates: list[str] = field(default_factory=list)
    unparsed_by_reason: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    run_id: str | None = None
    html: str | None = None
    analysis: Any = field(default=None, metadata={"wire": False})

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        from mirae.core._json import to_jsonable

        data: dict[str, Any] = to_jsonable(
            {
                "table": self.table,
                "lines_table": self.lines_table,
                "snapshot": self.snapshot.to_dict(),
                "lines_snapshot": self.lines_snapshot.to_dict(),
                "source": self.source,
                "format": self.format,
                "encoding": self.encoding,
                "window": self.window,
                "metrics": self.metrics,
                "anomalous_windows": self.anomalous_windows,
                "new_templates": self.new_templates,
                "unparsed_by_reason": self.unparsed_by_reason,
                "notes": self.notes,
                "run_id": self.run_id,
                "html": self.html,
            }
        )
        return data


def detect_logs_file(
    ws: Workspace,
    source: str | os.PathLike[str],
    *,
    tracking_uri: str | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> DetectLogsRun:
    """Detect log anomalies from Python: :func:`detect_logs` with ``DetectLogsSpec(source=source, **settings)``.

    ``settings`` are the fields of :class:`~mirae.service.DetectLogsSpec` (``into``,
    ``format``, ``time_format``, ``window``, ``year``, ``encoding``, ``html``, ...).
    """
    spec = DetectLogsSpec(source=os.fspath(source), **settings)
    return detect_logs(Context(ws, tracking_uri=tracking_uri), spec, progress=progress)


def detect_logs(ctx: Context, spec: DetectLogsSpec, *, progress: Progress | None = None) -> DetectLogsRun:
    """Mine a log file's templates, count them per window, flag anomalies, store both tables and log a run.

    Parameters
    ----------
    ctx : Context
        The workspace that receives ``{into}`` and ``{into}_lines``, and its tracking store.
    spec : DetectLogsSpec
        The file, its line layout (``format``, ``time_format``, ``year``,
        ``encoding``), the ``window``, the miner's ``similarity`` and ``depth``,
        the detector's ``band`` and ``warmup``, ``into`` / ``mode``, ``html``.
    progress : Progress, optional
        Receives progress events.

    Returns
    -------
    DetectLogsRun
    """
    from mirae.anomaly import LogAnomalyDetector, LogTemplateMiner, detect_log_anomalies
    from mirae.core._progress import NullProgress

    ws, into, mode = ctx.workspace, spec.into, spec.mode
    lines_name = f"{into}_lines"
    progress = progress or NullProgress()
    check_outputs(ws, [into, lines_name], inputs=[], mode=mode)
    tracker = ctx.tracker().open() if spec.track else None  # fails now, not after the mining
    progress.start(f"reading and mining {os.path.basename(spec.source)}")
    analysis = detect_log_anomalies(
        spec.source,
        format=spec.format,
        time_format=spec.time_format,
        window=spec.window,
        year=spec.year,
        encoding=spec.encoding,
        miner=LogTemplateMiner(similarity=spec.similarity, depth=spec.depth),
        detector=LogAnomalyDetector(band=spec.band, warmup=spec.warmup),
    )
    wire = analysis.to_dict()
    with ExitStack() as stack:
        logger = None
        if tracker is not None:
            tags = {"mirae.task": "anomaly", "mirae.source": spec.source, "mirae.output_table": into}
            logger = stack.enter_context(
                tracker.start_run(
                    f"detect-logs:{into}",
                    run_name=f"log anomalies of {os.path.basename(spec.source)}",
                    tags={**tags, "mirae.workspace": str(ws.path)},
                )
            )
        lineage = Lineage(
            "detect-logs",
            inputs=({"source": spec.source, "format": "log"},),
            spec=spec.to_dict(),
            run_id=None if logger is None else logger.run_id,
        )
        progress.start(f"writing {into} and {lines_name}")
        label = f"detect-logs of {spec.source}"
        snapshot = ws.write(into, analysis.counts, mode=mode, source=label, lineage=lineage)
        lines_snapshot = ws.write(lines_name, analysis.lines, mode=mode, source=label, lineage=lineage)
        run = DetectLogsRun(
            table=into,
            lines_table=lines_name,
            snapshot=snapshot,
            lines_snapshot=lines_snapshot,
            source=spec.source,
            format=analysis.format_name,
            encoding=analysis.encoding,
            window=spec.window,
            metrics=analysis.metrics(),
            anomalous_windows=wire["anomalous_windows"],
            new_templates=analysis.new_templates,
            unparsed_by_reason=wire["unparsed_by_reason"],
            notes=list(analysis.notes),
            analysis=analysis,
        )
        if logger is not None:
            progress.start("logging the run to MLflow")
            logger.set_tags({"mirae.output_snapshot_id": snapshot.snapshot_id})
            logger.log_params(
                {
                    "source": spec.source,
                    "format": analysis.format_name,
                    "time_format": spec.time_format,
                    "encoding": analysis.encoding,
                    "window": spec.window,
                    "similarity": spec.similarity,
                    "depth": spec.depth,
                    "band": spec.band,
                    "warmup": spec.warmup,
                }
            )
            logger.log_metrics(run.metrics)
            logger.log_frame(analysis.templates, "templates")
            logger.log_dict({"notes": run.notes, "new_templates": run.new_templates}, "notes.json")
            run.run_id = str(logger.run_id)
    if spec.html:
        progress.start("writing the log report")
        provenance = {"table": into, "run": run.run_id}
        analysis.report(provenance).to_html(spec.html, lang=spec.lang)
        run.html = spec.html
    progress.finish()
    return run
