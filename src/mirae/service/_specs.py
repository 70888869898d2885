"""What each use case is asked to do, as one validated, serialisable spec.

A spec is wire data: the same fields, under the same names, come from the
command line, from Python, and (later) from a REST body or a pipeline's YAML.
Every rule about the inputs lives in the spec's validation, so no caller
repeats it: "either a time budget or a number of trials", hierarchy text
``group/product/item``, discount percents, ``none`` for no holidays, the
allowed write modes. A bad value raises :class:`~mirae.errors.ConfigError`
naming the field and what to give instead. ``Spec.json_schema()`` describes
every spec for forms and clients.

One name per concept across all specs: ``table`` (the input), ``target``,
``time`` and ``id`` (columns), ``into`` and ``mode`` (the output), ``seed``,
``cv`` (folds), ``h`` (horizon), ``n_jobs``, ``holidays`` (a country code),
``lang``. The estimators below keep scikit-learn's and statsforecast's names
(``random_state``, ``id_col``); the services translate, once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from mirae.core._i18n import Lang
from mirae.errors import ConfigError
from mirae.service._outputs import WriteMode

__all__ = [
    "SPECS",
    "DetectLogsSpec",
    "DetectSpec",
    "EvaluateSpec",
    "ExportSpec",
    "ForecastSpec",
    "IngestSpec",
    "PredictSpec",
    "ProfileSpec",
    "QualitySpec",
    "RecommendSpec",
    "SegmentSpec",
    "SimilarSpec",
    "SimulateSpec",
    "Spec",
    "TrainSpec",
]

#: The explanations a model report computes by default (permutation importance, SHAP,
#: partial dependence and IF-THEN rules).
DEFAULT_EXPLAIN: tuple[str, ...] = ("permutation", "shap", "partial_dependence", "rules")


def _names(value: Any, sep: str = ",") -> Any:
    """``"a, b"`` -> ``("a", "b")``; lists pass through; empty text -> ``()``."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(sep) if v.strip())
    return value


