"""Core: configuration, progress reporting and helpers shared by every layer."""

from mirae.core._config import default_workspace_path
from mirae.core._progress import NullProgress, Progress

__all__ = ["NullProgress", "Progress", "default_workspace_path"]
