"""The model registry: versions of named models, aliases that move, loading by reference.

A model reference is one of ``name`` (its latest version), ``name@alias``
(e.g. ``credit@champion``), ``name/version`` (``credit/3``) or the same
behind MLflow's ``models:/`` prefix.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mirae.core._result import Result
from mirae.errors import ConfigError, ModelIntegrityError, ModelNotFoundError, TrackingError

if TYPE_CHECKING:
    from mirae.track._tracker import Tracker

__all__ = ["ModelRef", "ModelVersionInfo", "RegisteredModelInfo", "Registry", "parse_model_ref"]

_ALIAS = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class ModelRef:
    """A parsed model reference: a name and at most one of version and alias."""

    name: str
    version: int | None = None
    alias: str | None = None

    def __str__(self) -> str:
        if self.alias:
            return f"{self.name}@{self.alias}"
        return self.name if self.version is None else f"{self.name}/{self.version}"


def parse_model_ref(ref: str) -> ModelRef:
    """Read ``name``, ``name@alias``, ``name/version`` or ``models:/…`` forms of them.

    Examples
    --------
    >>> parse_model_ref("credit@champion")
    ModelRef(name='credit', version=None, alias='champion')
    >>> parse_model_ref("models:/credit/3")
    ModelRef(name='credit', version=3, alias=None)
    >>> str(parse_model_ref("credit"))
    'credit'
    """
    text = ref.strip()
    text = text.removeprefix("models:/")
    if not text:
        msg = "a model reference must name a model: NAME, NAME@ALIAS or NAME/VERSION (see `mirae models`)."
        raise ConfigError(msg)
    if "@" in text:
        name, _, alias = text.rpartition("@")
        if not name or not _ALIAS.match(alias):
            msg = f"expected NAME@ALIAS with an alias of letters, digits, _ or -; got {ref!r}."
            raise ConfigError(msg)
        return ModelRef(name=name, alias=alias)
    name, sep, tail = text.rpartition("/")
    if sep and tail.isdigit() and name:
        return ModelRef(name=name, version=int(tail))
    if sep and tail == "latest" and name:
        return ModelRef(name=name)
    return ModelRef(name=text)


@dataclass(frozen=True)
class ModelVersionInfo(Result):
    """One registered version of a model.

    Attributes
    ----------
    name, version : str, int
        The model and its version number (1, 2, ...).
    run_id : str
        The MLflow run that produced it.
    source : str
        Where its files are (``runs:/<run_id>/model``).
    aliases : tuple of str
        Aliases pointing at this version (``champion``).
    created_at : datetime
        When it was registered (UTC).
    tags : dict
        Lineage and description: ``mirae.table``, ``mirae.snapshot_id``,
        ``mirae.target``, ``mirae.task``, ``mirae.classes``.
    """

    name: str
    version: int
    run_id: str | None
    source: str
    aliases: tuple[str, ...]
    created_at: datetime
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        """``name/version``, a reference that never moves."""
        return f"{self.name}/{self.version}"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "name": self.name,
            "version": self.version,
            "ref": self.ref,
            "run_id": self.run_id,
            "source": self.source,
            "aliases": list(self.aliases),
            "created_at": self.created_at.isoformat(),
            "tags": dict(self.tags),
        }


@dataclass(frozen=True)
class RegisteredModelInfo(Result):
    """A registered model: its latest version and where its aliases point."""

    name: str
    latest_version: int | None
    aliases: dict[str, int]
    updated_at: datetime
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "name": self.name,
            "latest_version": self.latest_version,
            "aliases": dict(self.aliases),
            "updated_at": self.updated_at.isoformat(),
            "description": self.description,
            "tags": dict(self.tags),
        }


class Registry:
    """Register, alias, list and load models in a :class:`Tracker`'s registry.

    Examples
    --------
    >>> import tempfile
    >>> from mirae.track import Tracker
    >>> Tracker.for_workspace(tempfile.mkdtemp()).registry.models()
    []
    """

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker

    @property
    def _client(self) -> Any:
        return self.tracker.client

    def _turn(self) -> AbstractContextManager[Any]:
        """The workspace's writer lock for a workspace's own store; nothing for a shared server."""
        if self.tracker.workspace is None:
            return nullcontext()
        from mirae.lake import writer_lock

        return writer_lock(self.tracker.workspace)

    def register(
        self,
        name: str,
        run_id: str,
        *,
        artifact_path: str = "model",
        tags: Mapping[str, Any] | None = None,
        alias: str | None = None,
        description: str | None = None,
    ) -> ModelVersionInfo:
        """Add the model stored in run ``run_id`` as the next version of ``name``.

        The registered model is created on first use; ``alias`` (e.g.
        ``champion``) is moved to the new version when given.
        """
        from mlflow.exceptions import MlflowException

        if not name or "@" in name or name.startswith("models:"):
            msg = f"a model name must be non-empty and contain no '@'; got {name!r}."
            raise ConfigError(msg)
        from mirae.track._tracker import MODEL_DIGEST_TAG

        version_tags = {k: str(v) for k, v in (tags or {}).items() if v is not None}
        try:
            digest = self._client.get_run(run_id).data.tags.get(MODEL_DIGEST_TAG)
            if digest:  # the version carries the digest of the files it was registered with
                version_tags[MODEL_DIGEST_TAG] = digest
            # in a workspace's own store, registrations take turns: two trainings finishing at once
            # must not both create the model, nor both take the same version number
            with self._turn():
                if not self._exists(name):
                    self._client.create_registered_model(name, description=description)
                created = self._client.create_model_version(
                    name,
                    f"runs:/{run_id}/{artifact_path}",
                    run_id=run_id,
                    tags=version_tags,
                    description=description,
                )
        except MlflowException as exc:
            msg = f"registering run {run_id} as a version of {name!r} failed: {exc.message}"
            raise TrackingError(msg) from exc
        version = int(created.version)
        if alias:
            return self.set_alias(name, alias, version)
        return self.get(f"{name}/{version}")

    def set_alias(self, name: str, alias: str, version: int | str) -> ModelVersionInfo:
        """Point ``name@alias`` at ``version`` (moving it from any other version)."""
        if not _ALIAS.match(alias) or alias == "latest":
            msg = f"an alias is letters, digits, _ or - (not 'latest'); got {alias!r}."
            raise ConfigError(msg)
        info = self.get(f"{name}/{int(version)}")
        self._client.set_registered_model_alias(name, alias, str(info.version))
        return self.get(info.ref)

    def delete_alias(self, name: str, alias: str) -> None:
        """Remove ``name@alias`` (the version stays)."""
        self.get(f"{name}@{alias}")
        self._client.delete_registered_model_alias(name, alias)

    def models(self) -> list[RegisteredModelInfo]:
        """Every registered model, by name."""
        found = []
        token = None
        while True:
            page = self._client.search_registered_models(max_results=200, page_token=token)
            found.extend(page)
            token = page.token
            if not token:
                break
        out = []
        for model in sorted(found, key=lambda m: m.name):
            latest = max((int(v.version) for v in model.latest_versions or ()), default=None)
            out.append(
                RegisteredModelInfo(
                    name=model.name,
                    latest_version=latest,
                    aliases={str(k): int(v) for k, v in (model.aliases or {}).items()},
                    updated_at=_utc(model.last_updated_timestamp),
                    description=model.description or None,
                    tags=dict(model.tags or {}),
                )
            )
        return out

    def versions(self, name: str) -> list[ModelVersionInfo]:
        """Every version of ``name``, oldest first."""
        self._require_model(name)
        found = self._client.search_model_versions(f"name = '{_quote(name)}'", max_results=10_000)
        # searches do not fill in aliases; the registered model holds them
        aliases: dict[int, list[str]] = {}
        for alias, version in (self._client.get_registered_model(name).aliases or {}).items():
            aliases.setdefault(int(version), []).append(str(alias))
        infos = [_version_info(v) for v in found]
        infos = [replace(v, aliases=tuple(sorted(aliases.get(v.version, ())))) for v in infos]
        return sorted(infos, key=lambda v: v.version)

    def get(self, ref: str | ModelRef) -> ModelVersionInfo:
        """The version a reference points at (``name`` means its latest version)."""
        from mlflow.exceptions import MlflowException

        parsed = ref if isinstance(ref, ModelRef) else parse_model_ref(ref)
        self._require_model(parsed.name)
        try:
            if parsed.alias:
                version = self._client.get_model_version_by_alias(parsed.name, parsed.alias)
            elif parsed.version is not None:
                version = self._client.get_model_version(parsed.name, str(parsed.version))
            else:
                versions = self.versions(parsed.name)
                if not versions:
                    msg = f"model {parsed.name!r} has no versions yet. Train one with `mirae train`."
                    raise ModelNotFoundError(msg)
                return versions[-1]
        except MlflowException as exc:
            known = self.versions(parsed.name)
            aliases = sorted({a for v in known for a in v.aliases})
            msg = (
                f"model {str(parsed)!r} not found: {parsed.name!r} has versions "
                f"{[v.version for v in known]} and aliases {aliases}. Use NAME/VERSION or NAME@ALIAS."
            )
            raise ModelNotFoundError(msg) from exc
        return _version_info(version)

    def download(self, ref: str | ModelRef, dst: str | Path | None = None) -> Path:
        """Copy a version's model folder to ``dst`` (a new temporary folder by default)."""
        import mlflow.artifacts

        info = self.get(ref)
        if dst is None:
            dst = tempfile.mkdtemp(prefix="mirae-model-")
        uri = self._client.get_model_version_download_uri(info.name, str(info.version))
        local = mlflow.artifacts.download_artifacts(
            artifact_uri=uri, dst_path=str(dst), tracking_uri=self.tracker.tracking_uri
        )
        return Path(local)

    def load(self, ref: str | ModelRef) -> tuple[Any, ModelVersionInfo]:
        """The fitted estimator of a version and its info, read without running any code from its files.

        The model folder's digest must equal the one the tracking database
        recorded when the model was logged (see :mod:`mirae.track._model_files`);
        otherwise nothing is deserialised.

        Raises
        ------
        ModelIntegrityError
            The files were changed, or the version was stored in an unsafe format.
        """
        from mirae.track._model_files import load_model_folder

        info = self.get(ref)
        digest = self._digest(info)
        local = self._local_folder(info)
        if local is not None and local.is_dir():  # a store on this machine: read in place
            return load_model_folder(local, digest=digest, label=info.ref), info
        with tempfile.TemporaryDirectory(prefix="mirae-model-") as tmp:
            model = load_model_folder(self.download(info.ref, tmp), digest=digest, label=info.ref)
        return model, info

    def _local_folder(self, info: ModelVersionInfo) -> Path | None:
        """The version's model folder when its artifacts are local files (None when remote)."""
        uri = self._client.get_model_version_download_uri(info.name, str(info.version))
        if uri.startswith("runs:/") and info.run_id:
            path = uri.removeprefix("runs:/").partition("/")[2]
            base = self._client.get_run(info.run_id).info.artifact_uri
            uri = f"{base.rstrip('/')}/{path}"
        return _local_path(uri)

    def _digest(self, info: ModelVersionInfo) -> str:
        """The digest recorded in the tracking database for a version's files."""
        from mirae.track._tracker import MODEL_DIGEST_TAG

        digest = info.tags.get(MODEL_DIGEST_TAG)
        if not digest and info.run_id:
            digest = self._client.get_run(info.run_id).data.tags.get(MODEL_DIGEST_TAG)
        if not digest:
            msg = (
                f"model {info.ref} has no recorded digest of its files (it was saved by an earlier "
                "mirae, as a pickle that can run code when loaded); mirae will not load it. "
                "Train the model again."
            )
            raise ModelIntegrityError(msg)
        return str(digest)

    def _exists(self, name: str) -> bool:
        found = self._client.search_registered_models(f"name = '{_quote(name)}'", max_results=1)
        return bool(found)

    def _require_model(self, name: str) -> None:
        if not self._exists(name):
            names = [m.name for m in self._client.search_registered_models(max_results=50)]
            msg = (
                f"no registered model named {name!r}; registered: {names or 'none yet'}. "
                "Train one with `mirae train TABLE --target COLUMN` or list them with `mirae models`."
            )
            raise ModelNotFoundError(msg)


def _version_info(version: Any) -> ModelVersionInfo:
    return ModelVersionInfo(
        name=version.name,
        version=int(version.version),
        run_id=version.run_id,
        source=version.source,
        aliases=tuple(sorted(version.aliases or ())),
        created_at=_utc(version.creation_timestamp),
        tags=dict(version.tags or {}),
    )


def _local_path(uri: str) -> Path | None:
    """The folder of a ``file:`` URI or plain path; ``None`` for remote artifact stores."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme == "" or (len(parsed.scheme) == 1 and uri[1:3] == ":\\"):
        return Path(uri)
    return None


def _utc(timestamp_ms: int | None) -> datetime:
    return datetime.fromtimestamp((timestamp_ms or 0) / 1000, tz=UTC)


def _quote(text: str) -> str:
    return text.replace("'", "\\'")
