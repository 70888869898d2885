"""PyOD detectors inside mirae's model files: their state is stored as data and rebuilt from a fixed list.

mirae's model files (skops) rebuild only trusted types; a PyOD detector is a
plain object of NumPy arrays and scikit-learn parts. A mirae detector that
holds one stores it as ``{"pyod": "<class>", "state": {...}}`` and rebuilds it
only when the class is in :data:`PYOD_CLASSES` (no name from the file is ever
imported freely).
"""

from __future__ import annotations

import importlib
from typing import Any

from mirae.errors import AnomalyError

__all__ = ["PYOD_CLASSES", "PyODState", "pyod_from_state", "pyod_to_state"]

#: The PyOD detectors mirae uses, by their full class names.
PYOD_CLASSES = frozenset(
    {
        "pyod.models.pca.PCA",
        "pyod.models.iforest.IForest",
    }
)


def pyod_to_state(detector: Any) -> dict[str, Any]:
    """The detector as data: its class name and attribute values."""
    name = f"{type(detector).__module__}.{type(detector).__name__}"
    if name not in PYOD_CLASSES:
        msg = f"{name} is not a PyOD detector mirae stores; expected one of {sorted(PYOD_CLASSES)}."
        raise AnomalyError(msg)
    return {"pyod": name, "state": dict(vars(detector))}


def pyod_from_state(data: dict[str, Any]) -> Any:
    """The detector back from :func:`pyod_to_state` (its class must be one of :data:`PYOD_CLASSES`)."""
    name = str(data.get("pyod"))
    if name not in PYOD_CLASSES:
        msg = f"refusing to rebuild {name!r}: not one of the PyOD detectors mirae stores ({sorted(PYOD_CLASSES)})."
        raise AnomalyError(msg)
    module, _, cls_name = name.rpartition(".")
    cls = getattr(importlib.import_module(module), cls_name)
    detector = cls.__new__(cls)
    detector.__dict__.update(data["state"])
    return detector


class PyODState:
    """Mixin: attributes named in ``_pyod_attributes`` are stored as data (see the module docstring)."""

    _pyod_attributes: tuple[str, ...] = ()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(vars(self))
        for name in self._pyod_attributes:
            if name in state and not isinstance(state[name], dict):
                state[name] = pyod_to_state(state[name])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        for name in self._pyod_attributes:
            if isinstance(state.get(name), dict):
                state[name] = pyod_from_state(state[name])
        self.__dict__.update(state)
