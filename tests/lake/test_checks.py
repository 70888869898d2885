"""Declared checks: Python and YAML, pass/warn/fail, defaults, and wrong declarations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mirae.errors import QualityCheckError
from mirae.lake import Check, load_checks, quality


@pytest.fixture
def orders(workspace: Any) -> Any:
    frame = pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4", "o5", "o6"],
            "qty": [1, 3, -2, 5, 7, 40],
            "grade": ["A", "B", "C", "A", "Z", None],
            "phone": ["010-1234-5678", "02-123-4567", "010-9999-0000", "bad", None, "010-1111-2222"],
            "지역": ["서울", "부산", "서울", "서울", "대구", "서울"],
            "ordered": pd.to_datetime(
                ["2024-01-01", "2024-01-05", "2024-02-01", "2023-12-30", "2024-03-01", "2024-03-02"]
            ),
        }
    )
    workspace.write("orders", frame)
    return workspace


def _by_label(report: Any) -> dict[str, Any]:
    return {r.check.label: r for r in report.checks}


def test_rules_from_python(orders: Any) -> None:
    checks = [
        Check(column="qty", rule="min", threshold=0),
        Check(column="qty", rule="max", threshold=10, severity="warn"),
        Check(column="qty", rule="between", threshold=[-5, 50]),
        Check(column="grade", rule="allowed_values", threshold=["A", "B", "C"]),
        Check(column="phone", rule="regex", threshold=r"0\d{1,2}-\d{3,4}-\d{4}"),
        Check(column="order_id", rule="unique"),
        Check(column="지역", rule="unique", severity="warn"),
        Check(column="grade", rule="max_null_ratio", threshold=0.1),
        Check(column="qty", rule="dtype", threshold="integer"),
        Check(column="qty", rule="dtype", threshold="BIGINT"),
        Check(column="grade", rule="dtype", threshold="numeric", severity="warn"),
        Check(column="ordered", rule="min", threshold="2024-01-01"),
        Check(column="ordered", rule="between", threshold=["2023-01-01", "2024-12-31"]),
        Check(rule="row_count_min", threshold=5),
        Check(rule="row_count_max", threshold=5, severity="warn"),
        Check(rule="no_duplicate_rows"),
    ]
    report = quality(orders, "orders", checks=checks)
    got = {label: (r.status, r.observed) for label, r in _by_label(report).items()}
    assert got["min(qty)"] == ("fail", 1)  # -2
    assert got["max(qty)"] == ("warn", 1)  # 40
    assert got["between(qty)"] == ("pass", 0)
    assert got["allowed_values(grade)"] == ("fail", 1)  # Z; the null is not counted
    assert got["regex(phone)"] == ("fail", 1)  # 'bad'
    assert got["unique(order_id)"] == ("pass", 0)
    assert got["unique(지역)"] == ("warn", 3)  # 6 values, 3 distinct
    assert got["max_null_ratio(grade)"] == ("fail", pytest.approx(1 / 6))
    assert got["dtype(qty)"] == ("pass", "BIGINT")
    assert [r.status for r in report.checks if r.check.rule == "dtype"] == ["pass", "pass", "warn"]
    assert got["min(ordered)"] == ("fail", 1)  # 2023-12-30
    assert got["between(ordered)"] == ("pass", 0)
    assert got["row_count_min"] == ("pass", 6)
    assert got["row_count_max"] == ("warn", 6)
    assert got["no_duplicate_rows"] == ("pass", 0)
    assert report.status == "fail"
    assert "-2" in _by_label(report)["min(qty)"].message
    assert "'bad'" in _by_label(report)["regex(phone)"].message


def test_overall_status_is_the_worst_result(orders: Any) -> None:
    passing = [
        Check(column="qty", rule="between", threshold=[-10, 100]),
        Check(rule="row_count_min", threshold=1),
    ]
    assert quality(orders, "orders", checks=passing).status == "pass"
    warning = [*passing, Check(column="qty", rule="min", threshold=0, severity="warn")]
    assert quality(orders, "orders", checks=warning).status == "warn"
    failing = [*warning, Check(rule="row_count_min", threshold=100)]
    report = quality(orders, "orders", checks=failing)
    assert report.status == "fail"
    assert [r.check.rule for r in report.failures] == ["min", "row_count_min"]
    assert quality(orders, "orders", checks=[]).status == "pass"
    assert quality(orders, "orders", checks=[]).checks == []


def test_default_checks_warn(workspace: Any) -> None:
    frame = pd.DataFrame(
        {"id": [1, 2, 3, 4], "same": ["x"] * 4, "holes": [None, None, "w", "v"], "v": [1, 1, 2, 2]}
    )
    workspace.write("t", pd.concat([frame, frame.iloc[[0]].assign(id=5)]))
    report = quality(workspace, "t")
    got = {r.check.label: (r.status, r.observed) for r in report.checks}
    assert got == {
        "max_null_ratio(*)": ("warn", ["holes"]),
        "not_constant(*)": ("warn", ["same"]),
        "not_id_like(*)": ("warn", ["id"]),
        "no_duplicate_rows": ("pass", 0),
    }
    assert report.status == "warn"  # defaults never fail


def test_yaml_text_and_file_give_the_same_checks(orders: Any, tmp_path: Path) -> None:
    text = """
