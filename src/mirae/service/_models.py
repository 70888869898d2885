"""The model registry's use cases: list models and versions, move an alias."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mirae.service._context import Context

if TYPE_CHECKING:
    from mirae.track import ModelVersionInfo, RegisteredModelInfo

__all__ = ["list_models", "model_versions", "set_alias"]


def list_models(ctx: Context) -> list[RegisteredModelInfo]:
    """Every registered model of the context's tracking store, with its aliases."""
    return ctx.tracker().registry.models()


def model_versions(ctx: Context, name: str) -> list[ModelVersionInfo]:
    """The versions of model ``name`` with their lineage tags (table, snapshot, task)."""
    return ctx.tracker().registry.versions(name)


def set_alias(ctx: Context, model: str, alias: str, version: int) -> ModelVersionInfo:
    """Point ``model@alias`` at ``version`` (moving it from the version it pointed at)."""
    return ctx.tracker().registry.set_alias(model, alias, version)