def _numbers(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return tuple(float(v) for v in _names(value))
        except ValueError:
            msg = f"expected numbers separated by commas (e.g. 0,10,20); got {value!r}"
            raise ValueError(msg) from None
    return value


def _pairs(value: Any, example: str = "COLUMN=VALUE") -> Any:
    """``["col=v", ...]`` (or one ``"col=v,col2=w"`` text) -> ``{"col": "v", ...}``."""
    if value is None or isinstance(value, Mapping):
        return value
    items = _names(value) if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        msg = f"expected {example}; got {value!r}"
        raise ValueError(msg)
    pairs: dict[str, str] = {}
    for item in items:
        column, sep, text = str(item).partition("=")
        if not sep or not column.strip():
            msg = f"expected {example}; got {item!r}"
            raise ValueError(msg)
        pairs[column.strip()] = text.strip()
    return pairs or None


def _switch_or_names(value: Any) -> Any:
    """``"false"`` / ``"no"`` / ``"none"`` and ``"true"`` / ``"yes"`` / ``"all"`` (as typed in a form) -> a
    bool; other text -> names (``"shap,rules"``)."""
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("false", "no", "none", "off", "0"):
            return False
        if word in ("true", "yes", "all", "on", "1"):
            return True
        return _names(value)
    return value


def _path_text(value: Any) -> Any:
    return os.fspath(value) if isinstance(value, os.PathLike) else value


#: A file path, given as text or as a path object.
PathText = Annotated[str | None, BeforeValidator(_path_text)]
Names = Annotated[tuple[str, ...], BeforeValidator(_names)]
#: On, off, or which ones by name (explanations): typed text ``false`` is off, not a name.
SwitchOrNames = Annotated[bool | tuple[str, ...], BeforeValidator(_switch_or_names)]
OptionalNames = Annotated[tuple[str, ...] | None, BeforeValidator(lambda v: _names(v) or None)]
#: What a model is trained for (``auto``: classes or numbers, read from the target).
Task = Literal["auto", "classification", "regression"]


class Spec(BaseModel):
    """Base of every use-case spec: frozen, no unknown fields, errors as ConfigError.

    ``to_dict()`` is the spec as JSON-ready data (what lineage records and a
    REST client sends); ``json_schema()`` its JSON schema.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True)

    #: The use case's name (``train``, ``forecast``, ...): the key in :data:`SPECS`.
    operation: ClassVar[str] = ""

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise ConfigError(_explain(exc, type(self))) from None

    @classmethod
    def parse(cls, **fields: Any) -> Self:
        """The spec of ``fields`` as typed by a person: text lists, percents, ``none``, paths.

        The same as calling the class; named for callers (command line, forms,
        pipeline files) whose values are still text.
        """
        return cls(**fields)

    def to_dict(self) -> dict[str, Any]:
        """The spec as JSON-ready data (defaults included)."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True)
        return data

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON schema of this spec (for forms, REST clients and pipeline files)."""
        schema: dict[str, Any] = cls.model_json_schema(by_alias=True)
        return schema

    def but(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied, validated again."""
        return type(self)(**{**self.model_dump(by_alias=True), **changes})


def _explain(exc: ValidationError, spec: type[Spec]) -> str:
    """One plain sentence per wrong field: which field, what was wrong."""
    problems, unknown = [], []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error.get("loc", ()) if not isinstance(p, int))
        text = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        kind = error.get("type")
        if kind == "extra_forbidden":
            unknown.append(where)
            continue
        bounds = {"greater_than_equal": "at least", "greater_than": "more than",
                  "less_than_equal": "at most", "less_than": "less than"}  # fmt: skip
        if kind == "missing":
            text = "required"
        elif kind in bounds:
            limit = next(iter((error.get("ctx") or {}).values()), "")
            text = f"must be {bounds[kind]} {limit}; got {error.get('input')!r}"
        elif kind == "literal_error":
            expected = (error.get("ctx") or {}).get("expected", "")
            text = f"must be {expected}; got {error.get('input')!r}"
        elif "input" in error and kind not in ("value_error", "assertion_error"):
            text = f"{text[:1].lower()}{text[1:]}; got {error.get('input')!r}"
        if not where:  # a rule over several fields: its message names them
            problems.append(text)
            continue
        field = spec.model_fields.get(where.split(".")[0])
        if field is not None and field.description:
            where = f"{where} ({field.description.rstrip('.').lower()})"
        problems.append(f"{where} {text}" if text.startswith("must") else f"{where}: {text}")
    if unknown:
        fields = ", ".join(sorted(f.alias or n for n, f in spec.model_fields.items()))
        problems.append(
            f"unknown setting(s) {', '.join(unknown)} (the settings of {spec.operation} are: {fields})"
        )
    return f"{spec.operation} settings are not valid — " + "; ".join(problems) + "."


# -- tables --------------------------------------------------------------------------------------
class IngestSpec(Spec):
    """Read a file, URL or database into a workspace table (see :func:`mirae.lake.read_source`).

    ``options`` are the reader's settings (``format``, ``delimiter``,
    ``encoding``, ``header``, ``sheet``, ``table``, ``query``, ``on_bad_lines``,
    ...); ``dtypes`` pins column types, given as ``{"qty": "int"}`` or as
    ``["qty=int"]``.
    """

    operation: ClassVar[str] = "ingest"
    source: Annotated[str, BeforeValidator(_path_text)] = Field(
        min_length=1, description="File path, http(s) URL or SQLAlchemy database URL."
    )
    name: str = Field(min_length=1, description="Table to write.")
    mode: WriteMode = "create"
    dtypes: Annotated[
        dict[str, str] | None, BeforeValidator(lambda v: _pairs(v, "COLUMN=TYPE (e.g. qty=int)"))
    ] = None
    options: dict[str, Any] = Field(default_factory=dict, description="Reader settings by name.")

    @model_validator(mode="after")
    def _sheet_index(self) -> IngestSpec:
        from dataclasses import fields

        from mirae.lake._ingest._connectors import ReadOptions

        known = {f.name for f in fields(ReadOptions)} - {"dtypes"}
        unknown = sorted(set(self.options) - known)
        if unknown:
            msg = (
                f"options: unknown reader setting(s) {unknown}; the settings are: {', '.join(sorted(known))}"
            )
            raise ValueError(msg)
        sheet = self.options.get("sheet")
        if isinstance(sheet, str) and sheet.isdigit():
            object.__setattr__(self, "options", {**self.options, "sheet": int(sheet)})
        return self