checks:
  - {column: qty, rule: min, threshold: 0}
  - {column: grade, rule: allowed_values, threshold: [A, B, C, Z], severity: warn}
  - {column: 지역, rule: allowed_values, threshold: [서울, 부산, 대구]}
  - rule: row_count_min
    threshold: 3
    name: enough rows
"""
    from_text = load_checks(text)
    path = tmp_path / "checks.yml"
    path.write_text(text, encoding="utf-8")
    assert load_checks(path) == from_text == load_checks(str(path))
    assert [c.label for c in from_text] == [
        "min(qty)",
        "allowed_values(grade)",
        "allowed_values(지역)",
        "enough rows",
    ]
    report = quality(orders, "orders", checks=path)
    assert [r.status for r in report.checks] == ["fail", "pass", "pass", "pass"]
    # a bare list works too
    assert load_checks("- {rule: no_duplicate_rows, severity: warn}") == [
        Check(rule="no_duplicate_rows", severity="warn")
    ]


def test_check_results_are_json_ready(orders: Any) -> None:
    report = quality(orders, "orders", checks=[Check(column="qty", rule="between", threshold=[0, 10])])
    item = report.to_dict()["checks"][0]
    assert item == {
        "name": "between(qty)",
        "rule": "between",
        "column": "qty",
        "threshold": [0, 10],
        "severity": "fail",
        "status": "fail",
        "observed": 2,
        "message": item["message"],
        "message_ko": item["message_ko"],
    }
    assert (
        "outside between 0 and 10" in item["message"] and "0~10 사이 범위를 벗어납니다" in item["message_ko"]
    )


def test_the_korean_report_has_no_english_check_texts(orders: Any) -> None:
    checks = [
        Check(column="qty", rule="between", threshold=[0, 10]),
        Check(rule="no_duplicate_rows", severity="warn"),
        Check(column="*", rule="max_null_ratio", threshold=0.5),
        Check(column="nope", rule="max_null_ratio", threshold=0.1),
    ]
    report = quality(orders, "orders", checks=checks)
    from html import escape

    korean, english = report.to_html(lang="ko"), report.to_html(lang="en")
    for result in report.checks:
        assert escape(result.text("ko")) in korean and escape(result.message) in english
        assert escape(result.message) not in korean
    assert "결측이 50%를 넘는 열이 없습니다." in korean


def test_missing_column_and_wrong_kind_fail_as_results(orders: Any) -> None:
    checks = [
        Check(column="nope", rule="max_null_ratio", threshold=0.1),
        Check(column="grade", rule="min", threshold=0, severity="warn"),
        Check(column="qty", rule="min", threshold="2024-01-01"),
    ]
    report = quality(orders, "orders", checks=checks)
    assert [r.status for r in report.checks] == ["fail", "warn", "fail"]
    assert "not in the table" in report.checks[0].message and "qty" in report.checks[0].message
    assert "numeric or date" in report.checks[1].message


def test_max_mean_shift_needs_and_uses_a_snapshot(workspace: Any, rng: np.random.Generator) -> None:
    workspace.write("m", pd.DataFrame({"a": rng.normal(0, 1, 300), "b": rng.normal(5, 1, 300)}))
    workspace.write(
        "m", pd.DataFrame({"a": rng.normal(3, 1, 300), "b": rng.normal(5, 1, 300)}), mode="append"
    )
    shift = Check(column="a", rule="max_mean_shift", threshold=0.5)
    with pytest.raises(QualityCheckError, match="against='previous'"):
        quality(workspace, "m", checks=[shift])
    every = Check(column="*", rule="max_mean_shift", threshold=0.5, severity="warn")
    report = quality(workspace, "m", against="previous", checks=[shift, every])
    assert report.checks[0].status == "fail" and report.checks[0].observed > 1
    assert report.checks[1].status == "warn" and report.checks[1].observed == ["a"]


@pytest.mark.parametrize(
    ("declaration", "expected"),
    [
        ({"rule": "minimum", "column": "a", "threshold": 0}, "Did you mean 'min'"),
        ({"rule": "min", "threshold": 0}, "needs a column"),
        ({"rule": "row_count_min", "column": "a", "threshold": 3}, "remove column"),
        ({"rule": "min", "column": "a", "threshold": "zero"}, "number or an ISO date"),
        ({"rule": "max_null_ratio", "column": "a", "threshold": 1.5}, "between 0 and 1"),
        ({"rule": "between", "column": "a", "threshold": [5, 1]}, "low must not exceed high"),
        ({"rule": "between", "column": "a", "threshold": 5}, "[low, high]"),
        ({"rule": "regex", "column": "a", "threshold": "(unclosed"}, "not a valid regular expression"),
        ({"rule": "unique", "column": "a", "threshold": 3}, "takes no threshold"),
        ({"rule": "unique", "column": "*"}, "not '*'"),
        ({"rule": "row_count_min", "threshold": -1}, "whole number"),
        ({"rule": "allowed_values", "column": "a", "threshold": []}, "non-empty list"),
        ({"rule": "min", "column": "a", "threshold": 0, "severity": "error"}, "'warn' or 'fail'"),
    ],
)
def test_bad_declarations_say_how_to_write_them(declaration: dict[str, Any], expected: str) -> None:
    with pytest.raises(QualityCheckError, match=expected.replace("[", r"\[").replace("(", r"\(")):
        Check(**declaration)
    with pytest.raises(QualityCheckError, match="check #1"):
        Check.from_dict(declaration, where="check #1")


def test_bad_yaml(tmp_path: Path) -> None:
    with pytest.raises(QualityCheckError, match="unknown key"):
        load_checks("- {rule: min, column: a, treshold: 0}")
    with pytest.raises(QualityCheckError, match="missing 'rule'"):
        load_checks("- {column: a}")
    with pytest.raises(QualityCheckError, match="not valid YAML"):
        load_checks("- {rule: min, column: a\n- [")
    with pytest.raises(QualityCheckError, match="must be a list"):
        load_checks("rule: min\ncolumn: a\n")
    with pytest.raises(QualityCheckError, match="does not exist"):
        load_checks(tmp_path / "missing.yml")
    with pytest.raises(QualityCheckError, match="does not exist"):
        load_checks("missing-checks.yaml")
    with pytest.raises(QualityCheckError, match="check #2"):
        load_checks("- {rule: no_duplicate_rows}\n- {rule: max, column: a, threshold: [1]}\n")
    with pytest.raises(ValueError, match="Example"):  # QualityCheckError is a ValueError
        load_checks("- {rule: between, column: a, threshold: 3}")


def test_duckdb_rejects_pattern_python_accepts(orders: Any) -> None:
    lookahead = Check(column="phone", rule="regex", threshold=r"(?=0)\d+")
    with pytest.raises(QualityCheckError, match="RE2"):
        quality(orders, "orders", checks=[lookahead])


def test_checks_are_values() -> None:
    a = Check(column="g", rule="allowed_values", threshold=["x", "y"])
    assert a == Check(column="g", rule="allowed_values", threshold=("x", "y"))
    assert hash(a) == hash(Check(column="g", rule="allowed_values", threshold=["x", "y"]))
    assert a.to_dict()["threshold"] == ["x", "y"]
