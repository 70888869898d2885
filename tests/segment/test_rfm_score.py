"""RFM-score segments: quintile scores, the named segments of the default rule table, custom rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mirae.errors import SegmentError
from mirae.segment import DEFAULT_RFM_RULES, RFMFeatures, RFMScoreSegmenter


@pytest.fixture(scope="module")
def scored(rfm: RFMFeatures) -> RFMScoreSegmenter:
    return RFMScoreSegmenter().fit(rfm.table)


def test_scores_are_quintiles_and_ties_take_the_lower_score(
    rfm: RFMFeatures, scored: RFMScoreSegmenter
) -> None:
    scores = scored.rfm_scores(rfm.table)
    for column in ("r_score", "f_score", "m_score", "fm_score"):
        assert scores[column].between(1, 5).all()
    # monetary is continuous: about a fifth of the customers per score
    shares = scores["m_score"].value_counts(normalize=True)
    assert shares.between(0.17, 0.23).all() and len(shares) == 5
    # most customers bought once in these months: one-time buyers are F=1, never a middle score
    once = rfm.table["frequency"] == 1
    assert once.mean() > 0.3 and (scores.loc[once, "f_score"] == 1).all()
    # a recent purchase scores a high R
    assert (
        rfm.table.loc[scores["r_score"] == 5, "recency"].max()
        < rfm.table.loc[scores["r_score"] == 1, "recency"].min()
    )
    assert scores["rfm"].str.fullmatch(r"[1-5]{3}").all()


def test_named_segments_on_real_customers(rfm: RFMFeatures, scored: RFMScoreSegmenter) -> None:
    names = pd.Series(np.asarray(scored.segment_names_)[scored.labels_], index=rfm.table.index)
    assert scored.segment_names_ == tuple(r[0] for r in DEFAULT_RFM_RULES) and scored.n_segments_ == 11
    means = rfm.table.groupby(names).mean()
    assert means.loc["champions", "monetary"] > 5 * means.loc["lost", "monetary"]
    assert means.loc["champions", "recency"] < means.loc["lost", "recency"]
    assert means.loc["cant_lose", "recency"] > means.loc["loyal", "recency"]
    assert means.loc["cant_lose", "monetary"] > means.loc["hibernating", "monetary"]
    assert {"champions", "loyal", "at_risk", "lost", "hibernating", "new"} <= set(names)
    # a new customer, scored without refitting
    new = pd.DataFrame({"recency": [1.0, 300.0], "frequency": [40.0, 1.0], "monetary": [20_000.0, 15.0]})
    assert [scored.segment_names_[s] for s in scored.predict(new)] == ["champions", "lost"]


def test_the_rule_table_is_configurable_and_checked(rfm: RFMFeatures) -> None:
    rules = [("active", (4, 5), (1, 5)), ("fading", (1, 3), (3, 5)), ("gone", (1, 3), (1, 2))]
    model = RFMScoreSegmenter(rules=rules).fit(rfm.table)
    assert model.segment_names_ == ("active", "fading", "gone")
    assert set(np.unique(model.labels_)) == {0, 1, 2}
    with pytest.raises(SegmentError, match=r"leave the \(R, FM\) score cells \[\(1, 1\)"):
        RFMScoreSegmenter(rules=rules[:2]).fit(rfm.table)
    with pytest.raises(SegmentError, match="pass your own rules"):
        RFMScoreSegmenter(n_bins=4).fit(rfm.table)
    with pytest.raises(SegmentError, match=r"needs the columns \['recency', 'frequency', 'monetary'\]"):
        RFMScoreSegmenter().fit(rfm.table.drop(columns="monetary"))
    holes = rfm.table.copy()
    holes.iloc[0, 2] = np.nan
    with pytest.raises(SegmentError, match="missing values"):
        RFMScoreSegmenter().fit(holes)
