"""Model files that do not run code when they are loaded.

A fitted estimator is stored as a folder:

- ``model.skops`` — the estimator in scikit-learn's skops format, which
  rebuilds objects from their state and never unpickles; it is loaded with an
  explicit list of trusted types (see :func:`trusted_type`);
- ``native/`` — every LightGBM, XGBoost and CatBoost model inside it, in the
  library's own model file (text / JSON / ``cbm``), which holds trees, not code;
- ``frames/`` — pandas tables inside it (a leaderboard, say) as Parquet;
- ``manifest.json`` — every file of the folder with its SHA-256.

:func:`folder_digest` hashes the folder; the tracking database records that
digest when the model is logged, and :func:`load_model_folder` refuses a
folder whose digest differs before it reads a single byte of the model. The
trust boundary is written in ``docs/security.md``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mirae.errors import ModelIntegrityError

__all__ = [
    "MANIFEST",
    "MODEL_FILE",
    "LightGBMBooster",
    "folder_digest",
    "load_model_folder",
    "save_model_folder",
    "trusted_type",
    "verify_manifest",
]

MODEL_FILE = "model.skops"
MANIFEST = "manifest.json"
NATIVE_DIR = "native"
FRAMES_DIR = "frames"
#: Version of this folder layout, written to the manifest.
FORMAT = 1

#: Modules whose classes may be rebuilt from a skops file. Their classes hold
#: data (arrays, fitted parameters) and mirae's own code; none of them runs a
#: value from the file as code. Functions and classes of any other module
#: (``builtins.eval``, ``os.system``, ...) are refused.
#: statsforecast's model classes hold fitted parameters the same way (a forecaster's
#: fitted ETS / ARIMA / Theta models).
TRUSTED_MODULES = (
    "mirae",
    "sklearn",
    "numpy",
    "scipy.sparse",
    "scipy.stats",
    "scipy.special",
    "statsforecast.core",
    "statsforecast.models",
)
#: Single types outside those modules that estimators are built of.
TRUSTED_NAMES = frozenset(
    {
        "builtins.slice",
        "collections.OrderedDict",
        "collections.defaultdict",
        "datetime.date",
        "datetime.datetime",
        "datetime.timedelta",
        "numpy.dtype",
        # a statsforecast engine names the frame class it builds results with, and its fitted
        # models keep their optimiser result in this small record type
        "pandas.core.frame.DataFrame",
        "statsforecast.utils.results",
    }
)


def trusted_type(name: str) -> bool:
    """Whether a type named in a skops file may be rebuilt (see ``TRUSTED_MODULES``).

    Examples
    --------
    >>> trusted_type("sklearn.pipeline.Pipeline"), trusted_type("builtins.eval")
    (True, False)
    >>> trusted_type("mirae.supervised._classifier.AutoClassifier")
    True
    """
    if name in TRUSTED_NAMES:
        return True
    return any(name == module or name.startswith(module + ".") for module in TRUSTED_MODULES)


# -- placeholders written into the skops file --------------------------------------------


@dataclass
class NativeModel:
    """Stands in the skops file for a booster saved in its library's own format."""

    library: str
    class_name: str
    file: str


@dataclass
class StoredFrame:
    """Stands in the skops file for a pandas object saved as Parquet."""

    kind: str  # "frame", "series" or "index"
    file: str
    name: Any = None


class LightGBMBooster:
    """A LightGBM model read back from its model file, predicting as the scikit-learn wrapper did.

    LightGBM's scikit-learn classes cannot be rebuilt from a model file, so a
    loaded model answers ``predict`` (and ``predict_proba`` for classifiers)
    from the booster itself, with the same numbers.
    """

    def __init__(self, booster: Any, *, classifier: bool) -> None:
        self.booster_ = booster
        self.classifier = classifier

    #: Up to this many rows a prediction runs on one thread: starting OpenMP threads costs more
    #: than a few rows' trees (a served row took 6 ms on a busy 2-core machine, 0.1 ms on one thread).
    single_thread_rows = 256

    def _predict(self, X: Any) -> Any:
        import numpy as np

        small = getattr(X, "shape", (len(X),))[0] <= self.single_thread_rows
        return np.asarray(self.booster_.predict(X, num_threads=1) if small else self.booster_.predict(X))

    def predict_proba(self, X: Any) -> Any:
        """Class probabilities (two columns for a binary model)."""
        import numpy as np

        proba = self._predict(X)
        return np.column_stack([1.0 - proba, proba]) if proba.ndim == 1 else proba

    def predict(self, X: Any) -> Any:
        """Predicted values, or the most probable class code for a classifier."""
        import numpy as np

        if self.classifier:
            return np.argmax(self.predict_proba(X), axis=1)
        return self._predict(X)

    @property
    def feature_importances_(self) -> Any:
        """Split counts per feature, as LightGBM's estimator reports them."""
        return self.booster_.feature_importance()


