"""MLflow tracking without global state: a :class:`Tracker` holds its own client and URI.

Nothing here calls MLflow's fluent API (``mlflow.set_experiment``,
``mlflow.start_run``): every call goes through an ``MlflowClient`` built for
an explicit tracking URI, so two trackers (two workspaces, a test and a
server) never see each other's "current" run. MLflow itself is imported on
first use.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mirae.core._json import dumps
from mirae.errors import ConfigError, TrackingError

if TYPE_CHECKING:
    import pandas as pd
    from mlflow.tracking import MlflowClient

    from mirae.track._registry import Registry

__all__ = ["TRACKING_URI_ENV", "RunLogger", "Tracker", "workspace_tracking_uri"]

#: Environment variable naming a tracking URI that overrides the workspace's own store.
TRACKING_URI_ENV = "MIRAE_TRACKING_URI"
#: Run (and model version) tags: the SHA-256 digest of the stored model folder, and its artifact path.
MODEL_DIGEST_TAG = "mirae.model_digest"
MODEL_PATH_TAG = "mirae.model_path"
#: The workspace's own store and artifact folder.
STORE_FILE = "mlflow.db"
ARTIFACTS_DIR = "mlartifacts"
#: MLflow rejects longer parameter values.
MAX_PARAM_CHARS = 6000
#: Entities per ``log_batch`` call (MLflow allows 1000 metrics / 100 params).
BATCH = 100


def workspace_tracking_uri(path: str | os.PathLike[str]) -> str:
    """The default tracking store of a workspace: ``sqlite:///<path>/mlflow.db``.

    Examples
    --------
    >>> workspace_tracking_uri("/data/ws")
    'sqlite:////data/ws/mlflow.db'
    """
    return f"sqlite:///{Path(path).resolve() / STORE_FILE}"


class Tracker:
    """Logs runs to one MLflow tracking store and registry.

    Parameters
    ----------
    tracking_uri : str
        Any MLflow tracking URI: ``sqlite:///…``, ``postgresql://…``,
        ``http(s)://`` of a tracking server, or a ``file:`` folder.
    artifact_root : str, optional
        Where experiments created by this tracker keep their artifacts (a
        folder path or URI); ``None`` leaves it to the tracking server.
    registry_uri : str, optional
        Model registry URI (default: the tracking URI).

    Examples
    --------
    >>> import tempfile
    >>> tracker = Tracker.for_workspace(tempfile.mkdtemp())
    >>> tracker.tracking_uri.endswith("mlflow.db")
    True
    """

    def __init__(
        self,
        tracking_uri: str,
        *,
        artifact_root: str | None = None,
        registry_uri: str | None = None,
        workspace: str | os.PathLike[str] | None = None,
    ) -> None:
        if not tracking_uri:
            msg = "tracking_uri must be a non-empty MLflow tracking URI, e.g. sqlite:///path/mlflow.db."
            raise ConfigError(msg)
        self.tracking_uri = tracking_uri
        self.registry_uri = registry_uri or tracking_uri
        self.artifact_root = artifact_root
        #: the workspace folder whose own store this is (None for any other store)
        self.workspace = Path(workspace) if workspace is not None else None
        self._client: MlflowClient | None = None

    def __repr__(self) -> str:
        return f"Tracker({self.tracking_uri!r})"

    @classmethod
    def for_workspace(cls, path: str | os.PathLike[str], *, tracking_uri: str | None = None) -> Tracker:
        """The tracker of a workspace folder.

        ``tracking_uri`` wins (the command line fills it from
        ``MIRAE_TRACKING_URI``); otherwise the workspace's own store:
        ``<path>/mlflow.db`` with artifacts in ``<path>/mlartifacts``.
        """
        if tracking_uri:
            return cls(tracking_uri)
        folder = Path(path).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        return cls(
            workspace_tracking_uri(folder),
            artifact_root=(folder / ARTIFACTS_DIR).as_uri(),
            workspace=folder,
        )

    @property
    def client(self) -> MlflowClient:
        """The ``MlflowClient`` of this tracker (created on first use).

        A workspace's own store is created (or migrated) under the workspace's
        writer lock, so that processes starting at once on a fresh workspace
        take turns instead of racing through MLflow's schema migration, and
        its stored locations are moved to the workspace's current folder
        (see :func:`mirae.track._relocate.relocate_store`).
        """
        if self._client is None:
            _configure_sql_models()
            if self.workspace is not None:
                from mirae.lake import writer_lock
                from mirae.track._relocate import relocate_store

                with writer_lock(self.workspace):
                    relocate_store(self.workspace / STORE_FILE, self.workspace)
                    self._client = _open_client(self.tracking_uri, self.registry_uri)
            else:
                self._client = _open_client(self.tracking_uri, self.registry_uri)
        return self._client

    def open(self) -> Tracker:
        """Connect to the store now (creating it when new) and return ``self``.

        Jobs call this before their work starts, so that an unreachable or
        broken tracking store fails in a second rather than after the training.

        Raises
        ------
        TrackingError
            The store cannot be opened; the message names the URI.
        """
        _ = self.client
        return self

    @property
    def registry(self) -> Registry:
        """The model registry of this tracker's store."""
        from mirae.track._registry import Registry

        return Registry(self)

    def experiment_id(self, name: str) -> str:
        """The id of the experiment ``name``, created when it does not exist yet."""
        if not name:
            msg = "an experiment needs a non-empty name."
            raise ConfigError(msg)
        found = self.client.get_experiment_by_name(name)
        if found is not None:
            if found.lifecycle_stage == "deleted":
                self.client.restore_experiment(found.experiment_id)
            return str(found.experiment_id)
        location = None
        if self.artifact_root is not None:
            location = f"{self.artifact_root.rstrip('/')}/{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}"
        return str(self.client.create_experiment(name, artifact_location=location))

    @contextmanager
    def start_run(
        self,
        experiment: str,
        *,
        run_name: str | None = None,
        tags: Mapping[str, Any] | None = None,
    ) -> Iterator[RunLogger]:
        """Open a run in ``experiment``; it ends FINISHED, or FAILED when the block raises.

        Examples
        --------
        >>> import tempfile
        >>> tracker = Tracker.for_workspace(tempfile.mkdtemp())
        >>> with tracker.start_run("demo", tags={"mirae.table": "sales"}) as run:
        ...     run.log_metrics({"rmse": 1.5})
        >>> tracker.client.get_run(run.run_id).data.metrics
        {'rmse': 1.5}
        """
        experiment_id = self.experiment_id(experiment)
        created = self.client.create_run(
            experiment_id, run_name=run_name, tags={k: str(v) for k, v in (tags or {}).items()}
        )
        run = RunLogger(self, created.info.run_id, experiment_id, created.info.artifact_uri)
        try:
            yield run
        except BaseException:
            self.client.set_terminated(run.run_id, status="FAILED")
            raise
        self.client.set_terminated(run.run_id, status="FINISHED")

    def runs(self, experiment: str, *, max_results: int = 100) -> list[Any]:
        """The latest runs of ``experiment`` (MLflow ``Run`` objects), newest first."""
        found = self.client.get_experiment_by_name(experiment)
        if found is None:
            return []
        return list(
            self.client.search_runs(
                [found.experiment_id], order_by=["attributes.start_time DESC"], max_results=max_results
            )
        )


