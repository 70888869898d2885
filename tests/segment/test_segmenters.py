"""k-means and Gaussian-mixture segmenters: the known answer on blobs, real RFM data, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from mirae.errors import ConfigError, SegmentError
from mirae.segment import GaussianMixtureSegmenter, KMeansSegmenter, RFMFeatures

FEATURES = ["a", "b", "c"]


@pytest.mark.parametrize(
    "make",
    [lambda: KMeansSegmenter(skew="none"), lambda: GaussianMixtureSegmenter(skew="none")],
    ids=["kmeans", "gmm"],
)
def test_auto_k_finds_four_separated_blobs(blobs: pd.DataFrame, make) -> None:  # type: ignore[no-untyped-def]
    model = make().fit(blobs[FEATURES])
    assert model.n_segments_ == 4 and model.k_choice_["k"] == 4
    assert list(model.k_scores_["k"]) == list(range(2, 11))
    assert adjusted_rand_score(blobs["truth"], model.labels_) == 1.0
    # segment 0 is the largest, and so on
    assert list(np.bincount(model.labels_)) == [90, 70, 50, 30]
    assert model.stability_["seed_ari_min"] == 1.0 and model.stability_["bootstrap_ari_mean"] > 0.99
    # new rows are assigned without refitting
    new = pd.DataFrame([[8.1, 0.2, -0.1], [0.1, 0.0, 7.7]], columns=FEATURES)
    assert model.predict(new).tolist() == [1, 3]
    assert model.k_choice_["agree"], "every criterion should agree on four clean blobs"


def test_kmeans_on_real_rfm(rfm: RFMFeatures, rfm_kmeans: KMeansSegmenter) -> None:
    model = rfm_kmeans
    assert 2 <= model.n_segments_ <= 10 and len(model.labels_) == len(rfm.table)
    scores = model.k_scores_
    assert {"silhouette", "davies_bouldin", "calinski_harabasz", "inertia"} <= set(scores.columns)
    chosen = model.k_choice_["k"]
    assert scores.loc[scores["silhouette"].idxmax(), "k"] == chosen  # the documented criterion
    assert (scores["inertia"].diff().dropna() < 0).all()
    # spend and visit counts are right-skewed: transformed; no missing values to fill
    transforms = model.scaler_.transforms_
    assert transforms["frequency"] == "log1p" and transforms["monetary"] in ("log1p", "yeo-johnson")
    assert model.scaler_.skewness_["monetary"] > 5 and model.scaler_.imputed_ == {}
    assert -1 <= model.stability_["bootstrap_ari_min"] <= model.stability_["bootstrap_ari_mean"] <= 1
    # the segments differ in what they were built from
    centres = model.centers(rfm.table)
    assert centres["recency"].max() > 2 * centres["recency"].min()
    np.testing.assert_array_equal(model.predict(rfm.table), model.labels_)


def test_other_criteria_and_fixed_k(rfm: RFMFeatures, rfm_kmeans: KMeansSegmenter) -> None:
    by_ch = KMeansSegmenter(criterion="calinski_harabasz", k_range=(2, 6), stability_runs=0).fit(rfm.table)
    scores = by_ch.k_scores_
    assert by_ch.n_segments_ == scores.loc[scores["calinski_harabasz"].idxmax(), "k"]
    fixed = KMeansSegmenter(n_segments=3, stability_runs=0).fit(rfm.table)
    assert fixed.n_segments_ == 3 and fixed.k_scores_ is None and fixed.k_choice_ is None
    gmm = GaussianMixtureSegmenter(k_range=(2, 4), stability_runs=0).fit(rfm.table)
    bic = gmm.k_scores_
    assert gmm.n_segments_ == bic.loc[bic["bic"].idxmin(), "k"]
    proba = gmm.predict_proba(rfm.table.head(50))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(proba.argmax(axis=1), gmm.predict(rfm.table.head(50)))
    with pytest.raises(ConfigError, match="criterion must be one of 'silhouette'"):
        KMeansSegmenter(criterion="bic").fit(rfm.table)


def test_minibatch_for_large_tables(blobs: pd.DataFrame) -> None:
    big = pd.concat([blobs[FEATURES]] * 3, ignore_index=True)
    model = KMeansSegmenter(minibatch=True, k_range=(3, 5), stability_runs=0, skew="none").fit(big)
    assert type(model.model_).__name__ == "MiniBatchKMeans" and model.n_segments_ == 4


def test_missing_values_are_filled_or_refused(blobs: pd.DataFrame) -> None:
    holes = blobs[FEATURES].copy()
    holes.loc[[3, 100, 200], "b"] = np.nan
    model = KMeansSegmenter(n_segments=4, stability_runs=0, skew="none").fit(holes)
    assert model.scaler_.imputed_ == {"b": 3}
    assert len(model.predict(holes)) == len(holes)
    with pytest.raises(SegmentError, match=r"missing values: b \(3\).*missing='impute'"):
        KMeansSegmenter(missing="error").fit(holes)


@pytest.mark.parametrize(
    ("frame", "settings", "words"),
    [
        (pd.DataFrame({"a": range(5), "b": range(5)}), {}, "at least 10 rows; got 5"),
        (pd.DataFrame({"a": [1.0, 2.0] * 10, "b": [0.0, 5.0] * 10}), {"n_segments": 3},
         "n_segments=3 is more than the 2 distinct rows"),
        (pd.DataFrame({"a": [1.0, 2.0] * 10, "b": [0.0, 5.0] * 10}), {},
         "2 distinct rows: too few to compare 2 to 10 segments"),
        (pd.DataFrame({"a": np.arange(20.0), "b": 4.0}), {}, r"\['b'\] are constant"),
        (pd.DataFrame({"a": np.arange(20.0), "city": ["Seoul", "Busan"] * 10}), {},
         r"must be numeric; got city \(object\).*Encode them"),
        (pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) % 3}), {"n_segments": 0},
         "n_segments must be at least 1"),
        (pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) % 3}), {"k_range": (5, 3)},
         "k_range must be"),
    ],
)  # fmt: skip
def test_bad_input_is_one_clear_error(frame: pd.DataFrame, settings: dict[str, object], words: str) -> None:
    with pytest.raises(SegmentError, match=words):
        KMeansSegmenter(stability_runs=0, **settings).fit(frame)  # type: ignore[arg-type]


def test_predict_needs_a_fit_and_the_same_columns(blobs: pd.DataFrame) -> None:
    with pytest.raises(SegmentError, match="not fitted yet; call fit"):
        KMeansSegmenter().predict(blobs[FEATURES])
    model = KMeansSegmenter(n_segments=4, stability_runs=0).fit(blobs[FEATURES])
    with pytest.raises(SegmentError, match=r"lack the feature column\(s\) \['c'\]"):
        model.predict(blobs[["a", "b"]])
    # extra columns and another column order are fine
    shuffled = blobs[["c", "truth", "a", "b"]]
    np.testing.assert_array_equal(model.predict(shuffled), model.labels_)


def test_large_tables_choose_k_on_a_sample(blobs: pd.DataFrame) -> None:
    from mirae.segment._report_html import choice_sentences

    rng = np.random.default_rng(1)
    big = pd.concat([blobs[FEATURES]] * 100, ignore_index=True) + rng.normal(0, 0.05, (len(blobs) * 100, 3))
    model = KMeansSegmenter(k_range=(2, 5), stability_runs=0, skew="none").fit(big)
    assert model.k_choice_["rows_scanned"] == 20_000 < model.k_choice_["rows_total"] == len(big)
    assert model.n_segments_ == 4 and len(model.labels_) == len(big)
    assert "random sample of 20,000 rows" in " ".join(choice_sentences(model.k_choice_, "en"))
