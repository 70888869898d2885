"""``mirae demo``: the bundled samples, ingested, checked, profiled and reported."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mirae.core._progress import Progress
    from mirae.lake import Workspace
    from mirae.lake._workspace import WriteMode

#: (table name, bundled file, ingest options)
SAMPLES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("retail_weekly", "retail_weekly.csv", {"dtypes": {"stock_code": "str"}}),
    ("german_credit", "german_credit.csv.gz", {}),
)


@dataclass(frozen=True)
class DemoTable:
    """One sample table the demo produced."""

    table: str
    rows: int
    columns: int
    snapshot_id: int
    status: str
    report: str


@dataclass(frozen=True)
class DemoResult:
    """What ``mirae demo`` did and where its reports are."""

    workspace: str
    tables: list[DemoTable] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)


def sample_path(filename: str) -> Path:
    """Return the path of a sample file shipped inside the package."""
    return Path(str(resources.files("mirae.data").joinpath(filename)))


def run_demo(
    ws: Workspace, out: str | Path, *, lang: str = "ko", progress: Progress | None = None
) -> DemoResult:
    """Ingest the bundled samples, run quality and profile, write HTML reports.

    Running it again replaces the sample tables (their history grows).

    Parameters
    ----------
    ws : Workspace
        Where the sample tables go.
    out : str or Path
        Folder for the HTML reports (created).
    lang : {'ko', 'en'}
        Report language.
    progress : Progress, optional
        Receives progress events.

    Returns
    -------
    DemoResult
        The tables written and the report paths.
    """
    out_dir = Path(out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = []
    for name, filename, options in SAMPLES:
        mode: WriteMode = "replace" if ws.exists(name) else "create"
        result = ws.ingest(str(sample_path(filename)), name, mode=mode, progress=progress, **options)
        report = ws.quality(name, progress=progress)
        prof = ws.profile(name, progress=progress)
        html = out_dir / f"{name}.html"
        report.to_html(html, lang=lang, profile=prof)
        tables.append(
            DemoTable(
                table=name,
                rows=result.rows,
                columns=len(result.columns),
                snapshot_id=result.snapshot.snapshot_id,
                status=report.status,
                report=str(html),
            )
        )
    return DemoResult(workspace=str(ws.path), tables=tables)
