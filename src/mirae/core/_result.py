"""The one result protocol: every use case's result is data (``to_dict`` / ``to_json``); reports also render HTML.

Wire data (what ``to_dict`` returns: what goes to JSON, REST and YAML) is
separate from live objects: a result may hold a fitted estimator or a report
object for Python callers, but ``to_dict`` leaves them out or turns them into
data. Every ``to_json`` goes through :func:`mirae.core._json.dumps`, and every
report renders with ``to_html(path=None, *, lang="ko") -> str`` (writing the
page to ``path`` too when it is given).
"""

from __future__ import annotations

import os
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from mirae.core._json import dumps, to_jsonable

__all__ = ["Report", "Result", "write_html"]


class Result:
    """Base of every result: ``to_dict()`` is its wire data, ``to_json()`` that data as text.

    The default ``to_dict`` of a dataclass result is its fields made JSON-ready,
    leaving out fields whose metadata says ``{"wire": False}`` (live objects).
    """

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        if not is_dataclass(self):
            msg = f"{type(self).__name__} must define to_dict()"
            raise NotImplementedError(msg)
        data: dict[str, Any] = {
            f.name: to_jsonable(getattr(self, f.name)) for f in fields(self) if f.metadata.get("wire", True)
        }
        return data

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text (UTF-8 characters kept, NaN written as null)."""
        return dumps(self.to_dict(), indent=indent)


class Report(Result):
    """A result that renders as a standalone HTML page (Korean or English)."""

    def to_html(self, path: str | os.PathLike[str] | None = None, *, lang: str = "ko") -> str:
        """The page as HTML text; written to ``path`` (UTF-8) too when given."""
        raise NotImplementedError

    #: Language of the report shown inline in Jupyter.
    repr_lang: str = "ko"

    def _repr_html_(self) -> str:
        """Jupyter shows the report inline (in an iframe, so its styles and charts stay its own)."""
        import html

        page = html.escape(self.to_html(lang=self.repr_lang), quote=True)
        return f'<iframe srcdoc="{page}" style="width:100%;height:720px;border:0"></iframe>'


def write_html(text: str, path: str | os.PathLike[str] | None) -> str:
    """Write ``text`` to ``path`` when given (UTF-8, parent folders created) and return it."""
    if path is not None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return text
