"""The lakehouse layer: workspace tables, ingestion, data quality and profiles.

Public names load lazily so ``import mirae.lake`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [
    "Check",
    "ColumnInfo",
    "Connector",
    "IngestResult",
    "Lineage",
    "LineageGraph",
    "Profile",
    "QualityReport",
    "SnapshotInfo",
    "SourceData",
    "TableInfo",
    "Workspace",
    "connector_from_config",
    "load_checks",
    "profile",
    "quality",
    "read_source",
    "register_connector",
    "writer_lock",
]

_WHERE = {
    "ColumnInfo": "mirae.lake._info",
    "SnapshotInfo": "mirae.lake._info",
    "TableInfo": "mirae.lake._info",
    "Workspace": "mirae.lake._workspace",
    "Lineage": "mirae.lake._lineage",
    "Connector": "mirae.lake._ingest._connectors",
    "connector_from_config": "mirae.lake._ingest._connectors",
    "register_connector": "mirae.lake._ingest._connectors",
    "LineageGraph": "mirae.lake._lineage",
    "IngestResult": "mirae.lake._ingest",
    "SourceData": "mirae.lake._ingest",
    "read_source": "mirae.lake._ingest",
    "QualityReport": "mirae.lake._quality",
    "quality": "mirae.lake._quality",
    "Check": "mirae.lake._checks",
    "load_checks": "mirae.lake._checks",
    "Profile": "mirae.lake._profile",
    "profile": "mirae.lake._profile",
    "writer_lock": "mirae.lake._catalog",
}

if TYPE_CHECKING:
    from mirae.lake._catalog import writer_lock
    from mirae.lake._checks import Check, load_checks
    from mirae.lake._info import ColumnInfo, SnapshotInfo, TableInfo
    from mirae.lake._ingest import IngestResult, SourceData, read_source
    from mirae.lake._ingest._connectors import Connector, connector_from_config, register_connector
    from mirae.lake._lineage import Lineage, LineageGraph
    from mirae.lake._profile import Profile, profile
    from mirae.lake._quality import QualityReport, quality
    from mirae.lake._workspace import Workspace


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    msg = f"module 'mirae.lake' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    return sorted(__all__)
