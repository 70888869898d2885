"""What every mirae estimator shares: the parameter protocol, ``clone``, and tags as data.

The protocol is scikit-learn's (``get_params`` / ``set_params`` with nested
``step__param`` keys, settings stored unchanged by ``__init__``), written
here without importing scikit-learn, which costs about 1.5 s: importing
``mirae.forecast`` stays cheap, and ``sklearn.base.clone``, grid searches and
pipelines still work on every mirae estimator. The supervised estimators
also derive from scikit-learn's ``BaseEstimator`` (for its tags and
``check_estimator``); this class comes first in their method order, so the
parameter protocol is this one everywhere.
"""

from __future__ import annotations

import copy
import inspect
from dataclasses import dataclass, replace
from typing import Any, ClassVar, Self

from mirae.errors import ConfigError

__all__ = ["Estimator", "Tags", "clone"]


@dataclass(frozen=True)
class Tags:
    """What an estimator can do, as data the service layer and the conformance suite read.

    Attributes
    ----------
    task : str
        ``classification``, ``regression``, ``forecast``, ``clustering``,
        ``anomaly`` or ``recommendation``: how results are scored and stored.
    supports_exog : bool
        Uses dynamic exogenous columns and their future values (forecasters).
    probabilistic : bool
        Gives its own prediction intervals or probabilities.
    handles_missing : bool
        Fits on data with missing values without a separate imputation step.
    deterministic : bool
        The same settings and ``random_state`` give the same output.
    """

    task: str
    supports_exog: bool = False
    probabilistic: bool = False
    handles_missing: bool = False
    deterministic: bool = True

    def but(self, **changes: Any) -> Tags:
        """A copy with some tags changed (what a subclass declares).

        Examples
        --------
        >>> Tags(task="forecast").but(probabilistic=True).probabilistic
        True
        """
        return replace(self, **changes)


def _is_estimator(value: Any) -> bool:
    return hasattr(value, "get_params") and not isinstance(value, type)


def clone(estimator: Any) -> Any:
    """A new, unfitted copy of ``estimator`` (lists and tuples of estimators cloned item by item).

    Settings that are estimators are cloned too; other settings are deep
    copies, so the clone shares nothing with the original.

    Examples
    --------
    >>> from mirae.forecast import StatisticalForecaster
    >>> model = StatisticalForecaster(models=["ETS"])
    >>> copy_ = clone(model)
    >>> copy_.get_params() == model.get_params() and copy_ is not model
    True
    """
    if isinstance(estimator, list | tuple | set | frozenset):
        return type(estimator)(clone(item) for item in estimator)
    if not _is_estimator(estimator):
        return copy.deepcopy(estimator)
    params = {name: clone(value) for name, value in estimator.get_params(deep=False).items()}
    return type(estimator)(**params)


class Estimator:
    """Base of every mirae estimator: settings in ``__init__``, learned state ending in ``_``.

    ``__init__`` stores each setting unchanged under its own name and does
    nothing else; checks happen in ``fit``. Capabilities are the class
    attribute :attr:`tags`.
    """

    tags: ClassVar[Tags] = Tags(task="unknown")

    @classmethod
    def _get_param_names(cls) -> list[str]:
        """The settings of ``__init__``, sorted (scikit-learn's order)."""
        init = cls.__init__
        if init is object.__init__:
            return []
        parameters = inspect.signature(init).parameters.values()
        return sorted(
            p.name for p in parameters if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The settings given to ``__init__``; with ``deep``, those of nested estimators as ``name__setting``."""
        out: dict[str, Any] = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and _is_estimator(value):
                out.update({f"{name}__{key}": v for key, v in value.get_params().items()})
            out[name] = value
        return out

    def set_params(self, **params: Any) -> Self:
        """Change settings, nested ones as ``name__setting``; unknown names raise ConfigError."""
        valid = set(self._get_param_names())
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, sep, sub = key.partition("__")
            if name not in valid:
                msg = f"{type(self).__name__} has no setting {name!r}; valid settings: {sorted(valid)}."
                raise ConfigError(msg)
            if sep:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub_params in nested.items():
            getattr(self, name).set_params(**sub_params)
        return self

    def clone(self) -> Self:
        """A new, unfitted estimator with the same settings (see :func:`clone`)."""
        return clone(self)

    def __repr__(self) -> str:
        defaults = {
            name: p.default
            for name, p in inspect.signature(type(self).__init__).parameters.items()
            if name != "self" and p.default is not p.empty
        }
        changed = []
        for name in self._get_param_names():
            value = getattr(self, name, None)
            default = defaults.get(name, inspect.Parameter.empty)
            try:
                same = bool(value == default) if default is not inspect.Parameter.empty else False
            except (TypeError, ValueError):  # arrays and frames do not compare to one bool
                same = False
            if not same:
                changed.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(changed)})"
