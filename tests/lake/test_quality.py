"""The quality report: column statistics computed in DuckDB, checked by hand and
against numpy/scipy on real data, drift between snapshots, JSON shape."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy import stats

from mirae.errors import ConfigError, SnapshotNotFoundError, TableNotFoundError
from mirae.lake import QualityReport, quality


def _robust_z_count(values: np.ndarray) -> int:
    med = np.median(values)
    mad = np.median(np.abs(values - med))
    if mad > 0:
        z = 0.6745 * np.abs(values - med) / mad
    else:
        z = np.abs(values - med) / (1.253314 * np.mean(np.abs(values - med)))
    return int((z > 3.5).sum())


def _iqr_count(values: np.ndarray) -> int:
    q1, q3 = np.quantile(values, [0.25, 0.75])
    spread = q3 - q1
    return int(((values < q1 - 1.5 * spread) | (values > q3 + 1.5 * spread)).sum())


# -- small tables where the answer is known by hand ------------------------------------
@pytest.fixture
def small(workspace: Any) -> Any:
    frame = pd.DataFrame(
        {
            "x": [1, 2, 3, 4, 100],
            "고객명": ["김", "이", None, "박", "최"],
            "상수": ["a"] * 5,
            "id": ["u1", "u2", "u3", "u4", "u5"],
            "mostly_null": [None, None, None, 1.5, None],
        }
    )
    workspace.write("small", frame)
    return workspace


def test_outliers_counted_by_iqr_and_robust_z(small: Any) -> None:
    x = quality(small, "small").column("x")
    assert x["iqr_outliers"] == 1  # fences [-1, 7] around quartiles 2 and 4
    assert x["robust_z_outliers"] == 1  # median 3, MAD 1: 100 is far out, 1..4 are not
    assert (x["iqr_low"], x["iqr_high"]) == (-1.0, 7.0)
    assert x["mad"] == 1.0
    assert x["min"] == 1 and x["max"] == 100 and isinstance(x["min"], int)
    assert x["mean"] == pytest.approx(22.0)
    assert x["std"] == pytest.approx(np.std([1, 2, 3, 4, 100], ddof=1))
    assert x["skewness"] == pytest.approx(stats.skew([1, 2, 3, 4, 100], bias=False))
    assert x["p50"] == 3.0 and x["p25"] == 2.0 and x["p75"] == 4.0


def test_robust_z_falls_back_to_mean_deviation_when_mad_is_zero(workspace: Any) -> None:
    values = [5, 5, 5, 5, 5, 5, 100]
    workspace.write("t", pd.DataFrame({"v": values}))
    v = quality(workspace, "t").column("v")
    assert v["mad"] == 0.0
    assert v["robust_z_outliers"] == 1 == _robust_z_count(np.array(values, dtype=float))
    assert v["iqr_outliers"] == 1


def test_nulls_flags_and_korean_names(small: Any) -> None:
    report = quality(small, "small")
    assert report.rows == 5
    name = report.column("고객명")
    assert (name["nulls"], name["null_ratio"], name["count"]) == (1, 0.2, 4)
    assert name["kind"] == "string" and name["length_max"] == 1
    assert report.column("상수")["flags"] == ["constant"]
    assert "id_like" in report.column("id")["flags"]
    assert "id_like" in report.column("x")["flags"]  # unique integers per row
    assert "id_like" not in report.column("고객명")["flags"]  # has a null
    assert report.column("mostly_null")["null_ratio"] == 0.8
    assert [c["name"] for c in report.columns] == ["x", "고객명", "상수", "id", "mostly_null"]


def test_duplicate_rows_and_empty_column(workspace: Any) -> None:
    frame = pd.DataFrame({"a": [1, 1, 1, 2, None], "b": ["p", "p", "p", "q", None], "e": [None] * 5})
    workspace.write("dups", frame.astype({"e": "float64"}))
    report = quality(workspace, "dups")
    assert report.duplicate_rows == 2
    assert report.column("e")["flags"] == ["empty"]
    assert report.column("e")["mean"] is None


def test_a_unique_column_rules_out_duplicate_rows(workspace: Any, random_state: int) -> None:
    ids = np.random.default_rng(random_state).permutation(np.arange(-500, 500))
    frame = pd.DataFrame({"id": ids, "g": ["a", "b"] * 500, "n": [None, 3, 4, 4] * 250})
    workspace.write("ids", frame.astype({"n": "Int64"}))
    report = quality(workspace, "ids")
    assert report.duplicate_rows == 0
    id_col, n_col = report.column("id"), report.column("n")
    assert id_col["distinct"] == 1000 and id_col["distinct_exact"] and "id_like" in id_col["flags"]
    assert (n_col["distinct"], n_col["distinct_exact"]) == (2, True)  # nulls are not a value


def test_duplicates_counted_when_a_near_unique_column_repeats(workspace: Any) -> None:
    ids = [*range(999), 0]  # an ID candidate (99.9% distinct) that is not unique
    frame = pd.DataFrame({"id": ids, "g": ["a"] * 999 + ["a"]})
    workspace.write("near", frame)
    report = quality(workspace, "near")
    assert report.column("id")["distinct"] == 999 and "id_like" not in report.column("id")["flags"]
    assert report.duplicate_rows == int(frame.duplicated().sum()) == 1


def test_nan_and_infinity_are_counted_apart(workspace: Any) -> None:
    values = pa.array([1.0, float("nan"), float("inf"), 2.0, None], type=pa.float64(), from_pandas=False)
    workspace.write("nan", pa.table({"f": values}))
    f = quality(workspace, "nan").column("f")
    assert f["count"] == 4 and f["nulls"] == 1
    assert f["non_finite"] == 2
    assert f["mean"] == 1.5 and f["max"] == 2.0


def test_dates_have_min_and_max(workspace: Any) -> None:
    days = pd.to_datetime(["2024-03-01", "2023-12-31", "2024-02-29"])
    workspace.write("days", pd.DataFrame({"when": days, "day": days.date}))
    report = quality(workspace, "days")
    assert report.column("when")["kind"] == "datetime"
    assert report.column("when")["min"] == "2023-12-31T00:00:00"
    assert report.column("day")["max"] == "2024-03-01"


def test_empty_table(workspace: Any) -> None:
    workspace.write(
        "none", pd.DataFrame({"a": pd.Series([], dtype="int64"), "s": pd.Series([], dtype="str")})
    )
    report = quality(workspace, "none")
    assert report.rows == 0 and report.duplicate_rows == 0
    assert report.column("a")["mean"] is None and report.column("a")["flags"] == []
    assert report.status == "pass"


# -- real data against numpy / scipy ---------------------------------------------------
@pytest.fixture(scope="module")
def housing_frame(shared_data: Path) -> pd.DataFrame:
    return pd.read_parquet(shared_data / "california_housing" / "california_housing.parquet.brotli")


def test_numeric_statistics_match_numpy_and_scipy(workspace: Any, housing_frame: pd.DataFrame) -> None:
    workspace.write("housing", housing_frame, source="california_housing")
    report = quality(workspace, "housing")
    assert report.rows == len(housing_frame)
    for name in housing_frame.columns:
        values = housing_frame[name].to_numpy(dtype=float)
        col = report.column(name)
        assert col["mean"] == pytest.approx(values.mean(), rel=1e-9)
        assert col["std"] == pytest.approx(values.std(ddof=1), rel=1e-9)
        assert col["skewness"] == pytest.approx(stats.skew(values, bias=False), rel=1e-6)
        assert [col[k] for k in ("p01", "p25", "p50", "p75", "p99")] == pytest.approx(
            np.quantile(values, [0.01, 0.25, 0.5, 0.75, 0.99]), rel=1e-9
        )
        assert (col["min"], col["max"]) == (values.min(), values.max())
        assert col["distinct"] == housing_frame[name].nunique() and col["distinct_exact"]
        assert col["iqr_outliers"] == _iqr_count(values)
        assert col["robust_z_outliers"] == _robust_z_count(values)
        assert col["mad"] == pytest.approx(np.median(np.abs(values - np.median(values))))
    assert report.duplicate_rows == int(housing_frame.duplicated().sum())


def test_text_statistics_match_pandas(workspace: Any, shared_data: Path) -> None:
    frame = pd.read_csv(shared_data / "german_credit" / "germancredit.csv")
    workspace.write("credit", frame)
    report = quality(workspace, "credit")
    for name in frame.columns:
        col = report.column(name)
        assert col["distinct"] == frame[name].nunique(), name
        assert col["nulls"] == frame[name].isna().sum()
        if frame[name].dtype == object:
            lengths = frame[name].str.len()
            assert (col["length_min"], col["length_max"]) == (lengths.min(), lengths.max())
            assert col["length_mean"] == pytest.approx(lengths.mean())
            assert col["kind"] == "string"
    assert report.duplicate_rows == int(frame.duplicated().sum())
    assert report.column("purpose")["distinct"] == 10
    assert "skewed" in report.column("credit_amount")["flags"]


# -- snapshots and drift ---------------------------------------------------------------
@pytest.fixture
def two_snapshots(
    workspace: Any, rng: np.random.Generator
) -> tuple[Any, int, int, pd.DataFrame, pd.DataFrame]:
    first = pd.DataFrame(
        {"price": rng.normal(100, 10, 400), "qty": rng.integers(0, 5, 400), "note": ["a"] * 400}
    )
    second = pd.DataFrame(
        {
            "price": rng.normal(130, 10, 100),
            "qty": rng.integers(0, 5, 100),
            "note": [None] * 100,
            "channel": ["web"] * 100,
        }
    )
    s1 = workspace.write("sales", first).snapshot_id
    s2 = workspace.write("sales", second, mode="append").snapshot_id
    return workspace, s1, s2, first, second


def test_drift_against_first_snapshot(two_snapshots: Any) -> None:
    ws, s1, s2, first, second = two_snapshots
    report = quality(ws, "sales", against=s1)
    drift = report.drift
    assert drift is not None and report.snapshot_id == s2
    assert drift["against_snapshot_id"] == s1
    assert (drift["rows_before"], drift["rows_after"], drift["row_change"]) == (400, 500, 100)
    assert drift["row_change_ratio"] == pytest.approx(0.25)
    assert drift["columns_added"] == ["channel"]
    assert drift["columns_removed"] == [] and drift["columns_retyped"] == []
    by_name = {c["name"]: c for c in drift["columns"]}
    both = pd.concat([first, second])
    expected = (both["price"].mean() - first["price"].mean()) / first["price"].std(ddof=1)
    assert by_name["price"]["mean_shift_std"] == pytest.approx(expected)
    assert by_name["price"]["mean_shift_std"] > 0.5
    assert by_name["note"]["null_ratio_before"] == 0.0
    assert by_name["note"]["null_ratio_after"] == pytest.approx(0.2)
    assert by_name["note"]["null_ratio_shift"] == pytest.approx(0.2)
    assert by_name["note"]["mean_shift_std"] is None  # text has no mean


def test_previous_snapshot_and_earlier_snapshot(two_snapshots: Any) -> None:
    ws, s1, s2, first, _ = two_snapshots
    assert quality(ws, "sales", against="previous").drift["against_snapshot_id"] == s1
    old = quality(ws, "sales", snapshot=s1)
    assert old.rows == 400 and old.snapshot_id == s1
    assert [c["name"] for c in old.columns] == ["price", "qty", "note"]
    assert old.column("price")["mean"] == pytest.approx(first["price"].mean())
    with pytest.raises(SnapshotNotFoundError, match="nothing to compare"):
        quality(ws, "sales", snapshot=s1, against="previous")


def test_retyped_and_removed_columns(workspace: Any) -> None:
    s1 = workspace.write("t", pd.DataFrame({"code": [1, 2], "gone": [1.0, 2.0]})).snapshot_id
    workspace.write("t", pd.DataFrame({"code": ["A1", "B2"]}), mode="replace")
    drift = quality(workspace, "t", against=s1).drift
    assert drift["columns_removed"] == ["gone"]
    assert drift["columns_retyped"] == [{"name": "code", "before": "BIGINT", "after": "VARCHAR"}]


def test_bad_against_and_unknown_table(two_snapshots: Any) -> None:
    ws = two_snapshots[0]
    with pytest.raises(SnapshotNotFoundError, match="has no snapshot 12345"):
        quality(ws, "sales", against=12345)
    with pytest.raises(ConfigError, match="'previous'"):
        quality(ws, "sales", against="last")
    with pytest.raises(TableNotFoundError):
        quality(ws, "nope")


def test_report_is_json_ready(two_snapshots: Any) -> None:
    ws = two_snapshots[0]
    report = ws.quality("sales", against="previous")
    assert isinstance(report, QualityReport)
    data = json.loads(report.to_json())
    assert data == report.to_dict()
    assert set(data) == {
        "table", "snapshot_id", "computed_at", "status", "rows", "duplicate_rows", "duplicate_ratio",
        "columns", "drift", "checks",
    }  # fmt: skip
    keys = set(data["columns"][0])
    assert all(set(c) == keys for c in data["columns"])
    assert data["status"] in ("pass", "warn", "fail")
    for col in data["columns"]:
        for value in col.values():
            assert not (isinstance(value, float) and math.isnan(value))


def test_progress_receives_steps(small: Any) -> None:
    events: list[str] = []

    class Recorder:
        def start(self, task: str, total: float | None = None) -> None:
            events.append(f"start {total}")

        def advance(self, amount: float = 1.0) -> None:
            events.append("advance")

        def finish(self) -> None:
            events.append("finish")

    quality(small, "small", progress=Recorder())
    assert events == ["start 4", "advance", "advance", "advance", "advance", "finish"]


def test_a_zero_one_column_is_neither_skewed_nor_full_of_outliers(tmp_path: Path) -> None:
    import numpy as np

    from mirae import Workspace

    ws = Workspace(tmp_path / "ws")
    rng = np.random.default_rng(0)
    ws.write(
        "t",
        pd.DataFrame({"senior": (rng.random(1000) < 0.05).astype(int), "spend": rng.lognormal(size=1000)}),
    )
    columns = {c["name"]: c for c in ws.quality("t").to_dict()["columns"]}
    assert columns["senior"]["flags"] == [] and columns["senior"]["iqr_outliers"] == 0
    assert columns["senior"]["robust_z_outliers"] == 0
    assert "skewed" in columns["spend"]["flags"] and columns["spend"]["iqr_outliers"] > 0
