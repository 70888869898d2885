"""Per-row explanations of a registered model's predictions: SHAP contributions of each input column.

The values come from :func:`mirae.evaluate._shap.shap_values_by_column`, the
function the model report uses, with a seeded sample of the model's own
training table (the snapshot it recorded) as the background rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from mirae.server._errors import ApiError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BACKGROUND_ROWS",
    "MAX_EXPLAINED_ROWS",
    "ExplainResponse",
    "FeatureContribution",
    "RowExplanation",
    "explain_frame",
    "training_sample",
]

#: Background rows drawn (seeded) from the training table; each explained row costs one model
#: call on (2 x columns + 1) x this many rows.
BACKGROUND_ROWS = 20
#: Rows one explanation request may hold (the model-agnostic SHAP route explains at most 60).
MAX_EXPLAINED_ROWS = 50


class FeatureContribution(BaseModel):
    """One input column's share of a row's prediction."""

    feature: str
    value: Any = Field(description="The row's value of the column, as sent.")
    contribution: float = Field(description="Its SHAP value: how far it moves the output from the baseline.")


class RowExplanation(BaseModel):
    """A row's prediction and every column's contribution, largest absolute contribution first."""

    prediction: Any
    probabilities: dict[str, float] | None = None
    contributions: list[FeatureContribution]


class ExplainResponse(BaseModel):
    """Per-row SHAP explanations, in the order the rows were given."""

    model: str = Field(description="The version that answered (NAME/VERSION).")
    explainer: str = Field(
        description=(
            "The explainer used: tree or linear (shap's exact explainers), or permutation (one "
            "antithetic permutation per row against the background rows; contributions add up exactly)."
        )
    )
    explains: str = Field(description="What the contributions add up to (minus the baseline).")
    baseline: float | None = Field(
        default=None,
        description="The mean output over the background rows, when the contributions add to it.",
    )
    background_rows: int
    rows: list[RowExplanation]
    ignored_columns: list[str] = Field(default_factory=list)


def training_sample(ctx: Any, info: Any, features: list[str], rows: int = BACKGROUND_ROWS) -> pd.DataFrame:
    """A seeded sample of ``rows`` rows of the table snapshot a model version was trained on (its features)."""
    table, snapshot = info.tags.get("mirae.table"), info.tags.get("mirae.snapshot_id")
    hint = "Explanations compare a row with rows of the training table; restore that table (or snapshot)."
    if not table:
        raise ApiError(
            409, "no_training_table", f"model {info.ref} does not record the table it was trained on.", hint
        )
    ws = ctx.workspace
    snapshot_id = int(snapshot) if snapshot not in (None, "", "None") else None
    try:
        con = ws.connect(snapshots={table: snapshot_id}, only=[table])
    except Exception as error:  # noqa: BLE001 - a dropped table or an expired snapshot: the same answer
        raise ApiError(
            409,
            "no_training_table",
            f"model {info.ref} was trained on table {table!r} (snapshot {snapshot_id}), which this "
            f"workspace cannot read: {error}.",
            hint,
        ) from error
    try:
        columns = ", ".join('"' + c.replace('"', '""') + '"' for c in features)
        query = f'SELECT {columns} FROM "{table.replace(chr(34), chr(34) * 2)}" USING SAMPLE reservoir({int(rows)} ROWS) REPEATABLE (0)'  # noqa: S608 - quoted identifiers
        return con.execute(query).df()
    finally:
        con.close()


def _as_training_types(frame: pd.DataFrame, background: pd.DataFrame, schema: dict[str, str]) -> pd.DataFrame:
    """The request's rows with numeric columns as numbers (``"1,200"`` -> 1200.0), like the training rows."""
    import pandas as pd

    frame = frame.copy()
    for column, role in schema.items():
        if role == "numeric" and column in frame:
            text = frame[column].map(
                lambda v: (v.replace(",", "").strip() or None) if isinstance(v, str) else v
            )
            frame[column] = pd.to_numeric(text, errors="coerce").astype(float)
        elif column in frame and column in background and background[column].dtype == object:
            frame[column] = frame[column].astype(object)
    return frame


def explain_frame(
    model: Any,
    info: Any,
    task: str,
    frame: pd.DataFrame,
    raw_rows: list[dict[str, Any]],
    background: pd.DataFrame,
    schema: dict[str, str],
) -> ExplainResponse:
    """SHAP contributions for each row of ``frame`` (the request's rows in the model's columns)."""
    import numpy as np

    from mirae.evaluate._shap import _model_output, shap_values_by_column
    from mirae.server.routes.models import plain, score_frame

    if len(frame) > MAX_EXPLAINED_ROWS:
        raise ApiError(
            422,
            "too_many_rows",
            f"an explanation takes at most {MAX_EXPLAINED_ROWS} rows; got {len(frame)}.",
            "Split the rows into smaller requests, or use /predict for predictions alone.",
        )
    frame = _as_training_types(frame, background, schema)
    result = shap_values_by_column(
        model,
        frame,
        max_samples=len(frame),
        background_size=len(background),
        background=background,
        random_state=0,
    )
    values = result.values.reset_index(drop=True)
    classifier = task != "regression"
    predictions, probabilities = score_frame(model, task, frame)
    additive = result.explainer == "permutation"
    n_classes = len(getattr(model, "classes_", ()))
    if not classifier:
        explains = "the predicted value"
    elif n_classes == 2:
        positive = plain(model.classes_[1])
        kind = "the log-odds" if result.explainer == "linear" else "the probability"
        explains = f"{kind} of class {positive!r}"
    else:
        explains = "the class probabilities (mean absolute contribution over classes, unsigned)"
        additive = False
    baseline = None
    if additive:
        baseline = float(np.mean(_model_output(model, background, classifier)))
    given = set().union(*(r.keys() for r in raw_rows))
    explained = []
    for index in range(len(frame)):
        row = values.iloc[index]
        order = row.abs().sort_values(ascending=False, kind="stable").index
        contributions = [
            FeatureContribution(feature=str(c), value=raw_rows[index].get(str(c)), contribution=float(row[c]))
            for c in order
        ]
        explained.append(
            RowExplanation(
                prediction=predictions[index],
                probabilities=None if probabilities is None else probabilities[index],
                contributions=contributions,
            )
        )
    return ExplainResponse(
        model=info.ref,
        explainer=result.explainer,
        explains=explains,
        baseline=baseline,
        background_rows=len(background),
        rows=explained,
        ignored_columns=sorted(given - set(frame.columns)),
    )