class QualitySpec(Spec):
    """Check a table's data quality, with drift against an earlier snapshot and declared checks."""

    operation: ClassVar[str] = "quality"
    table: str = Field(min_length=1)
    against: int | Literal["previous"] | None = Field(
        default=None, description="Snapshot id (see `mirae history`) or 'previous' for drift."
    )
    checks: PathText = Field(default=None, description="YAML file of declared checks.")
    html: PathText = None
    lang: Lang = "ko"

    @model_validator(mode="before")
    @classmethod
    def _snapshot_text(cls, data: Any) -> Any:
        against = data.get("against") if isinstance(data, dict) else None
        if isinstance(against, str) and against != "previous":
            try:
                data = {**data, "against": int(against)}
            except ValueError:
                msg = f"against: expected a snapshot id (see `mirae history TABLE`) or 'previous'; got {against!r}"
                raise ValueError(msg) from None
        return data


class ProfileSpec(Spec):
    """Profile a table: histograms, top values, correlations, scatter plots."""

    operation: ClassVar[str] = "profile"
    table: str = Field(min_length=1)
    html: PathText = None
    lang: Lang = "ko"


class ExportSpec(Spec):
    """Write a table (at a snapshot) to a CSV, Parquet or Excel file."""

    operation: ClassVar[str] = "export"
    table: str = Field(min_length=1)
    path: Annotated[str, BeforeValidator(_path_text)] = Field(
        min_length=1, description="File to write: .csv, .tsv, .parquet or .xlsx."
    )
    snapshot: int | None = Field(default=None, description="Snapshot id (default: the latest).")
    encoding: str | None = Field(
        default=None, description="CSV text encoding (default utf-8-sig; cp949 for Korean Excel)."
    )
    overwrite: bool = False


# -- supervised learning -------------------------------------------------------------------------
class TrainSpec(Spec):
    """Find, evaluate and register the best model for ``target`` (see :func:`mirae.service.train`)."""

    operation: ClassVar[str] = "train"
    table: str = Field(min_length=1, description="Table to learn from (its latest snapshot).")
    target: str = Field(min_length=1, description="Column to predict.")
    task: Task = "auto"
    time_budget: float | None = Field(default=None, gt=0, description="Seconds for the model search.")
    n_trials: int | None = Field(
        default=None,
        ge=0,
        description="Search trials, reproducible with seed (0: each family's defaults only).",
    )
    seed: int = 0
    metric: str | None = None
    cv: int = Field(default=5, ge=2, description="Cross-validation folds.")
    screen: bool = Field(
        default=True,
        description="Stop the families clearly behind the leader after the first fold (False: all run every fold).",
    )
    group: str | None = None
    time: str | None = Field(default=None, description="Time column: time-ordered folds and holdout.")
    segment_by: OptionalNames = None
    models: OptionalNames = None
    holdout: float = Field(default=0.2, ge=0, lt=0.9, description="Share of rows held out for the report.")
    explain: SwitchOrNames = DEFAULT_EXPLAIN
    model_name: str | None = Field(default=None, description="Registered model name (default: the table).")
    register_: bool = Field(default=True, alias="register", description="Register a new model version.")
    alias: str | None = None
    lang: Lang = "ko"
    n_jobs: int = Field(default=-1, description="Threads the models may use (-1: all cores).")
    positive: str | None = Field(
        default=None, description="The class the report treats as positive (the risk predicted, e.g. bad)."
    )

    @model_validator(mode="after")
    def _one_budget(self) -> TrainSpec:
        if self.time_budget is not None and self.n_trials is not None:
            msg = "give either time_budget (--time-budget) or n_trials (--n-trials), not both"
            raise ValueError(msg)
        return self


