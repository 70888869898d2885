"""Registered models: list, versions, aliases, and the prediction endpoint (models kept warm)."""

from __future__ import annotations

import threading
import time
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request
from pydantic import BaseModel, Field

from mirae.server._auth import User
from mirae.server._deps import Ctx, Settings, context_for, require
from mirae.server._errors import ApiError

__all__ = ["WarmModels", "router", "serving_router"]

router = APIRouter(prefix="/api/models", tags=["models"])
serving_router = APIRouter(tags=["serving"])

Viewer = Annotated[User, Depends(require("viewer"))]
Admin = Annotated[User, Depends(require("admin"))]
ModelRefPath = Annotated[
    str, Path(description="NAME, NAME@ALIAS or NAME/VERSION.", examples=["telco@champion"], max_length=300)
]


class PredictRequest(BaseModel):
    """Rows to score: one record or a batch, as column -> value objects."""

    rows: list[dict[str, Any]] = Field(min_length=1, max_length=100_000, description="JSON records.")


class PredictResponse(BaseModel):
    """One prediction per row, in the order given."""

    model: str = Field(description="The version that answered (NAME/VERSION).")
    predictions: list[Any]
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
        self._lock = threading.Lock()

    def get(self, ctx: Any, ref: str) -> tuple[Any, Any]:
        """The model behind ``ref`` and its version info."""
        now = time.monotonic()
        cached = self._refs.get(ref)
        if cached is not None and now - cached[0] < self.alias_ttl_s and cached[1] in self._models:
            return self._models[cached[1]]
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


def predict_rows(ctx: Any, warm: WarmModels, ref: str, rows: list[dict[str, Any]]) -> PredictResponse:
    """Score JSON records with a registered model; a missing or mistyped column is a 422 naming it."""
    import numpy as np
    import pandas as pd

    from mirae.service._score import model_features, model_task

    model, info = warm.get(ctx, ref)
    task = model_task(model, info)
    features = model_features(model)
    given = set().union(*(r.keys() for r in rows))
    missing = [c for c in features if c not in given]
    if missing:
        raise ApiError(
            422,
            "missing_columns",
            f"model {info.ref} needs column(s) {missing}; the rows have {sorted(given)}.",
            "Send every training column (null is allowed for a missing value).",
        )
    frame = pd.DataFrame.from_records(rows, columns=features)
    predicted = np.asarray(model.predict(frame))
    probabilities = None
    if task != "regression" and hasattr(model, "predict_proba"):
        proba = np.asarray(model.predict_proba(frame), dtype=float)
        classes = [str(c.item() if hasattr(c, "item") else c) for c in model.classes_]
        probabilities = [dict(zip(classes, map(float, row), strict=True)) for row in proba]
    return PredictResponse(
        model=info.ref,
        predictions=[p.item() if hasattr(p, "item") else p for p in predicted],
        probabilities=probabilities,
        ignored_columns=sorted(given - set(features)),
    )


@serving_router.post("/models/{ref:path}/predict")
def predict(
    ref: ModelRefPath,
    request: Request,
    config: Settings,
    user: Viewer,
    body: Annotated[PredictRequest, Body()],
) -> PredictResponse:
    """Predict for one row or a batch with ``NAME@ALIAS`` (or ``NAME/VERSION``); the model stays warm."""
    state = request.app.state
    if not hasattr(state, "serving_context"):  # one registry client for every prediction
        state.serving_context = context_for(config, user)
    return predict_rows(state.serving_context, _warm(request), ref, body.rows)
