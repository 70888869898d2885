"""Schema and distribution drift of a table between two snapshots."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mirae.errors import ConfigError, SnapshotNotFoundError
from mirae.lake._sql import aggregate, as_float, column_types, quote

if TYPE_CHECKING:
    from mirae.lake._workspace import Workspace


def resolve_against(ws: Workspace, name: str, snapshot_id: int | None, against: int | str) -> int:
    """Return the snapshot id to compare with: ``against`` itself or the one before ``snapshot_id``."""
    if isinstance(against, str):
        if against != "previous":
            msg = f"against must be a snapshot id or 'previous'; got {against!r}. See `mirae history {name}`."
            raise ConfigError(msg)
        ids = [s.snapshot_id for s in ws.history(name)]
        position = ids.index(snapshot_id) if snapshot_id in ids else len(ids) - 1
        if position <= 0:
            msg = (
                f"table '{name}' has no snapshot before {snapshot_id}, so there is nothing to "
                "compare against; append data first or leave out against."
            )
            raise SnapshotNotFoundError(msg)
        return ids[position - 1]
    if isinstance(against, bool) or not isinstance(against, int):
        msg = f"against must be a snapshot id (int) or 'previous'; got {against!r}."
        raise ConfigError(msg)
    ws.count(name, snapshot=against)  # raises SnapshotNotFoundError with the known ids
    return against


def drift(
    ws: Workspace,
    name: str,
    against: int,
    *,
    rows: int,
    columns: list[dict[str, Any]],
) -> dict[str, Any]:
    """Compare the current statistics (``rows``, ``columns``) with snapshot ``against``.

    Returns
    -------
    dict
        ``against_snapshot_id``, ``rows_before``, ``rows_after``, ``row_change``,
        ``row_change_ratio``, ``columns_added``, ``columns_removed``,
        ``columns_retyped`` (``[{name, before, after}]``) and ``columns``:
        per common column ``null_ratio_before/after``, ``null_ratio_shift``
        (after minus before), ``mean_before/after``, ``std_before`` and
        ``mean_shift_std`` (the mean shift in standard deviations of the old
        snapshot; None when that deviation is 0 or a side is not numeric).
    """
    con = ws.connect(snapshots={name: against}, only=[name])
    try:
        old_columns = column_types(con, name)
        expr: dict[str, str] = {"n_rows": "count(*)"}
        for i, col in enumerate(old_columns):
            expr[f"c{i}_nn"] = f"count({col.sql})"
            if col.kind == "numeric":
                expr[f"c{i}_mean"] = f"avg({col.value})"
                expr[f"c{i}_std"] = f"stddev_samp({col.value})"
        old = aggregate(con, quote(name), expr, table=name)
    finally:
        con.close()
    rows_before = int(old["n_rows"] or 0)
    old_by_name = {col.name: (i, col) for i, col in enumerate(old_columns)}
    new_by_name = {rec["name"]: rec for rec in columns}
    retyped = [
        {"name": rec["name"], "before": old_by_name[rec["name"]][1].type, "after": rec["type"]}
        for rec in columns
        if rec["name"] in old_by_name and old_by_name[rec["name"]][1].type != rec["type"]
    ]
    shifts = []
    for rec in columns:
        if rec["name"] not in old_by_name:
            continue
        i, col = old_by_name[rec["name"]]
        null_before = (rows_before - int(old[f"c{i}_nn"] or 0)) / rows_before if rows_before else 0.0
        null_after = rec["null_ratio"]
        mean_before = as_float(old.get(f"c{i}_mean"))
        std_before = as_float(old.get(f"c{i}_std"))
        mean_after = as_float(rec["mean"]) if rec["kind"] == "numeric" else None
        shift = None
        if mean_before is not None and mean_after is not None and std_before:
            shift = (mean_after - mean_before) / std_before
        shifts.append(
            {
                "name": rec["name"],
                "null_ratio_before": null_before,
                "null_ratio_after": null_after,
                "null_ratio_shift": null_after - null_before,
                "mean_before": mean_before,
                "mean_after": mean_after,
                "std_before": std_before,
                "mean_shift_std": shift,
            }
        )
    return {
        "against_snapshot_id": against,
        "rows_before": rows_before,
        "rows_after": rows,
        "row_change": rows - rows_before,
        "row_change_ratio": (rows - rows_before) / rows_before if rows_before else None,
        "columns_added": [rec["name"] for rec in columns if rec["name"] not in old_by_name],
        "columns_removed": [col.name for col in old_columns if col.name not in new_by_name],
        "columns_retyped": retyped,
        "columns": shifts,
    }
