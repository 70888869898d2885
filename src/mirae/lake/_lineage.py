"""Where a table's rows came from, as data: every snapshot records its inputs and the operation.

Each write stores a :class:`Lineage` in its snapshot's properties: the
operation (``ingest``, ``sql``, ``forecast``, ``predict``, ``simulate``,
``write``), its inputs (workspace tables at a snapshot id, or an ingested
source), the spec it ran with, and the MLflow run and model version where
there is one. :meth:`Workspace.lineage <mirae.lake.Workspace.lineage>` follows
the inputs back to the ingested files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mirae.core._json import dumps, to_jsonable
from mirae.core._result import Result

if TYPE_CHECKING:
    from mirae.lake._workspace import Workspace

__all__ = ["Lineage", "LineageGraph", "LineageStep"]

#: Snapshot property holding the lineage record (JSON).
PROP_LINEAGE = "mirae.lineage"
#: Largest lineage record stored: a spec with very long text is cut, never the inputs.
MAX_BYTES = 16_000


@dataclass(frozen=True)
class Lineage:
    """What one write was made from.

    Parameters
    ----------
    operation : str
        ``ingest``, ``sql``, ``forecast``, ``predict``, ``simulate``, ``write`` (Python), ...
    inputs : tuple of dict
        ``{"table": name, "snapshot_id": id}`` for workspace tables, and
        ``{"source": label, "format": fmt}`` for an ingested file, URL or database.
    spec : dict, optional
        The settings of the operation (a use case's spec as data, a SQL query).
    run_id, model : str, optional
        The MLflow run that logged the operation and the model version it used.

    Examples
    --------
    >>> Lineage("predict", inputs=(Lineage.table("customers", 7),), model="churn/2").to_dict()["inputs"]
    [{'table': 'customers', 'snapshot_id': 7}]
    """

    operation: str
    inputs: tuple[dict[str, Any], ...] = ()
    spec: dict[str, Any] | None = None
    run_id: str | None = None
    model: str | None = None

    @staticmethod
    def table(name: str, snapshot_id: int | None) -> dict[str, Any]:
        """The input record of workspace table ``name`` at ``snapshot_id``."""
        return {"table": name, "snapshot_id": snapshot_id}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (what the snapshot stores)."""
        data: dict[str, Any] = to_jsonable(
            {
                "operation": self.operation,
                "inputs": list(self.inputs),
                "spec": self.spec,
                "run_id": self.run_id,
                "model": self.model,
            }
        )
        return data

    def to_property(self) -> str:
        """The record as snapshot-property text, within :data:`MAX_BYTES`."""
        text = dumps(self.to_dict())
        if len(text.encode("utf-8")) > MAX_BYTES:
            cut = {**self.to_dict(), "spec": {"note": "spec too long to store; see the MLflow run"}}
            text = dumps(cut)
        return text

    @classmethod
    def from_property(cls, text: str | None) -> Lineage | None:
        """The record stored by :meth:`to_property` (None for snapshots written before lineage)."""
        if not text:
            return None
        data = json.loads(text)
        return cls(
            operation=str(data.get("operation", "")),
            inputs=tuple(data.get("inputs") or ()),
            spec=data.get("spec"),
            run_id=data.get("run_id"),
            model=data.get("model"),
        )


@dataclass(frozen=True)
class LineageStep:
    """One snapshot on the way back: which table, which snapshot, made how, from what."""

    table: str
    snapshot_id: int | None
    depth: int
    committed_at: datetime | None
    user: str
    operation: str
    inputs: tuple[dict[str, Any], ...]
    spec: dict[str, Any] | None
    run_id: str | None
    model: str | None
    source: str
    missing: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        data: dict[str, Any] = to_jsonable(self.__dict__)
        return data


@dataclass
class LineageGraph(Result):
    """The chain of snapshots a table was made from, the table's own snapshot first.

    ``steps`` are in depth-first order with their depth (0 = the table asked
    about); ``origins`` are the ingested sources at the end of the chain.
    """

    table: str
    steps: list[LineageStep] = field(default_factory=list)

    def __iter__(self) -> Iterator[LineageStep]:
        return iter(self.steps)

    @property
    def origins(self) -> list[dict[str, Any]]:
        """The files, URLs and databases the chain starts from."""
        return [i for s in self.steps for i in s.inputs if "source" in i]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "table": self.table,
            "steps": [s.to_dict() for s in self.steps],
            "origins": to_jsonable(self.origins),
        }


def trace(ws: Workspace, table: str, snapshot: int | None = None, *, max_steps: int = 200) -> LineageGraph:
    """Follow ``table`` (at ``snapshot``, default the latest) back through its inputs."""
    graph = LineageGraph(table=table)
    seen: set[tuple[str, int | None]] = set()
    _visit(
        ws,
        table,
        snapshot if snapshot is not None else ws.current_snapshot_id(table),
        0,
        graph,
        seen,
        max_steps,
    )
    return graph


def _visit(
    ws: Workspace,
    table: str,
    snapshot_id: int | None,
    depth: int,
    graph: LineageGraph,
    seen: set[tuple[str, int | None]],
    max_steps: int,
) -> None:
    key = (table, snapshot_id)
    if key in seen or len(graph.steps) >= max_steps:
        return
    seen.add(key)
    info = _snapshot(ws, table, snapshot_id)
    if info is None:  # dropped since, or a snapshot expired: say so, stop there
        graph.steps.append(
            LineageStep(
                table, snapshot_id, depth, None, "", "unknown", (), None, None, None, "", missing=True
            )
        )
        return
    record = info.lineage or Lineage(operation="write", inputs=())
    graph.steps.append(
        LineageStep(
            table=table,
            snapshot_id=snapshot_id,
            depth=depth,
            committed_at=info.committed_at,
            user=info.user,
            operation=record.operation,
            inputs=record.inputs,
            spec=record.spec,
            run_id=record.run_id,
            model=record.model,
            source=info.source,
        )
    )
    for item in record.inputs:
        if isinstance(item, Mapping) and "table" in item:
            _visit(ws, str(item["table"]), item.get("snapshot_id"), depth + 1, graph, seen, max_steps)


def _snapshot(ws: Workspace, table: str, snapshot_id: int | None) -> Any:
    if not ws.exists(table):
        return None
    history = ws.history(table)
    if snapshot_id is None:
        return history[-1] if history else None
    return next((info for info in history if info.snapshot_id == snapshot_id), None)