class EvaluateSpec(Spec):
    """Evaluate a registered model on a table with known outcomes."""

    operation: ClassVar[str] = "evaluate"
    model: str = Field(min_length=1, description="NAME, NAME@ALIAS or NAME/VERSION.")
    table: str = Field(min_length=1)
    target: str = Field(min_length=1)
    segment_by: OptionalNames = None
    html: PathText = None
    lang: Lang = "ko"
    explain: SwitchOrNames = DEFAULT_EXPLAIN
    seed: int = 0
    positive: str | None = Field(
        default=None,
        description="The class the report treats as positive (default: the one set at training).",
    )


class PredictSpec(Spec):
    """Score a table with a registered model into a new table."""

    operation: ClassVar[str] = "predict"
    model: str = Field(min_length=1, description="NAME, NAME@ALIAS or NAME/VERSION.")
    table: str = Field(min_length=1)
    into: str = Field(min_length=1)
    mode: WriteMode = "create"


# -- forecasting ---------------------------------------------------------------------------------
def _hierarchy(value: Any) -> Any:
    if isinstance(value, str):
        return _names(value.replace(",", "/"), "/")
    return () if value is None else value


def _country(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        return None if text.lower() in ("", "none") else text.upper()
    return value


class ForecastSpec(Spec):
    """Forecast every series (and hierarchy level) of a long table (see :func:`mirae.service.forecast`)."""

    operation: ClassVar[str] = "forecast"
    table: str = Field(min_length=1, description="Long-format table: one row per series and period.")
    id: str = Field(min_length=1, description="Series id column (the bottom level).")
    time: str = Field(min_length=1, description="Time column.")
    target: str = Field(min_length=1, description="Column to forecast (e.g. units sold).")
    h: int = Field(ge=1, description="Horizon in periods.")
    into: str = Field(min_length=1, description="Table to write the forecasts to.")
    mode: WriteMode = "create"
    hierarchy: Annotated[tuple[str, ...], BeforeValidator(_hierarchy)] = Field(
        default=(), description="Levels top-down, e.g. 'group/product/item' (the id may end it)."
    )
    exog: Names = Field(default=(), description="Columns known in the future (price, promotion, events).")
    future: str | None = Field(default=None, description="Table with future values of the exog columns.")
    freq: str | None = None
    fill: Literal["zero", "missing"] | None = None
    negative: Literal["error", "keep", "zero"] = "error"
    models: OptionalNames = None
    level: Annotated[tuple[int, ...], BeforeValidator(_numbers)] = (80, 95)
    n_windows: int = Field(default=3, ge=1, description="Backtest windows used to choose models.")
    reconcile: Literal["mint_shrink", "bottom_up", "top_down"] = "mint_shrink"
    holidays: Annotated[str | None, BeforeValidator(_country)] = Field(
        default="KR", description="Country whose public holidays are features ('none' for none)."
    )
    events: str | None = Field(default=None, description="Table of user events (columns date, event).")
    n_jobs: int = Field(default=-1, description="Processes / threads to use (-1: all cores).")
    track: bool = True
    model_name: str | None = Field(
        default=None, description="Registered model name (default: the into table)."
    )
    register_: bool = Field(
        default=True, alias="register", description="Register the fitted forecaster (needs track)."
    )
    alias: str | None = None
    html: PathText = Field(default=None, description="Also write the forecast report (HTML) here.")
    lang: Lang = "ko"

    @model_validator(mode="after")
    def _levels_above_id(self) -> ForecastSpec:
        if self.hierarchy and self.hierarchy[-1] == self.id:
            object.__setattr__(self, "hierarchy", self.hierarchy[:-1])
        bad = [v for v in self.level if not 0 < v < 100]
        if bad:
            msg = f"level: interval levels are percents between 0 and 100 (e.g. 80,95); got {bad}"
            raise ValueError(msg)
        return self


def _discounts(value: Any) -> Any:
    """Text is percents (``"0,10,20"`` as typed on a command line or in a form); numbers are rates."""
    if isinstance(value, str):
        return tuple(v / 100 for v in _numbers(value))
    return value


class SimulateSpec(Spec):
    """Units and margin per discount / price / promotion scenario (see :func:`mirae.service.simulate`).

    ``discounts`` are rates (0.2 = 20 % off) when given as numbers, percents
    when given as text (``"0,10,20,30,40"``).
    """

    operation: ClassVar[str] = "simulate"
    table: str = Field(min_length=1)
    id: str = Field(min_length=1)
    time: str = Field(min_length=1)
    target: str = Field(min_length=1, description="Units column.")
    price: str = Field(min_length=1, description="Price column.")
    unit_cost: float = Field(ge=0, description="Cost of one unit.")
    h: int = Field(default=4, ge=1, description="Periods the scenario covers.")
    item: str | None = None
    where: Annotated[dict[str, str] | None, BeforeValidator(_pairs)] = None
    promo: str | None = None
    discounts: Annotated[tuple[float, ...], BeforeValidator(_discounts)] = (0.0, 0.1, 0.2, 0.3, 0.4)
    prices: Annotated[tuple[float, ...], BeforeValidator(_numbers)] = ()
    freq: str | None = None
    fill: Literal["zero", "missing"] | None = "zero"
    elasticity: float | None = None
    into: str | None = None
    mode: WriteMode = "create"

    @model_validator(mode="after")
    def _rates(self) -> SimulateSpec:
        bad = [d for d in self.discounts if not 0 <= d < 1]
        if bad:
            msg = f"discounts: rates from 0 up to (not including) 1, i.e. 0 to 99 percent; got {bad}"
            raise ValueError(msg)
        return self


# -- anomaly detection on logs (issue 12, log part) -------------------------------------------
class DetectLogsSpec(Spec):
    """Mine a log file's templates, count them per window and flag anomalies (see :func:`mirae.service.detect_logs`)."""

    operation: ClassVar[str] = "detect-logs"
    source: Annotated[str, BeforeValidator(_path_text)] = Field(min_length=1, description="Log file to read.")
    into: str = Field(
        min_length=1, description="Table of counts per template per window ({into}_lines: the lines)."
    )
    mode: WriteMode = "create"
    format: str | None = Field(
        default=None, description="Line layout: a regex with named groups time and message, or a layout name."
    )
    time_format: str | None = Field(default=None, description="strptime codes, iso or epoch.")
    window: str = Field(
        default="5min", min_length=1, description="Width of a counting window (5min, 1h, 1D)."
    )
    year: int | None = Field(default=None, ge=1970, le=2200, description="Year of year-less times (syslog).")
    encoding: str | None = Field(default=None, description="Text encoding (default: UTF-8, else CP949).")
    similarity: float = Field(
        default=0.4, gt=0, le=1, description="Share of equal tokens to join a template."
    )
    depth: int = Field(default=4, ge=3, description="Depth of the template parse tree.")
    band: float = Field(
        default=4.0, gt=0, description="Normal range of a template's count, in robust deviations."
    )
    warmup: int = Field(default=12, ge=1, description="First windows whose templates count as known.")
    track: bool = True
    html: PathText = Field(default=None, description="Also write the log report (HTML) here.")
    lang: Lang = "ko"


# -- metric anomaly detection (issue 12) -------------------------------------------------------------
def _seasonality(value: Any) -> Any:
    """``auto``, ``none``, ``hour``, ``weekday``, ``week_hour``, or a period in rows typed as text."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


class DetectSpec(Spec):
    """Score metric series for anomalies and list the alerts (see :func:`mirae.service.detect`)."""

    operation: ClassVar[str] = "detect"
    table: str = Field(min_length=1, description="Table of metrics: a time column, metric columns, groups.")
    time: str | None = Field(default=None, description="Time column (default: the row order).")
    value: Names = Field(default=(), description="Metric columns, e.g. cpu,latency (default: every numeric).")
    by: Names = Field(default=(), description="Group columns, e.g. host: each group is its own series.")
    method: Literal["auto", "band", "subpca", "poly", "iforest", "ecod", "pca", "correlation"] = Field(
        default="auto",
        description="auto (chosen per series), band, subpca, poly; iforest, ecod, pca, correlation.",
    )
    threshold: float | None = Field(
        default=None, gt=0, description="Robust z-score above which a row is flagged."
    )
    contamination: float | None = Field(
        default=None, gt=0, lt=0.5, description="Flag this share of the rows instead (e.g. 0.01)."
    )
    min_duration: int = Field(default=1, ge=1, description="Flagged rows an alert needs.")
    cooldown: int = Field(default=3, ge=0, description="Unflagged rows that may separate rows of one alert.")
    duplicates: Literal["mean", "last", "error"] = "mean"
    seasonality: Annotated[
        Literal["auto", "none", "hour", "weekday", "week_hour"] | int, BeforeValidator(_seasonality)
    ] = "auto"
    window: int | None = Field(
        default=None, ge=4, description="Rows per window (window methods, correlation)."
    )
    label: str | None = Field(
        default=None, description="0/1 column of known anomalies: evaluated, not used to fit."
    )
    into: str = Field(min_length=1, description="Table of scored rows ({into}_events: one row per alert).")
    mode: WriteMode = "create"
    seed: int | None = None
    track: bool = True
    model_name: str | None = Field(
        default=None, description="Registered model name (default: the into table)."
    )
    register_: bool = Field(
        default=True, alias="register", description="Register the fitted detector (needs track)."
    )
    alias: str | None = None
    html: PathText = Field(default=None, description="Also write the anomaly report (HTML) here.")
    lang: Lang = "ko"

    @model_validator(mode="after")
    def _one_threshold_rule(self) -> DetectSpec:
        if self.threshold is not None and self.contamination is not None:
            msg = "threshold and contamination: give one of them (a robust z-score, or the share of rows to flag)"
            raise ValueError(msg)
        if isinstance(self.seasonality, int) and self.seasonality < 2:
            msg = f"seasonality: a period of at least 2 rows, or auto/none/hour/weekday/week_hour; got {self.seasonality}"
            raise ValueError(msg)
        clash = sorted(
            {*self.value}
            & {*self.by, *([self.time] if self.time else []), *([self.label] if self.label else [])}
        )
        if clash:
            msg = f"value: the metric columns may not also be the time, group or label columns; got {clash}"
            raise ValueError(msg)
        return self


# -- segmentation (issue 12) ---------------------------------------------------------------------
def _k(value: Any) -> Any:
    """``"auto"`` or a number of segments typed as text (``"5"``)."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "auto":
            return "auto"
        if text.isdigit():
            return int(text)
        msg = f"expected 'auto' or a number of segments (e.g. 5); got {value!r}"
        raise ValueError(msg)
    return value


def _k_range(value: Any) -> Any:
    """``"2..10"``, ``"2-10"`` or ``"2,10"`` -> ``(2, 10)``."""
    if isinstance(value, str):
        parts = [p for p in value.replace("..", ",").replace("-", ",").split(",") if p.strip()]
        try:
            low, high = (int(p) for p in parts)
        except ValueError:
            msg = f"expected the smallest and largest k, e.g. 2..10; got {value!r}"
            raise ValueError(msg) from None
        return (low, high)
    return value


def _date_text(value: Any) -> Any:
    return None if value is None or value == "" else str(value)


DateText = Annotated[str | None, BeforeValidator(_date_text)]


class SegmentSpec(Spec):
    """Segment customers (RFM from transactions) or rows (numeric features) (see :func:`mirae.service.segment`)."""

    operation: ClassVar[str] = "segment"
    table: str = Field(min_length=1, description="Transactions (with rfm) or one row per thing to segment.")
    into: str = Field(min_length=1, description="Table to write the segments to ({into}_profiles beside it).")
    mode: WriteMode = "create"
    rfm: Names = Field(
        default=(), description="Customer, date and amount columns (amount may be quantity*price)."
    )
    features: Names = Field(default=(), description="Numeric columns to segment on (with rfm: RFM columns).")
    id: str | None = Field(default=None, description="Row id column copied to the output (with features).")
    invoice: str | None = Field(default=None, description="Invoice column: frequency counts invoices.")
    as_of: DateText = Field(
        default=None, description="Date recency counts to (default: the day after the last)."
    )
    since: DateText = Field(default=None, description="First date of the window (default: all history).")
    returns: Literal["net", "drop", "error"] = "net"
    method: Literal["kmeans", "gmm", "quantile"] = "kmeans"
    k: Annotated[int | Literal["auto"], BeforeValidator(_k)] = "auto"
    k_range: Annotated[tuple[int, int], BeforeValidator(_k_range)] = (2, 10)
    criterion: Literal["silhouette", "davies_bouldin", "calinski_harabasz", "bic"] | None = None
    missing: Literal["impute", "error"] = "impute"
    stability: int = Field(default=5, ge=0, le=50, description="Refits to measure stability (0: none).")
    seed: int = 0
    model: str | None = Field(
        default=None, description="Assign with this registered segmenter (NAME, NAME@ALIAS, NAME/VERSION)."
    )
    track: bool = True
    model_name: str | None = Field(
        default=None, description="Registered model name (default: the into table)."
    )
    register_: bool = Field(default=True, alias="register", description="Register the fitted segmenter.")
    alias: str | None = None
    html: PathText = Field(default=None, description="Also write the segmentation report (HTML) here.")
    lang: Lang = "ko"

    @model_validator(mode="after")
    def _one_input(self) -> SegmentSpec:
        if not self.rfm and not self.features:
            msg = "give rfm (--rfm customer,date,amount) for a transactions table, or features (--features a,b,c)"
            raise ValueError(msg)
        if self.rfm and len(self.rfm) != 3:
            msg = f"rfm: three columns customer,date,amount (e.g. 'Customer ID,InvoiceDate,Quantity*Price'); got {list(self.rfm)}"
            raise ValueError(msg)
        if not self.rfm and (self.invoice or self.as_of or self.since):
            msg = "invoice, as_of and since apply to RFM features: give rfm (--rfm customer,date,amount) too"
            raise ValueError(msg)
        if self.rfm and self.id:
            msg = "id: with rfm the output has one row per customer already; leave out id"
            raise ValueError(msg)
        if isinstance(self.k, int) and self.k < 1:
            msg = f"k must be 'auto' or at least 1; got {self.k}"
            raise ValueError(msg)
        if self.criterion == "bic" and self.method != "gmm":
            msg = "criterion 'bic' is for Gaussian mixtures: use --method gmm, or another criterion"
            raise ValueError(msg)
        if (
            self.method == "quantile"
            and not self.rfm
            and not {"recency", "frequency", "monetary"} <= set(self.features)
        ):
            msg = "method 'quantile' scores recency, frequency and monetary: give rfm, or features with those columns"
            raise ValueError(msg)
        return self


def _text_source(value: Any) -> Any:
    """``"ITEMS:title,genres"`` -> ``("ITEMS", ("title", "genres"))``; None stays None."""
    if value is None or isinstance(value, tuple | list):
        return tuple(value) if isinstance(value, list) else value
    table, sep, columns = str(value).partition(":")
    names = _names(columns)
    if not sep or not table.strip() or not names:
        msg = f"text: give ITEMS_TABLE:column,column (e.g. films:title,synopsis,genres); got {value!r}"
        raise ValueError(msg)
    return (table.strip(), names)


def _range(value: Any) -> Any:
    if isinstance(value, str):
        low, sep, high = value.replace("..", ",").partition(",")
        try:
            return (float(low), float(high)) if sep else value
        except ValueError:
            msg = f"rating_range: two numbers low..high (e.g. 1..5); got {value!r}"
            raise ValueError(msg) from None
    return value


class RecommendSpec(Spec):
    """Recommend items to every user of an interactions table (see :func:`mirae.service.recommend`)."""

    operation: ClassVar[str] = "recommend"
    table: str = Field(min_length=1, description="Interactions: one row per user and item (rating, time).")
    into: str = Field(min_length=1, description="Table to write the recommendations to (one row per rank).")
    mode: WriteMode = "create"
    user: str = Field(min_length=1, description="User column.")
    item: str = Field(min_length=1, description="Item column (also the items table's id column).")
    rating: str | None = Field(default=None, description="Rating or weight column.")
    time: str | None = Field(default=None, description="Time column (the held-out check holds out the last).")
    text: Annotated[tuple[str, Names] | None, BeforeValidator(_text_source)] = Field(
        default=None, description="ITEMS_TABLE:col,...: item text for content and cold-start items."
    )
    name: str | None = Field(default=None, description="Items-table column naming items in reasons.")
    category: str | None = Field(default=None, description="Items-table column of categories (filters).")
    only_categories: Names = Field(default=(), description="Recommend only items of these categories.")
    exclude_categories: Names = Field(default=(), description="Never recommend items of these categories.")
    method: Literal["hybrid", "ease", "itemknn", "als", "content", "popularity"] = "hybrid"
    k: int = Field(default=10, ge=1, le=1000, description="Items per user.")
    diversity: Annotated[float, Field(ge=0.0, le=1.0)] | Literal["auto"] = Field(
        default="auto",
        description="Re-ranking trade-off 0..1 (0: score only), or auto: the largest within 2 % of validation NDCG@10.",
    )
    weighting: Literal["binary", "count", "rating"] = "binary"
    rating_range: Annotated[tuple[float, float] | None, BeforeValidator(_range)] = None
    evaluate: bool = Field(
        default=True, description="Hold out each user's last interaction and score the model."
    )
    seed: int = 0
    track: bool = True
    model_name: str | None = Field(
        default=None, description="Registered model name (default: the into table)."
    )
    register_: bool = Field(default=True, alias="register", description="Register the fitted recommender.")
    alias: str | None = None
    html: PathText = Field(default=None, description="Also write the recommendation report (HTML) here.")
    lang: Lang = "ko"

    @model_validator(mode="after")
    def _consistent(self) -> RecommendSpec:
        if self.method == "content" and self.text is None:
            msg = "method 'content' needs item text: give text (--text ITEMS_TABLE:col,...)"
            raise ValueError(msg)
        if (self.name or self.category) and self.text is None:
            msg = (
                "name and category are columns of the items table: give text (--text ITEMS_TABLE:col,...) too"
            )
            raise ValueError(msg)
        if (self.only_categories or self.exclude_categories) and not self.category:
            msg = "category filters need the category column: give category (--category COLUMN)"
            raise ValueError(msg)
        if self.weighting == "rating" and not self.rating:
            msg = "weighting 'rating' needs the rating column: give rating (--rating COLUMN)"
            raise ValueError(msg)
        if self.rating_range is not None and self.rating_range[0] >= self.rating_range[1]:
            msg = f"rating_range: low must be below high; got {self.rating_range}"
            raise ValueError(msg)
        return self


class SimilarSpec(Spec):
    """The items most like one item, from a registered recommender (see :func:`mirae.service.similar`)."""

    operation: ClassVar[str] = "similar"
    model: str = Field(min_length=1, description="Registered recommender (NAME, NAME@ALIAS, NAME/VERSION).")
    item: str = Field(min_length=1, description="The item (as written in the item column).")
    k: int = Field(default=10, ge=1, le=1000)
    lang: Lang = "ko"


#: Every spec by its operation name: how a server route or a pipeline step finds its spec.
SPECS: dict[str, type[Spec]] = {
    spec.operation: spec
    for spec in (
        IngestSpec,
        QualitySpec,
        ProfileSpec,
        ExportSpec,
        TrainSpec,
        EvaluateSpec,
        PredictSpec,
        ForecastSpec,
        SimulateSpec,
        SegmentSpec,
        DetectLogsSpec,
        DetectSpec,
        RecommendSpec,
        SimilarSpec,
    )
}
