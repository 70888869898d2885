"""Registered models: list, versions, aliases, the prediction and explanation endpoints (models kept warm)."""

from __future__ import annotations

import threading
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from mirae.server._auth import User
from mirae.server._deps import Ctx, Settings, context_for, require
from mirae.server._errors import ApiError
from mirae.server.routes._explain import ExplainResponse, explain_frame, training_sample
from mirae.server.routes._recommend import is_recommender, recommend_rows, similar_rows

__all__ = [
    "ExplainResponse",
    "PredictResponse",
    "WarmModels",
    "check_rows",
    "explain_rows",
    "input_schema",
    "predict_rows",
    "router",
    "serving_router",
    "similar_rows_of",
]

router = APIRouter(prefix="/api/models", tags=["models"])
serving_router = APIRouter(tags=["serving"])

Viewer = Annotated[User, Depends(require("viewer"))]
Admin = Annotated[User, Depends(require("admin"))]
ReasonLang = Annotated[
    Literal["ko", "en"], Query(description="Language of a recommender's reasons (ko or en).")
]
ModelRefPath = Annotated[
    str, Path(description="NAME, NAME@ALIAS or NAME/VERSION.", examples=["telco@champion"], max_length=300)
]


class PredictRequest(BaseModel):
    """Rows to score: one record or a batch, as column -> value objects."""

    rows: list[dict[str, Any]] = Field(min_length=1, max_length=100_000, description="JSON records.")


class PredictResponse(BaseModel):
    """One prediction per row, in the order given."""

    model: str = Field(description="The version that answered (NAME/VERSION).")
    predictions: list[Any] = Field(
        description="Per row, the prediction; for a recommender, its list of {item, rank, score, reason}."
    )
    probabilities: list[dict[str, float]] | None = Field(
        default=None, description="Per row, the probability of each class (classifiers)."
    )
    ignored_columns: list[str] = Field(default_factory=list)


class WarmModels:
    """Fitted models loaded once per version and kept in memory; aliases re-resolved every few seconds.

    An alias moved with ``mirae alias`` (or the API) answers from its new
    version within :attr:`alias_ttl_s` seconds; a version, once loaded, is
    never read from disk again.
    """

    alias_ttl_s = 5.0

    def __init__(self) -> None:
        self._models: dict[str, tuple[Any, Any]] = {}
        self._refs: dict[str, tuple[float, str]] = {}
        self._schemas: dict[str, dict[str, str]] = {}
        self._backgrounds: dict[str, Any] = {}
        self._facts: dict[str, tuple[str, list[str], dict[str, str]]] = {}
        self._lock = threading.Lock()

    def background(self, ctx: Any, info: Any, features: list[str]) -> Any:
        """A seeded sample of the version's training rows, read once (the background of explanations)."""
        sample = self._backgrounds.get(info.ref)
        if sample is None:
            sample = self._backgrounds[info.ref] = training_sample(ctx, info, features)
        return sample

    def schema(self, version_ref: str, model: Any) -> dict[str, str]:
        """The input columns and roles of a loaded version (read once; see :func:`input_schema`)."""
        schema = self._schemas.get(version_ref)
        if schema is None:
            schema = self._schemas[version_ref] = input_schema(model)
        return schema

    def serving_facts(self, version_ref: str, model: Any, info: Any) -> tuple[str, list[str], dict[str, str]]:
        """A loaded version's task, input columns and column roles, worked out once."""
        facts = self._facts.get(version_ref)
        if facts is None:
            from mirae.service._score import model_features, model_task

            facts = (model_task(model, info), model_features(model), self.schema(version_ref, model))
            self._facts[version_ref] = facts
        return facts

    def ready(self, ref: str) -> bool:
        """Whether ``ref`` answers from memory now (loaded, alias checked within the last few seconds)."""
        cached = self._refs.get(ref)
        return (
            cached is not None
            and time.monotonic() - cached[0] < self.alias_ttl_s
            and cached[1] in self._models
        )

    def get(self, ctx: Any, ref: str) -> tuple[Any, Any]:
        """The model behind ``ref`` and its version info."""
        if self.ready(ref):
            return self._models[self._refs[ref][1]]
        now = time.monotonic()
        info = ctx.tracker().registry.get(ref)
        with self._lock:
            if info.ref not in self._models:
                model, loaded = ctx.tracker().registry.load(info.ref)
                self._models[info.ref] = (model, loaded)
            self._refs[ref] = (now, info.ref)
            return self._models[info.ref]


