"""Ingestion: read files, URLs and databases into Arrow, and store them as table snapshots.

:func:`read_source` reads (nothing is stored); :func:`ingest_into` (behind
:meth:`mirae.Workspace.ingest`) reads, then writes one snapshot.
"""

from __future__ import annotations

from mirae.lake._ingest._read import ingest_into, read_source
from mirae.lake._ingest._result import IngestResult, SkippedLine, SourceData

__all__ = ["IngestResult", "SkippedLine", "SourceData", "ingest_into", "read_source"]
