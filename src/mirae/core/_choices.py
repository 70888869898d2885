"""One check for options that take one of a few words (``fill``, ``mode``, ``lang``, ...)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mirae.errors import ConfigError

__all__ = ["check_choice"]


def check_choice(value: Any, choices: Iterable[Any], *, what: str) -> Any:
    """Return ``value`` when it is one of ``choices``, else raise ConfigError naming them all.

    Parameters
    ----------
    value : object
        What the user gave.
    choices : iterable
        The allowed values (``None`` allowed where it is listed).
    what : str
        The option's name as the user knows it, e.g. ``"fill (--fill)"``.

    Examples
    --------
    >>> check_choice("zero", ("zero", "missing"), what="fill")
    'zero'
    >>> check_choice("maybe", ("zero", "missing"), what="fill (--fill)")
    Traceback (most recent call last):
    ...
    mirae.errors.ConfigError: fill (--fill) must be one of 'zero', 'missing'; got 'maybe'.
    """
    allowed = list(choices)
    if value not in allowed:
        shown = ", ".join("none" if c is None else repr(c) for c in allowed)
        msg = f"{what} must be one of {shown}; got {value!r}."
        raise ConfigError(msg)
    return value
