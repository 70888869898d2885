"""mirae (미래): predictive analytics from business tables to forecasts and decisions.

``import mirae`` is cheap: heavy libraries load when first used.

Examples
--------
>>> import mirae
>>> mirae.__version__
'0.1.0'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Workspace", "__version__", "errors"]

if TYPE_CHECKING:
    from mirae import errors
    from mirae.lake import Workspace


def __getattr__(name: str) -> Any:
    if name == "Workspace":
        from mirae.lake import Workspace

        return Workspace
    if name == "errors":
        import mirae.errors as errors

        return errors
    msg = f"module 'mirae' has no attribute {name!r}"
    raise AttributeError(msg)
