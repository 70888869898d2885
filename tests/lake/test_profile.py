"""The profile (histograms, top values, Pearson/Spearman, scatter) against numpy,
pandas and scipy, and the standalone HTML report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mirae.errors import ConfigError
from mirae.lake import Check, Profile, profile, quality


@pytest.fixture(scope="module")
def housing_frame(shared_data: Path) -> pd.DataFrame:
    return pd.read_parquet(shared_data / "california_housing" / "california_housing.parquet.brotli")


@pytest.fixture
def housing(workspace: Any, housing_frame: pd.DataFrame) -> Any:
    workspace.write("housing", housing_frame)
    return workspace


def test_histograms_by_hand(workspace: Any) -> None:
    frame = pd.DataFrame(
        {
            "x": [0.0, 1.0, 2.0, 3.0, 4.0, None],
            "kids": [0, 1, 1, 2, 2, 2],
            "same": [7, 7, 7, 7, 7, 7],
        }
    )
    workspace.write("t", frame)
    p = profile(workspace, "t", bins=4)
    x = p.histogram("x")
    assert x["edges"] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert x["counts"] == [1, 1, 1, 2]  # the maximum falls in the last bin; the null in none
    kids = p.histogram("kids")  # a small integer range: one bin per value
    assert kids["edges"] == [-0.5, 0.5, 1.5, 2.5] and kids["counts"] == [1, 2, 3]
    assert p.histogram("same")["counts"] == [6]


def test_histograms_match_numpy(housing: Any, housing_frame: pd.DataFrame) -> None:
    p = profile(housing, "housing", bins=20)
    for name in housing_frame.columns:
        values = housing_frame[name].to_numpy(dtype=float)
        counts, edges = np.histogram(values, bins=20, range=(values.min(), values.max()))
        hist = p.histogram(name)
        assert hist["edges"] == pytest.approx(list(edges))
        assert sum(hist["counts"]) == len(values)
        assert hist["counts"] == list(counts), name


def test_date_histogram_has_iso_edges(workspace: Any) -> None:
    days = pd.date_range("2024-01-01", periods=10, freq="D")
    workspace.write("d", pd.DataFrame({"day": days}))
    hist = profile(workspace, "d", bins=3).histogram("day")
    assert hist["kind"] == "datetime"
    assert hist["edges"][0] == "2024-01-01T00:00:00" and hist["edges"][-1] == "2024-01-10T00:00:00"
    assert hist["counts"] == [3, 3, 4]


def test_profile_reuses_a_quality_report(workspace: Any, housing_frame: pd.DataFrame) -> None:
    frame = housing_frame.head(3000).assign(
        day=pd.date_range("2024-01-01 06:30", periods=3000, freq="h"),
        kind=["a", "b", None] * 1000,
        Population=housing_frame["Population"].head(3000).mask(lambda s: s > 2000),
    )
    workspace.write("h", frame)
    alone = profile(workspace, "h", bins=7).to_dict()
    reused = profile(workspace, "h", bins=7, quality=quality(workspace, "h", checks=[])).to_dict()
    for key in ("rows", "columns", "histograms", "top_values"):
        assert reused[key] == alone[key], key
    for key in ("pearson", "spearman"):  # the same rows; parallel sums may differ in the last digit
        got, expected = (np.array(p["correlations"][key], dtype=float) for p in (reused, alone))
        np.testing.assert_allclose(got, expected, atol=1e-12)


def test_profile_refuses_a_report_of_another_snapshot(workspace: Any) -> None:
    workspace.write("t", pd.DataFrame({"x": [1, 2, 3]}))
    report = quality(workspace, "t")
    workspace.write("t", pd.DataFrame({"x": [1, 2, 3, 4]}), mode="append")
    with pytest.raises(ConfigError, match="same snapshot"):
        profile(workspace, "t", quality=report)
    workspace.write("u", pd.DataFrame({"x": [1, 2, 3]}))
    with pytest.raises(ConfigError, match="table 't'"):
        profile(workspace, "u", quality=report)


def test_top_values_match_pandas(workspace: Any, shared_data: Path) -> None:
    frame = pd.read_csv(shared_data / "german_credit" / "germancredit.csv")
    frame.loc[:9, "purpose"] = None
    workspace.write("credit", frame)
    p = profile(workspace, "credit", top=3)
    top = p.top("purpose")
    expected = frame["purpose"].value_counts().head(3)
    assert [(v["value"], v["count"]) for v in top["values"]] == list(expected.items())
    assert top["nulls"] == 10
    assert top["other"] == frame["purpose"].notna().sum() - expected.sum()
    assert top["skipped"] is None
    with pytest.raises(KeyError):
        p.top("credit_amount")  # numeric columns get histograms, not top values


def test_pearson_and_spearman_match_scipy(housing: Any, housing_frame: pd.DataFrame) -> None:
    p = profile(housing, "housing")
    corr = p.correlations
    names = corr["columns"]
    assert names == list(housing_frame.columns)
    assert corr["spearman_sampled"] is False and corr["spearman_rows"] == len(housing_frame)
    pearson = housing_frame.corr(method="pearson").to_numpy()
    spearman, _ = stats.spearmanr(housing_frame.to_numpy())
    np.testing.assert_allclose(np.array(corr["pearson"], dtype=float), pearson, atol=1e-9)
    np.testing.assert_allclose(np.array(corr["spearman"], dtype=float), spearman, atol=1e-9)


def test_spearman_with_ties_and_nulls(workspace: Any) -> None:
    a = [1, 1, 2, 3, 3, 3, 4, 10]
    b = [2, 1, 2, 5, 4, 4, 9, 7]
    workspace.write("t", pd.DataFrame({"a": a, "b": b, "c": [1.0, None, 3.0, 2.0, 5.0, 4.0, 7.0, 6.0]}))
    corr = profile(workspace, "t").correlations
    assert corr["spearman"][0][1] == pytest.approx(stats.spearmanr(a, b).statistic)
    assert corr["pearson"][0][2] == pytest.approx(
        pd.DataFrame({"a": a, "c": [1.0, None, 3.0, 2.0, 5.0, 4.0, 7.0, 6.0]}).corr().iloc[0, 1]
    )


def test_spearman_on_a_sample(housing: Any, housing_frame: pd.DataFrame) -> None:
    p = profile(housing, "housing", spearman_sample=5000)
    corr = p.correlations
    assert corr["spearman_sampled"] is True
    assert 4000 < corr["spearman_rows"] < 6000  # Bernoulli: about, not exactly, 5000
    full, _ = stats.spearmanr(housing_frame.to_numpy())
    np.testing.assert_allclose(np.array(corr["spearman"], dtype=float), full, atol=0.06)


def test_scatter_of_the_most_correlated_pairs(housing: Any, housing_frame: pd.DataFrame) -> None:
    p = profile(housing, "housing", scatter_pairs=2, scatter_sample=300)
    assert len(p.scatter) == 2
    first = p.scatter[0]
    # AveRooms/AveBedrms and Latitude/Longitude are the strongest pairs of this data set
    assert {first["x"], first["y"]} in ({"Latitude", "Longitude"}, {"AveRooms", "AveBedrms"})
    strengths = [max(abs(s["pearson"]), abs(s["spearman"])) for s in p.scatter]
    assert strengths == sorted(strengths, reverse=True)
    points = list(zip(first["points"]["x"], first["points"]["y"], strict=True))
    assert len(points) == 300
    rows = set(zip(housing_frame[first["x"]], housing_frame[first["y"]], strict=True))
    assert all(point in rows for point in points)  # real rows, not jittered


def test_profile_json_and_parameters(housing: Any) -> None:
    p = housing.profile("housing", bins=5, top=2)
    assert isinstance(p, Profile)
    data = json.loads(p.to_json())
    assert data == p.to_dict()
    assert set(data) == {
        "table", "snapshot_id", "computed_at", "rows", "columns", "histograms", "top_values",
        "correlations", "scatter",
    }  # fmt: skip
    assert all(len(h["edges"]) == len(h["counts"]) + 1 == 6 for h in data["histograms"])
    for bad in ({"bins": 0}, {"top": -1}, {"scatter_sample": "many"}, {"bins": True}):
        with pytest.raises(ConfigError):
            profile(housing, "housing", **bad)


def test_profile_of_table_without_numbers(workspace: Any) -> None:
    workspace.write("words", pd.DataFrame({"w": ["가", "나", "가"]}))
    p = profile(workspace, "words")
    assert p.correlations["columns"] == [] and p.scatter == [] and p.histograms == []
    assert p.top("w")["values"] == [{"value": "가", "count": 2}, {"value": "나", "count": 1}]
    assert "<html" in p.to_html(lang="en")


# -- the HTML report --------------------------------------------------------------------
@pytest.fixture
def report_pair(workspace: Any, rng: np.random.Generator) -> tuple[Any, Any]:
    n = 200
    frame = pd.DataFrame(
        {
            "매출": rng.normal(100, 15, n),
            "수량": rng.integers(1, 20, n),
            "등급": rng.choice(["<script>alert('x')</script>", "A&B", "일반"], n),
            "가입일": pd.date_range("2024-01-01", periods=n, freq="D"),
        }
    )
    frame["할인"] = frame["매출"] * 0.1 + rng.normal(0, 1, n)
    s1 = workspace.write("shop", frame).snapshot_id
    workspace.write("shop", frame.assign(매출=frame["매출"] + 30), mode="append")
    checks = [
        Check(column="수량", rule="min", threshold=0),
        Check(rule="row_count_min", threshold=10_000, name="<img src=x onerror=alert(1)>"),
    ]
    return quality(workspace, "shop", against=s1, checks=checks), profile(workspace, "shop")


def test_html_is_standalone_with_plotly_inlined_once(report_pair: tuple[Any, Any], tmp_path: Path) -> None:
    from plotly.offline import get_plotlyjs

    report, prof = report_pair
    path = tmp_path / "report.html"
    text = report.to_html(path, profile=prof, lang="ko")
    assert path.read_text(encoding="utf-8") == text
    plotly_js = get_plotlyjs()
    assert text.count(plotly_js[-2000:]) == 1  # the library, once
    assert "<script src=" not in text and '<script type="text/javascript" src' not in text
    assert text.count("Plotly.newPlot(") == 1  # one loop draws every figure
    figures = json.loads(text.split("const figures = ", 1)[1].split(";\nfor (const f", 1)[0])
    kinds = [f["data"][0]["type"] for f in figures]
    assert kinds.count("heatmap") == 2 and "scattergl" in kinds and "bar" in kinds


def test_html_labels_follow_lang(report_pair: tuple[Any, Any]) -> None:
    report, prof = report_pair
    korean = report.to_html(profile=prof, lang="ko")
    english = prof.to_html(quality=report, lang="en")
    for text in (
        "데이터 품질·탐색 보고서",
        "결측 비율",
        "검사 결과",
        "스냅샷 간 변화",
        "스피어먼 순위상관계수",
        "실패",
    ):
        assert text in korean and text not in english
    for text in ("Data quality and EDA report", "Null ratio", "Checks", "Drift between snapshots", "Fail"):
        assert text in english
    assert '<html lang="ko">' in korean and '<html lang="en">' in english
    assert "매출" in korean and "매출" in english  # user text is never translated
    with pytest.raises(ConfigError, match="'ko' or 'en'"):
        report.to_html(lang="fr")


def test_html_escapes_user_text(report_pair: tuple[Any, Any]) -> None:
    report, prof = report_pair
    text = report.to_html(profile=prof)
    body = text.split("</head>", 1)[1]
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    # chart data sits in a <script>: no raw '<' may appear in it
    figures = body.split("const figures = ", 1)[1].split(";\nfor (const f", 1)[0]
    assert "<" not in figures and "&" not in figures
    # plotly reads entities in its text, so values are HTML-escaped inside the JSON too
    assert "\\u0026lt;script\\u0026gt;" in figures
    assert any("A&amp;B" in (f["data"][0].get("y") or []) for f in json.loads(figures))


def test_html_needs_something_to_show() -> None:
    from mirae.lake._report_html import render_report

    with pytest.raises(ConfigError, match="quality report, a profile"):
        render_report(None)