@dataclass
class RunLogger:
    """Writes params, metrics, tags and artifacts into one open run of a :class:`Tracker`."""

    tracker: Tracker
    run_id: str
    experiment_id: str
    artifact_uri: str

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        """Set string tags on the run (``None`` values are skipped)."""
        from mlflow.entities import RunTag

        entities = [RunTag(str(k), str(v)) for k, v in tags.items() if v is not None]
        for start in range(0, len(entities), BATCH):
            self.tracker.client.log_batch(self.run_id, tags=entities[start : start + BATCH])

    def log_params(self, params: Mapping[str, Any]) -> None:
        """Log parameters; values become strings (JSON for lists and dicts), cut to MLflow's limit."""
        from mlflow.entities import Param

        entities = []
        for key, value in params.items():
            if value is None:
                continue
            text = dumps(value, sort_keys=True) if isinstance(value, list | dict) else str(value)
            entities.append(Param(str(key), text[:MAX_PARAM_CHARS]))
        for start in range(0, len(entities), BATCH):
            self.tracker.client.log_batch(self.run_id, params=entities[start : start + BATCH])

    def log_metrics(self, metrics: Mapping[str, Any], *, step: int = 0) -> None:
        """Log numeric metrics at ``step``; non-numeric and non-finite values are skipped."""
        from mlflow.entities import Metric

        stamp = _now_ms()
        entities = [Metric(str(k), float(v), stamp, step) for k, v in metrics.items() if _is_finite_number(v)]
        for start in range(0, len(entities), BATCH):
            self.tracker.client.log_batch(self.run_id, metrics=entities[start : start + BATCH])

    def log_fold_metrics(self, scores: Mapping[str, Sequence[float]], *, prefix: str = "cv_") -> None:
        """Log one value per fold as the steps ``0 .. n_folds - 1`` of ``<prefix><metric>``."""
        from mlflow.entities import Metric

        stamp = _now_ms()
        entities = [
            Metric(f"{prefix}{name}", float(value), stamp, step)
            for name, values in scores.items()
            for step, value in enumerate(values)
            if _is_finite_number(value)
        ]
        for start in range(0, len(entities), BATCH):
            self.tracker.client.log_batch(self.run_id, metrics=entities[start : start + BATCH])

    def log_dict(self, data: Any, artifact_file: str) -> None:
        """Store ``data`` as a JSON artifact (UTF-8, Korean kept readable)."""
        self.log_text(dumps(data, indent=2), artifact_file)

    def log_text(self, text: str, artifact_file: str) -> None:
        """Store ``text`` as an artifact file."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(artifact_file).name
            path.write_text(text, encoding="utf-8")
            parent = str(Path(artifact_file).parent)
            self.log_file(path, None if parent == "." else parent)

    def log_file(self, path: str | os.PathLike[str], artifact_path: str | None = None) -> None:
        """Copy a local file into the run's artifacts (under ``artifact_path``)."""
        self.tracker.client.log_artifact(self.run_id, str(path), artifact_path or None)

    def log_frame(self, frame: pd.DataFrame, name: str) -> None:
        """Store a table as ``<name>.csv`` and ``<name>.json`` (records) artifacts."""
        with tempfile.TemporaryDirectory() as tmp:
            csv = Path(tmp) / f"{name}.csv"
            frame.to_csv(csv, index=False)
            records = Path(tmp) / f"{name}.json"
            records.write_text(frame.to_json(orient="records", force_ascii=False), encoding="utf-8")
            self.tracker.client.log_artifacts(self.run_id, tmp)

    def log_report(self, report: Any, *, name: str = "report", lang: str = "ko") -> None:
        """Store an evaluation report as ``<name>.json`` and a standalone ``<name>.html``."""
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / f"{name}.json").write_text(report.to_json(indent=1), encoding="utf-8")
            report.to_html(Path(tmp) / f"{name}.html", lang=lang)
            self.tracker.client.log_artifacts(self.run_id, tmp)

    def log_model(
        self,
        model: Any,
        *,
        artifact_path: str = "model",
        pyfunc_predict_fn: str = "predict",
        metadata: Mapping[str, Any] | None = None,
    ) -> str:
        """Store a fitted estimator in files that do not run code when loaded.

        The folder holds the estimator in skops format, its boosters in their
        libraries' own model files, an ``MLmodel`` whose ``python_function``
        flavour loads through mirae (so MLflow's tools can serve it), and a
        manifest of SHA-256 hashes (see :mod:`mirae.track._model_files`). The
        folder's digest is recorded on the run as ``mirae.model_digest``, in
        the tracking database, and checked before the model is ever loaded.

        Returns
        -------
        str
            The digest of the stored folder.
        """
        from mirae.track._model_files import save_model_folder
        from mirae.track._pyfunc import write_mlmodel

        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / artifact_path
            target.mkdir(parents=True)
            write_mlmodel(
                target, predict_fn=pyfunc_predict_fn, metadata=metadata, requirements=_requirements()
            )
            digest = save_model_folder(model, target)
            self.tracker.client.log_artifacts(self.run_id, str(target), artifact_path)
        self.set_tags({MODEL_DIGEST_TAG: digest, MODEL_PATH_TAG: artifact_path})
        return digest


