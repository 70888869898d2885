"""The error recommendation raises for bad input or settings."""

from __future__ import annotations

from mirae.errors import MiraeError

__all__ = ["RecommendError"]


class RecommendError(MiraeError, ValueError):
    """Recommendation cannot run on this input or with these settings.

    (Kept here until ``mirae.errors`` lists it beside ``SegmentError``.)
    """