def _warm(request: Request) -> WarmModels:
    state = request.app.state
    if not hasattr(state, "warm_models"):
        state.warm_models = WarmModels()
    warm: WarmModels = state.warm_models
    return warm


@router.get("")
def list_models(ctx: Ctx, user: Viewer) -> list[dict[str, Any]]:
    """Every registered model with its latest version and aliases."""
    from mirae.service import list_models as registered

    return [m.to_dict() for m in registered(ctx)]


@router.get("/{name}/versions")
def versions(name: Annotated[str, Path(max_length=200)], ctx: Ctx, user: Viewer) -> list[dict[str, Any]]:
    """The versions of a model with their lineage (table, snapshot, task, run)."""
    from mirae.service import model_versions

    return [v.to_dict() for v in model_versions(ctx, name)]


class AliasRequest(BaseModel):
    """Where an alias should point."""

    version: int = Field(ge=1)


@router.put("/{name}/aliases/{alias}")
def set_alias(
    name: Annotated[str, Path(max_length=200)],
    alias: Annotated[str, Path(max_length=100)],
    body: AliasRequest,
    ctx: Ctx,
    user: Admin,
) -> dict[str, Any]:
    """Point ``name@alias`` at a version (admins)."""
    from mirae.service import set_alias as move

    return move(ctx, name, alias, body.version).to_dict()


#: JSON values each column role accepts (null is a missing value everywhere).
_ROLE_TEXT = {"numeric": "a number", "categorical": "text or a number", "datetime": "a date or time text"}


def input_schema(model: Any) -> dict[str, str]:
    """The columns a fitted model reads and their role (``numeric``, ``categorical``, ``datetime``).

    Read from the :class:`~mirae.prep.TablePreprocessor` of each fitted
    pipeline (``schema_``); columns the preprocessor dropped (ids, constants)
    are not needed. A model without one needs every training column, of any type.
    """
    from mirae.prep import TablePreprocessor
    from mirae.service._score import model_features

    roles: dict[str, str] = {}
    pipelines = list(getattr(model, "models_", {}).values()) or [model]
    for pipeline in pipelines:
        steps = getattr(pipeline, "steps", [])
        for _, step in steps:
            if isinstance(step, TablePreprocessor) and hasattr(step, "schema_"):
                schema = step.schema_
                roles.update(dict.fromkeys([*schema.numeric, *schema.numeric_text], "numeric"))
                roles.update(dict.fromkeys(schema.categorical, "categorical"))
                roles.update(dict.fromkeys(schema.datetime, "datetime"))
    if not roles:
        return dict.fromkeys(model_features(model), "any")
    order = {c: i for i, c in enumerate(model_features(model))}
    return dict(sorted(roles.items(), key=lambda kv: order.get(kv[0], len(order))))


def _bad_value(role: str, value: Any) -> bool:
    """Whether a JSON ``value`` cannot stand in a column of ``role``."""
    if value is None:
        return False
    if isinstance(value, dict | list):
        return True
    if role == "numeric":
        if isinstance(value, bool | int | float):
            return False
        text = str(value).strip().replace(",", "")
        if not text:
            return False
        try:
            float(text)
        except ValueError:
            return True
        return False
    if role == "datetime":
        if not isinstance(value, str):
            return True
        from datetime import datetime

        try:
            datetime.fromisoformat(value.strip())
        except ValueError:
            return True
    return False


def check_rows(ref: str, schema: dict[str, str], rows: list[dict[str, Any]]) -> None:
    """A 422 naming the first missing column or the first value of the wrong type."""
    given: set[str] = set().union(*(r.keys() for r in rows))
    missing = [c for c in schema if c not in given]
    if missing:
        raise ApiError(
            422,
            "missing_columns",
            f"model {ref} needs column(s) {missing}; the rows have {sorted(given)}.",
            "Send every training column (null is allowed for a missing value).",
        )
    for column, role in schema.items():
        if role == "any":
            continue
        for index, row in enumerate(rows):
            value = row.get(column)
            if _bad_value(role, value):
                raise ApiError(
                    422,
                    "wrong_type",
                    f"column {column!r} must be {_ROLE_TEXT[role]}; got {value!r} in row {index}.",
                    f"Send {_ROLE_TEXT[role]} (or null for a missing value) in {column!r}; "
                    f"GET /api/models/{ref}/inputs lists each column's type.",
                )