# -- saving --------------------------------------------------------------------------------


def save_model_folder(model: Any, folder: Path) -> str:
    """Write ``model`` into ``folder`` in the safe layout and return the folder's digest.

    The model is not changed (boosters and frames are swapped for placeholders
    while the skops file is written and put back afterwards).
    """
    import skops.io as sio

    folder.mkdir(parents=True, exist_ok=True)
    swapper = _Swapper(folder)
    try:
        root = swapper.visit(model)
        sio.dump(model if root is None else root, folder / MODEL_FILE)
    finally:
        swapper.undo()
    manifest = {"format": FORMAT, "files": _hashes(folder, skip=MANIFEST)}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return folder_digest(folder)


class _Swapper:
    """Replaces boosters and pandas objects in an object tree by placeholders, and back."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: set[int] = set()
        self.undo_log: list[tuple[Any, Any, Any]] = []  # (container, key or attribute, original)
        self.count = 0

    def visit(self, value: Any) -> Any:
        """The placeholder for ``value``, or None after swapping inside it in place."""
        placeholder = self._placeholder(value)
        if placeholder is not None:
            return placeholder
        if id(value) in self.seen:
            return None
        if isinstance(value, dict):
            self.seen.add(id(value))
            for key, item in list(value.items()):
                self._set(value, key, item, lambda c, k, v: c.__setitem__(k, v))
        elif isinstance(value, list):
            self.seen.add(id(value))
            for index, item in enumerate(value):
                self._set(value, index, item, lambda c, k, v: c.__setitem__(k, v))
        elif isinstance(value, tuple):
            replaced = [self.visit(item) for item in value]
            if any(r is not None for r in replaced):
                items = [item if r is None else r for item, r in zip(value, replaced, strict=True)]
                return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
        elif _descend(value):
            self.seen.add(id(value))
            for key, item in list(vars(value).items()):
                self._set(value, key, item, object.__setattr__)  # frozen dataclasses too
        return None

    def _set(self, container: Any, key: Any, item: Any, assign: Any) -> None:
        replacement = self.visit(item)
        if replacement is not None:
            assign(container, key, replacement)
            self.undo_log.append((container, key, item))

    def undo(self) -> None:
        for container, key, original in reversed(self.undo_log):
            if isinstance(container, dict | list):
                container[key] = original
            else:
                object.__setattr__(container, key, original)
        self.undo_log.clear()

    def _placeholder(self, value: Any) -> Any:
        library = _native_library(value)
        if library is not None:
            return self._save_native(value, library)
        kind = _pandas_kind(value)
        if kind is not None:
            return self._save_frame(value, kind)
        return None

    def _name(self, suffix: str) -> str:
        self.count += 1
        return f"{self.count:04d}{suffix}"

    def _save_native(self, model: Any, library: str) -> NativeModel:
        native = self.folder / NATIVE_DIR
        native.mkdir(exist_ok=True)
        if library == "lightgbm":
            booster = model.booster_ if hasattr(model, "booster_") else model
            name = self._name(".lgb.txt")
            (native / name).write_text(booster.model_to_string(), encoding="utf-8")
        elif library == "xgboost":
            name = self._name(".xgb.json")
            model.save_model(str(native / name))
        else:
            name = self._name(".cbm")
            model.save_model(str(native / name), format="cbm")
        return NativeModel(library=library, class_name=type(model).__name__, file=f"{NATIVE_DIR}/{name}")

    def _save_frame(self, value: Any, kind: str) -> StoredFrame:
        import pandas as pd

        frames = self.folder / FRAMES_DIR
        frames.mkdir(exist_ok=True)
        name = self._name(".parquet")
        if kind == "frame":
            table = value
        elif kind == "series":
            table = value.to_frame(name="values")
        else:
            table = pd.DataFrame({"values": value})
        table.to_parquet(frames / name)
        return StoredFrame(kind=kind, file=f"{FRAMES_DIR}/{name}", name=getattr(value, "name", None))


#: Packages whose objects are searched for boosters and frames to store in their own files.
_DESCEND_INTO = ("mirae.", "sklearn.", "statsforecast.")


def _descend(value: Any) -> bool:
    """Objects whose attributes may hold boosters or frames: mirae's, scikit-learn's, statsforecast's."""
    module = type(value).__module__ or ""
    return hasattr(value, "__dict__") and module.startswith(_DESCEND_INTO)


