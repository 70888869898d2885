"""The lakehouse layer: workspace tables, ingestion, data quality and profiles."""

from mirae.lake._info import ColumnInfo, SnapshotInfo, TableInfo
from mirae.lake._workspace import Workspace

__all__ = ["ColumnInfo", "SnapshotInfo", "TableInfo", "Workspace"]