def plain(value: Any) -> Any:
    """A numpy scalar as the Python value JSON carries (``np.int64(1)`` -> ``1``)."""
    return value.item() if hasattr(value, "item") else value


def score_frame(model: Any, task: str, frame: Any) -> tuple[list[Any], list[dict[str, float]] | None]:
    """Each row's prediction and, for a classifier, its class probabilities, from one pass of the model."""
    import numpy as np

    if task == "regression" or not hasattr(model, "predict_proba"):
        return [plain(p) for p in np.asarray(model.predict(frame))], None
    proba = np.asarray(model.predict_proba(frame), dtype=float)
    if hasattr(model, "classes_from_proba"):
        labels = model.classes_from_proba(proba)
    else:  # a classifier without mirae's helper: the most probable class
        labels = np.asarray(model.classes_)[proba.argmax(axis=1)]
    classes = [str(plain(c)) for c in model.classes_]
    probabilities = [dict(zip(classes, map(float, row), strict=True)) for row in proba]
    return [plain(p) for p in labels], probabilities


def explain_rows(ctx: Any, warm: WarmModels, ref: str, rows: list[dict[str, Any]]) -> ExplainResponse:
    """Each row's prediction and the SHAP contribution of every input column, largest first.

    The contributions are computed as in the model report (shap, on the
    model's raw input frame), against a seeded sample of the table snapshot
    the version was trained on; a missing or mistyped column is a 422 naming it.
    """
    import pandas as pd

    from mirae.service._score import model_features, model_task

    model, info = warm.get(ctx, ref)
    task = model_task(model, info)
    features = model_features(model)
    schema = warm.schema(info.ref, model)
    check_rows(info.ref, schema, rows)
    frame = pd.DataFrame.from_records(rows, columns=features)
    background = warm.background(ctx, info, features)
    return explain_frame(model, info, task, frame, rows, background, schema)


def predict_rows(
    ctx: Any, warm: WarmModels, ref: str, rows: list[dict[str, Any]], lang: str = "en"
) -> PredictResponse:
    """Score JSON records with a registered model; a missing or mistyped column is a 422 naming it.

    A warm version answers without reading the registry (aliases are checked
    every :attr:`WarmModels.alias_ttl_s` seconds) and runs the model once per
    request: a classifier's label is derived from its probabilities.
    """
    import pandas as pd

    model, info = warm.get(ctx, ref)
    if is_recommender(info):
        return PredictResponse(model=info.ref, predictions=recommend_rows(model, info, rows, lang))
    task, features, schema = warm.serving_facts(info.ref, model, info)
    check_rows(info.ref, schema, rows)
    frame = pd.DataFrame.from_records(rows, columns=features)
    predictions, probabilities = score_frame(model, task, frame)
    known = set(features)
    ignored = (
        sorted({c for r in rows for c in r if c not in known})
        if len(rows) > 1
        else sorted(set(rows[0]) - known)
    )
    return PredictResponse(
        model=info.ref, predictions=predictions, probabilities=probabilities, ignored_columns=ignored
    )


def similar_rows_of(
    ctx: Any, warm: WarmModels, ref: str, rows: list[dict[str, Any]], lang: str = "en"
) -> PredictResponse:
    """For each row ``{"item": ..., "k": 10}`` the items a registered recommender finds most like it."""
    model, info = warm.get(ctx, ref)
    if not is_recommender(info):
        raise ApiError(
            422,
            "not_a_recommender",
            f"model {info.ref} is not a recommender (task {info.tags.get('mirae.task')!r}).",
            "Give a model registered by `mirae recommend`; POST /models/{ref}/predict scores rows.",
        )
    return PredictResponse(model=info.ref, predictions=similar_rows(model, info, rows, lang))


class InputColumn(BaseModel):
    """One column a model reads: its name and the kind of value it takes."""

    name: str
    role: Literal["numeric", "categorical", "datetime", "any"]


class ModelInputs(BaseModel):
    """What a prediction request must send: one value per column (null for missing)."""

    model: str = Field(description="The version that answers (NAME/VERSION).")
    task: str
    columns: list[InputColumn]


@router.get("/{ref:path}/inputs", response_model=ModelInputs)
def model_inputs(ref: ModelRefPath, request: Request, ctx: Ctx, user: Viewer) -> ModelInputs:
    """The columns a model's prediction needs and the type of each (for forms and clients)."""
    from mirae.service._score import model_task

    warm = _warm(request)
    model, info = warm.get(ctx, ref)
    schema = warm.schema(info.ref, model)
    return ModelInputs(
        model=info.ref,
        task=model_task(model, info),
        columns=[InputColumn(name=c, role=r) for c, r in schema.items()],  # type: ignore[arg-type]
    )


