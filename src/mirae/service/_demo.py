"""``mirae demo``: the bundled samples, ingested, checked, profiled and reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mirae.core._result import Result

if TYPE_CHECKING:
    from mirae.core._progress import Progress
    from mirae.lake import Workspace

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


#: The demo's model: a quick, reproducible search (two families, two trials, three folds).
DEMO_MODEL: dict[str, Any] = {
    "table": "german_credit",
    "target": "creditability",
    "name": "german_credit",
    "models": ("linear", "lightgbm"),
    "n_trials": 2,
    "cv": 3,
    # the risk the model predicts: "bad" credit is the positive class of the report (lift, precision)
    "positive": "bad",
}


@dataclass(frozen=True)
class DemoModel:
    """The classifier the demo trained, registered and reported on."""

    name: str
    version: int | None
    alias: str
    run_id: str
    metric: str
    cv_score: float
    holdout: dict[str, float]
    report: str


@dataclass(frozen=True)
class DemoResult(Result):
    """What ``mirae demo`` did and where its reports are."""

    workspace: str
    tables: list[DemoTable] = field(default_factory=list)
    model: DemoModel | None = None
    forecast: DemoForecast | None = None


@dataclass(frozen=True)
class DemoForecast:
    """The demo's weekly demand forecast of the retail sample."""

    table: str
    series: int
    horizon: int
    rows: int
    best_model: str
    report: str | None = None


def sample_path(filename: str) -> Path:
    """Return the path of a sample file shipped inside the package."""
    return Path(str(resources.files("mirae.data").joinpath(filename)))


def run_demo(
    ws: Workspace,
    out: str | Path,
    *,
    lang: Literal["ko", "en"] = "ko",
    train: bool = True,
    progress: Progress | None = None,
) -> DemoResult:
    """Ingest the bundled samples, run quality and profile, train a classifier, write HTML reports.

    Running it again replaces the sample tables (their history grows) and
    registers a new version of the ``german_credit`` model.

    Parameters
    ----------
    ws : Workspace
        Where the sample tables go.
    out : str or Path
        Folder for the HTML reports (created).
    lang : {'ko', 'en'}
        Report language.
    train : bool
        Also train, track and register a credit-risk classifier on
        ``german_credit`` (alias ``champion``) with its evaluation report, and
        forecast the next 8 weeks of every product in ``retail_weekly``
        (table ``retail_weekly_forecast``).
    progress : Progress, optional
        Receives progress events.

    Returns
    -------
    DemoResult
        The tables written, the model registered and the report paths.
    """
    out_dir = Path(out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = []
    for name, filename, options in SAMPLES:
        result = ws.ingest(str(sample_path(filename)), name, mode="replace", progress=progress, **options)
        report = ws.quality(name, progress=progress)
        prof = ws.profile(name, quality=report, progress=progress)
        html = out_dir / f"{name}.html"
        report.to_html(html, lang=lang, profile=prof, shared_js=True)  # one plotly.js for the folder
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
    model = _train_demo_model(ws, out_dir, lang, progress) if train else None
    forecast = _forecast_demo(ws, out_dir, lang, progress) if train else None
    return DemoResult(workspace=str(ws.path), tables=tables, model=model, forecast=forecast)


def _forecast_demo(
    ws: Workspace, out_dir: Path, lang: Literal["ko", "en"], progress: Progress | None
) -> DemoForecast:
    from mirae.service._forecast import forecast_table

    html = out_dir / "retail_weekly_forecast.html"
    run = forecast_table(
        ws,
        "retail_weekly",
        id="stock_code",
        time="week",
        target="quantity",
        h=8,
        into="retail_weekly_forecast",
        mode="replace",  # the demo rebuilds its workspace
        fill="zero",
        models=("ETS", "Theta", "SeasonalNaive"),
        n_windows=2,
        html=str(html),
        lang=lang,
        progress=progress,
    )
    if run.report is not None:  # one plotly.js for the folder, like the other demo reports
        run.report.to_html(html, lang=lang, shared_js=True)
    chosen = {str(g["model"]) for g in run.group_choice}
    best = ", ".join(sorted(chosen))
    return DemoForecast(
        table=run.table,
        series=run.series,
        horizon=run.horizon,
        rows=run.rows,
        best_model=str(best),
        report=str(html) if run.report is not None else None,
    )


def _train_demo_model(
    ws: Workspace, out_dir: Path, lang: Literal["ko", "en"], progress: Progress | None
) -> DemoModel:
    from mirae.service._train import train_table

    spec = DEMO_MODEL
    run = train_table(
        ws,
        spec["table"],
        target=spec["target"],
        models=spec["models"],
        n_trials=spec["n_trials"],
        cv=spec["cv"],
        model_name=spec["name"],
        positive=spec["positive"],
        alias="champion",
        explain=("permutation",),
        lang=lang,
        progress=progress,
    )
    html = out_dir / f"{spec['name']}_model.html"
    run.report.to_html(html, lang=lang, shared_js=True)
    return DemoModel(
        name=spec["name"],
        version=run.version,
        alias="champion",
        run_id=run.run_id,
        metric=run.metric,
        cv_score=run.cv_score,
        holdout=run.holdout_metrics,
        report=str(html),
    )
