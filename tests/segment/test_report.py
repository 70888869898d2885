"""The segmentation report: profiles, what sets segments apart, the k choice in words, KO/EN pages."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mirae.segment import KMeansSegmenter, RFMFeatures, RFMScoreSegmenter
from mirae.segment._profile import segment_profiles, separation, traits
from mirae.segment._report import segment_report


def test_profiles_and_separation_on_known_groups(blobs: pd.DataFrame) -> None:
    X, labels = blobs[["a", "b", "c"]], blobs["truth"].to_numpy()
    profiles = segment_profiles(X, labels)
    assert profiles["size"].tolist() == [90, 70, 50, 30] and profiles["share"].sum() == pytest.approx(1.0)
    assert profiles.loc[1, "a_mean"] == pytest.approx(8, abs=0.3) and profiles.loc[
        1, "a_median"
    ] == pytest.approx(8, abs=0.3)
    apart = separation(X, labels)
    assert apart.loc[1, "a"] > 1.5 and apart.loc[0, "a"] < 0  # group 1 sits high on a, group 0 low
    assert traits(apart)[3][0][0] == "c" and traits(apart)[3][0][1] > 0


@pytest.fixture(scope="module")
def kmeans_report(rfm: RFMFeatures, rfm_kmeans: KMeansSegmenter):  # type: ignore[no-untyped-def]
    return segment_report(
        rfm_kmeans, rfm.table, method="kmeans", notes=rfm.notes(), provenance={"table": "retail"}
    )


def test_kmeans_report_pages(kmeans_report) -> None:  # type: ignore[no-untyped-def]
    report = kmeans_report
    data = json.loads(json.dumps(report.to_dict()))
    assert data["kind"] == "segment_report" and data["k_choice"]["criterion"] == "silhouette"
    assert (
        sum(data["profiles"]["data"][i][1] for i in range(report.n_segments)) == report.profiles["size"].sum()
    )
    assert any("return/cancellation rows" in n for n in data["notes"])
    ko, en = report.to_html(lang="ko"), report.to_html(lang="en")
    k = report.k_choice["k"]
    assert f"k={k}: the best Silhouette for k from 2 to 10" in en and "실루엣 계수이(가) 가장 좋습니다" in ko
    for page in (ko, en):
        assert page.count("Plotly.newPlot") == 3 and "<script src=" not in page  # k, PCA, snake; offline
    assert "스네이크 플롯" in ko and "Snake plot" in en and "세그먼트를 가르는 특징" in ko
    assert "Adjusted Rand".lower() in en.lower() and "조정 랜드 지수" in ko
    assert "반품·취소" in ko and "log1p" in en


def test_rfm_report_names_segments_and_shows_the_rules(rfm: RFMFeatures) -> None:
    model = RFMScoreSegmenter().fit(rfm.table)
    report = segment_report(model, rfm.table, method="quantile")
    assert report.k_choice is None and report.rules and report.edges
    ko, en = report.to_html(lang="ko"), report.to_html(lang="en")
    assert "최우수 고객" in ko and "Champions" in en and "RFM score rules" in en and "점수 경계" in ko
    champions = report.names.index("champions")
    assert report.separation.loc[champions, "monetary"] > 0 > report.separation.loc[champions, "recency"]
    assert np.isfinite(report.pca[["pc1", "pc2"]].to_numpy()).all() and len(report.pca) == len(rfm.table)