@router.post("/{ref:path}/explain", response_model=ExplainResponse)
def explain(
    ref: ModelRefPath,
    request: Request,
    ctx: Ctx,
    user: Viewer,
    body: Annotated[PredictRequest, Body()],
) -> ExplainResponse:
    """Why the model predicts what it does for each row (at most 50): the prediction and every column's
    SHAP contribution (largest absolute first, with the row's value), as in the model report.

    The contributions of a row add up to its output minus ``baseline`` (the mean
    output over a seeded sample of the training table); ``explains`` says which
    output (the positive-class probability of a binary classifier, the value of
    a regressor).
    """
    return explain_rows(ctx, _warm(request), ref, body.rows)


@router.get("/{name}/versions/{version}/report", response_class=HTMLResponse)
def model_report(
    name: Annotated[str, Path(max_length=200)],
    version: Annotated[int, Path(ge=1, le=10**9)],
    ctx: Ctx,
    user: Viewer,
) -> HTMLResponse:
    """The evaluation report (HTML) logged with a model version's training run; 404 when none was logged."""
    import tempfile
    from pathlib import Path as FilePath

    info = ctx.tracker().registry.get(f"{name}/{version}")
    if not info.run_id:
        raise ApiError(
            404, "no_report", f"model {info.ref} has no run, so no report.", "Train it with mirae train."
        )
    client = ctx.tracker().client
    names = {a.path for a in client.list_artifacts(info.run_id)}
    if "report.html" not in names:
        raise ApiError(
            404,
            "no_report",
            f"the run of model {info.ref} logged no evaluation report (trained with holdout=0?).",
            "Evaluate it on a table: POST /api/jobs with kind 'evaluate'.",
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = client.download_artifacts(info.run_id, "report.html", tmp)
        text = FilePath(path).read_text(encoding="utf-8")
    return HTMLResponse(text, headers={"Content-Security-Policy": "frame-ancestors 'self'"})


def _serving_context(request: Request, config: Any, user: Any) -> Any:
    """The one service context (and registry client) every prediction of this app shares."""
    state = request.app.state
    if not hasattr(state, "serving_context"):
        state.serving_context = context_for(config, user)
    return state.serving_context


#: Up to this many rows a prediction is computed on the event loop (a millisecond of work costs
#: less there than a hop to a worker thread); larger batches run in the thread pool.
INLINE_ROWS = 16


@serving_router.post("/models/{ref:path}/predict")
async def predict(
    ref: ModelRefPath,
    request: Request,
    config: Settings,
    user: Viewer,
    body: Annotated[PredictRequest, Body()],
    lang: ReasonLang = "en",
) -> PredictResponse:
    """Predict for one row or a batch with ``NAME@ALIAS`` (or ``NAME/VERSION``); the model stays warm.

    A recommender takes rows ``{USER: "u1", "k": 10}`` (``USER``: the user
    column's name at training; ``k`` optional, 10) and answers each with its
    recommendations ``[{item, rank, score, reason}, ...]``; a user unseen at
    training gets the cold-start (most popular) items.
    """
    warm = _warm(request)
    args = (_serving_context(request, config, user), warm, ref, body.rows, lang)
    if warm.ready(ref) and len(body.rows) <= INLINE_ROWS:
        answer = predict_rows(*args)
    else:  # a batch, or the first call of a version (it loads the model files): not on the event loop
        answer = await run_in_threadpool(predict_rows, *args)
    # serialised here by pydantic's own encoder: FastAPI would validate the model again first
    return Response(answer.model_dump_json(), media_type="application/json")  # type: ignore[return-value]


@serving_router.post("/models/{ref:path}/similar")
def similar(
    ref: ModelRefPath,
    request: Request,
    config: Settings,
    user: Viewer,
    body: Annotated[PredictRequest, Body()],
    lang: ReasonLang = "en",
) -> PredictResponse:
    """Items like each row's item, from a registered recommender: rows ``{"item": "i1", "k": 10}``.

    Each row is answered with ``[{item, rank, score, reason}, ...]`` (as ``mirae
    similar``); an item the model does not know gets the most popular items,
    with a reason saying so.
    """
    return similar_rows_of(_serving_context(request, config, user), _warm(request), ref, body.rows, lang)