#: Classes (by module and name, anywhere in an object's class hierarchy) saved natively.
_NATIVE_BASES = {
    ("lightgbm.basic", "Booster"): "lightgbm",
    ("lightgbm.sklearn", "LGBMModel"): "lightgbm",
    ("xgboost.core", "Booster"): "xgboost",
    ("xgboost.sklearn", "XGBModel"): "xgboost",
    ("catboost.core", "CatBoost"): "catboost",
}


def _native_library(value: Any) -> str | None:
    """The boosting library whose own file format stores ``value``, if any."""
    for cls in type(value).__mro__:
        library = _NATIVE_BASES.get((cls.__module__, cls.__name__))
        if library is not None:
            return library
    return None


def _pandas_kind(value: Any) -> str | None:
    module = type(value).__module__ or ""
    if not module.startswith("pandas."):
        return None
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return "frame"
    if isinstance(value, pd.Series):
        return "series"
    if isinstance(value, pd.Index):
        return "index"
    return None


# -- digests -------------------------------------------------------------------------------


def _hashes(folder: Path, *, skip: str | None = None) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).as_posix() != skip
    }


def folder_digest(folder: Path) -> str:
    """SHA-256 over every file of a model folder (names and contents).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()); _ = (folder / "a.txt").write_text("x")
    >>> len(folder_digest(folder))
    64
    """
    lines = "\n".join(f"{name} {digest}" for name, digest in _hashes(folder).items())
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


# -- loading -------------------------------------------------------------------------------


def load_model_folder(folder: Path, *, digest: str | None, label: str = "the model") -> Any:
    """Read a model folder written by :func:`save_model_folder`, after checking its digest.

    Parameters
    ----------
    folder : Path
        The model folder.
    digest : str or None
        The digest recorded when the model was logged. ``None`` skips the
        check; only code that has just written the folder itself may pass it.
    label : str
        How messages name the model (``credit/3``).

    Raises
    ------
    ModelIntegrityError
        The folder is not a mirae model folder, a file was changed, added or
        removed since the model was logged, or the skops file names a type
        outside the trusted list.
    """
    import skops.io as sio

    if not (folder / MODEL_FILE).is_file():
        old = sorted(p.name for p in folder.glob("*.pkl"))
        hint = (
            " It was saved as a pickle by an earlier mirae; pickles can run code when loaded, so "
            "mirae no longer reads them: train the model again."
            if old
            else ""
        )
        msg = f"{label} has no {MODEL_FILE} in {folder}; it is not a model mirae can load safely.{hint}"
        raise ModelIntegrityError(msg)
    if digest is not None:
        found = folder_digest(folder)
        if found != digest:
            changed = _changed_files(folder)
            msg = (
                f"{label}'s files in {folder} are not the ones logged with it ({changed}); "
                "refusing to load them. Someone or something changed the artifact store: "
                "restore the files or train the model again."
            )
            raise ModelIntegrityError(msg)
    untrusted = sio.get_untrusted_types(file=folder / MODEL_FILE)
    refused = [name for name in untrusted if not trusted_type(name)]
    if refused:
        msg = (
            f"{label} names types mirae does not trust to rebuild: {refused}. "
            "Only mirae, scikit-learn, numpy and statsforecast model types are loaded; train the model with mirae."
        )
        raise ModelIntegrityError(msg)
    model = sio.load(folder / MODEL_FILE, trusted=untrusted)
    return _restore(model, folder, set())