#: Seconds a database server of the tracking store has to accept a connection.
CONNECT_TIMEOUT_S = 10
_SERVER_DATABASES = ("postgresql", "mysql", "mssql")


def _probe_database(uri: str) -> None:
    """Connect once to a database server of the tracking store, or raise TrackingError at once.

    MLflow retries a failed connection ten times with growing pauses (about
    100 s in all) before it gives up; a wrong address should say so in
    seconds.
    """
    if uri.split(":", 1)[0].split("+", 1)[0].lower() not in _SERVER_DATABASES:
        return
    import sqlalchemy

    args = {} if uri.lower().startswith("mssql") else {"connect_timeout": CONNECT_TIMEOUT_S}
    try:
        engine = sqlalchemy.create_engine(uri, connect_args=args)
        try:
            with engine.connect():
                pass
        finally:
            engine.dispose()
    except Exception as exc:  # driver missing, refused, timed out, bad password
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        msg = (
            f"cannot connect to the MLflow tracking database {_hide_password(uri)}: {reason}. "
            "Check --tracking-uri (or MIRAE_TRACKING_URI) and that the server runs, "
            "or leave it unset to use the workspace's own store."
        )
        raise TrackingError(msg) from None


def _hide_password(uri: str) -> str:
    return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", uri)


def _open_client(tracking_uri: str, registry_uri: str | None) -> MlflowClient:
    """An ``MlflowClient`` whose tracking store and registry exist (their schema created), or TrackingError."""
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    _probe_database(tracking_uri)
    shown = _hide_password(tracking_uri)
    hint = "Check --tracking-uri (or MIRAE_TRACKING_URI), or leave it unset to use the workspace's own store."
    try:
        client = MlflowClient(tracking_uri=tracking_uri, registry_uri=registry_uri)
        client.search_experiments(max_results=1)
        client.search_registered_models(max_results=1)
    except MlflowException as exc:
        msg = f"cannot open the MLflow tracking store {shown}: {exc.message.strip()}. {hint}"
        raise TrackingError(msg) from None
    except Exception as exc:  # sqlalchemy, network and file errors of the store
        msg = f"cannot open the MLflow tracking store {shown}: {type(exc).__name__}: {exc}. {hint}"
        raise TrackingError(msg) from None
    return client


def _configure_sql_models() -> None:
    """Set up MLflow's SQLAlchemy models once, silencing one known deprecation.

    mlflow 3.17's SQL stores use SQLAlchemy's ``noload`` strategy, which
    SQLAlchemy 2.1 deprecates when the models are first configured; the
    warning concerns MLflow's code, not the caller's (checked 2026-11-23).
    """
    import mlflow.store.model_registry.dbmodels.models
    import mlflow.store.tracking.dbmodels.models  # noqa: F401
    from sqlalchemy.orm import configure_mappers

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The ``noload`` loader strategy is deprecated")
        configure_mappers()


def _requirements() -> list[str]:
    """Pinned packages a model needs to load: mirae (its estimators) and the libraries it stores."""
    from importlib.metadata import PackageNotFoundError, version

    wanted = ("mirae", "scikit-learn", "skops", "pandas", "numpy", "lightgbm", "xgboost-cpu", "catboost")
    pins = []
    for name in wanted:
        try:
            pins.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            pins.append(name)
    return pins


def _is_finite_number(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _now_ms() -> int:
    import time

    return int(time.time() * 1000)
