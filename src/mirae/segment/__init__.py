"""Customer segmentation: RFM features, k-means, Gaussian mixtures and RFM-score segments.

The estimator layer: plain :class:`~mirae.base.Clusterer` objects that fit on
a table of features and assign new rows with ``predict``; segment profiles
and the segmentation report. Storage, tracking and the CLI live in
``mirae.service`` (``mirae segment``).

Examples
--------
>>> import pandas as pd
>>> from mirae.segment import RFMScoreSegmenter, rfm_features
>>> tx = pd.DataFrame({"customer": [1, 1, 2, 3, 4, 5, 5, 5],
...                    "day": pd.to_datetime(["2024-01-02", "2024-03-01", "2024-02-10", "2024-01-05",
...                                           "2024-03-03", "2024-01-20", "2024-02-20", "2024-03-02"]),
...                    "amount": [20.0, 35, 12, 8, 50, 30, 25, 40]})
>>> rfm = rfm_features(tx, customer="customer", date="day", amount="amount")
>>> model = RFMScoreSegmenter().fit(rfm.table)
>>> [model.segment_names_[s] for s in model.labels_]
['loyal', 'hibernating', 'lost', 'potential_loyalist', 'loyal']
"""

from mirae.segment._choose import CRITERIA, pick_k, score_k, stability
from mirae.segment._rfm import RETURN_HANDLING, RFM_COLUMNS, RFMFeatures, rfm_features
from mirae.segment._rfm_score import DEFAULT_RFM_RULES, RFMScoreSegmenter
from mirae.segment._scaling import FeatureScaler
from mirae.segment._segmenters import GaussianMixtureSegmenter, KMeansSegmenter

__all__ = [
    "CRITERIA",
    "DEFAULT_RFM_RULES",
    "RETURN_HANDLING",
    "RFM_COLUMNS",
    "FeatureScaler",
    "GaussianMixtureSegmenter",
    "KMeansSegmenter",
    "RFMFeatures",
    "RFMScoreSegmenter",
    "pick_k",
    "rfm_features",
    "score_k",
    "stability",
]