def _manifest_differences(folder: Path, ignore: tuple[str, ...] = ()) -> str:
    """Which files differ from the folder's manifest, in words ('' when none do)."""
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
        if not isinstance(listed, dict):
            raise TypeError
    except (OSError, ValueError, KeyError, TypeError):
        return f"{MANIFEST} is missing or unreadable"
    found = _hashes(folder, skip=MANIFEST)
    changed = sorted(n for n in listed if n in found and found[n] != listed[n])
    added = sorted(set(found) - set(listed) - set(ignore))
    removed = sorted(set(listed) - set(found))
    groups = (("changed", changed), ("added", added), ("removed", removed))
    return "; ".join(f"{what}: {', '.join(names)}" for what, names in groups if names)


def _changed_files(folder: Path) -> str:
    return _manifest_differences(folder) or f"{MANIFEST} was changed"


def verify_manifest(folder: Path, *, label: str = "the model", ignore: tuple[str, ...] = ()) -> None:
    """Raise :class:`ModelIntegrityError` unless the folder's files match its manifest.

    ``ignore`` names files that may have been added by the tool that copied the
    folder (they are never read).
    """
    differences = _manifest_differences(folder, ignore)
    if differences:
        msg = f"{label}'s files do not match its manifest ({differences}); refusing to load them."
        raise ModelIntegrityError(msg)


def _restore(value: Any, folder: Path, seen: set[int]) -> Any:
    """Put boosters and frames back in place of their placeholders (returns the new value)."""
    if isinstance(value, NativeModel):
        return _load_native(value, folder)
    if isinstance(value, StoredFrame):
        return _load_frame(value, folder)
    if id(value) in seen:
        return value
    if isinstance(value, dict):
        seen.add(id(value))
        for key, item in list(value.items()):
            value[key] = _restore(item, folder, seen)
    elif isinstance(value, list):
        seen.add(id(value))
        for index, item in enumerate(value):
            value[index] = _restore(item, folder, seen)
    elif isinstance(value, tuple):
        items = [_restore(item, folder, seen) for item in value]
        if any(a is not b for a, b in zip(items, value, strict=True)):
            return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    elif _descend(value):
        seen.add(id(value))
        for key, item in list(vars(value).items()):
            restored = _restore(item, folder, seen)
            if restored is not item:
                object.__setattr__(value, key, restored)
    return value


def _inside(folder: Path, relative: str) -> Path:
    path = (folder / relative).resolve()
    if folder.resolve() not in path.parents:
        msg = f"a model file name points outside its folder: {relative!r}; refusing to load it."
        raise ModelIntegrityError(msg)
    return path


def _load_native(placeholder: NativeModel, folder: Path) -> Any:
    path = _inside(folder, placeholder.file)
    if placeholder.library == "lightgbm":
        import lightgbm as lgb

        booster = lgb.Booster(model_str=path.read_text(encoding="utf-8"))
        if placeholder.class_name == "Booster":
            return booster
        return LightGBMBooster(booster, classifier=placeholder.class_name == "LGBMClassifier")
    if placeholder.library == "xgboost":
        import xgboost as xgb

        model = _library_class(xgb, placeholder)()
        model.load_model(str(path))
        return model
    if placeholder.library == "catboost":
        import catboost as cb

        model = _library_class(cb, placeholder)()
        model.load_model(str(path), format="cbm")
        return model
    msg = f"unknown model library {placeholder.library!r} in {folder}; refusing to load it."
    raise ModelIntegrityError(msg)


_KNOWN_CLASSES = {
    "xgboost": {"XGBClassifier", "XGBRegressor", "Booster"},
    "catboost": {"CatBoostClassifier", "CatBoostRegressor", "CatBoost"},
}


def _library_class(module: Any, placeholder: NativeModel) -> Any:
    if placeholder.class_name not in _KNOWN_CLASSES[placeholder.library]:
        msg = f"unexpected {placeholder.library} class {placeholder.class_name!r} in a model file."
        raise ModelIntegrityError(msg)
    return getattr(module, placeholder.class_name)


def _load_frame(placeholder: StoredFrame, folder: Path) -> Any:
    import pandas as pd

    table = pd.read_parquet(_inside(folder, placeholder.file))
    if placeholder.kind == "frame":
        return table
    if placeholder.kind == "series":
        return table["values"].rename(placeholder.name)
    return pd.Index(table["values"], name=placeholder.name)
