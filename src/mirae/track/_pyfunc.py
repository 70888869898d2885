"""The ``MLmodel`` of a mirae model folder, and MLflow's ``python_function`` entry point.

The folder's ``MLmodel`` names this module as the ``loader_module`` of the
``python_function`` flavour, so MLflow's tools (``mlflow models serve``,
``mlflow.pyfunc.load_model``) read a mirae model through
:func:`~mirae.track._model_files.load_model_folder` — never through pickle.
Loaded this way the folder is checked against its own manifest (a guard
against damaged files); mirae's registry also checks the digest recorded in
the tracking database, which a writer of the artifact store cannot change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["write_mlmodel"]

MLMODEL = "MLmodel"
REQUIREMENTS = "requirements.txt"


def write_mlmodel(
    folder: Path,
    *,
    predict_fn: str,
    metadata: Mapping[str, Any] | None,
    requirements: Sequence[str],
) -> None:
    """Write ``MLmodel`` and ``requirements.txt`` into a model folder."""
    import warnings

    with warnings.catch_warnings():
        # mlflow 3.17 warns on import that an ``Any`` type hint of its own wrapper is not
        # validated; nothing a caller can act on (checked 2026-12-02)
        warnings.filterwarnings("ignore", ".*Any type hint is inferred as AnyType", UserWarning)
        from mlflow.models import Model
        from mlflow.pyfunc import add_to_model

    model = Model(metadata=dict(metadata) if metadata else None)
    add_to_model(
        model,
        loader_module="mirae.track._pyfunc",
        data=".",
        model_config={"predict_fn": predict_fn},
    )
    model.save(str(folder / MLMODEL))
    (folder / REQUIREMENTS).write_text("\n".join(requirements) + "\n", encoding="utf-8")


class PyfuncModel:
    """What ``mlflow.pyfunc`` serves: ``predict`` calls the estimator's ``predict_fn``."""

    def __init__(self, model: Any, predict_fn: str) -> None:
        self.model = model
        self.predict_fn = predict_fn

    def predict(self, model_input: Any, params: dict[str, Any] | None = None) -> Any:
        """Predictions (or class probabilities) for a frame of rows."""
        return getattr(self.model, self.predict_fn)(model_input)

    def get_raw_model(self) -> Any:
        """The mirae estimator."""
        return self.model


def _load_pyfunc(data_path: str, model_config: dict[str, Any] | None = None) -> PyfuncModel:
    """MLflow's loader hook: read the folder safely after checking it against its manifest."""
    from mirae.track._model_files import load_model_folder, verify_manifest

    folder = Path(data_path)
    # MLflow adds ``registered_model_meta`` when it downloads a registered model; it is not read here
    verify_manifest(folder, label=str(folder), ignore=("registered_model_meta",))
    model = load_model_folder(folder, digest=None, label=str(folder))
    return PyfuncModel(model, (model_config or {}).get("predict_fn", "predict"))
