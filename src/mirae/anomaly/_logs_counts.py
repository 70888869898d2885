"""Template counts per time window, and the detector that scores each window against the log's own history.

A window is anomalous when (each scored in units of its limit, so a score
above 1 is an anomaly):

- **burst / drop**: a template's count leaves its normal range — a robust
  band (median ± ``band`` x MAD-based scale, at least the Poisson-like
  ``sqrt(median)``) over that template's own windows (a burst of "Denied",
  a heartbeat that stops). A sparse template (absent from most windows) is
  judged by the windows it appears in, and only for bursts;
- **new template**: a template first appears after the warm-up (the first
  ``warmup`` windows); the score is 1 plus its share of the
  window's lines;
- **mix shift**: the window's template distribution is far from the
  baseline (each template's median share over the fitted windows), by the Jensen–Shannon distance
  (base 2, 0 to 1), beyond the fitted windows' own robust band and at least
  ``min_shift``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from mirae.base._contracts import AnomalyDetector
from mirae.base._estimator import Tags
from mirae.errors import AnomalyError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["MAX_WINDOWS", "LogAnomalyDetector", "count_windows"]

#: Most windows a log may be cut into (a larger --window fits a long log).
MAX_WINDOWS = 500_000
_MAD = 1.4826


def _window(window: str | Any) -> pd.Timedelta:
    import pandas as pd

    try:
        width = pd.Timedelta(window)
    except (ValueError, TypeError):
        msg = f"window must be a duration such as 5min, 30s, 1h or 1D; got {window!r}."
        raise AnomalyError(msg) from None
    if width <= pd.Timedelta(0):
        msg = f"window must be a positive duration (e.g. 5min); got {window!r}."
        raise AnomalyError(msg)
    return width


def count_windows(times: pd.Series, template_ids: pd.Series, window: str = "5min") -> pd.DataFrame:
    """Lines per template per window: a wide table (row = window start, column = template id).

    Every window from the first line's to the last line's is a row, empty
    ones included (a template that stops shows as zeros). Lines without a
    time are not counted.

    Examples
    --------
    >>> import pandas as pd
    >>> times = pd.Series(pd.to_datetime(["2024-01-01 00:01", "2024-01-01 00:02", "2024-01-01 00:11"]))
    >>> count_windows(times, pd.Series([0, 1, 0]), "5min").to_numpy().tolist()
    [[1, 1], [0, 0], [1, 0]]
    """
    import pandas as pd

    width = _window(window)
    frame = pd.DataFrame({"time": pd.to_datetime(times), "template_id": template_ids}).dropna(subset=["time"])
    if frame.empty:
        msg = "no line has a time, so there is nothing to count per window; check --format and --time-format."
        raise AnomalyError(msg)
    span = frame["time"].max() - frame["time"].min()
    if span < width:
        msg = (
            f"the log spans {span} (from {frame['time'].min()} to {frame['time'].max()}), less than one window "
            f"of {width}; give a smaller --window (e.g. {_suggest(span)})."
        )
        raise AnomalyError(msg)
    n = int(span // width) + 1
    if n > MAX_WINDOWS:
        msg = f"the log spans {span}: {n:,} windows of {width} is more than {MAX_WINDOWS:,}; give a larger --window."
        raise AnomalyError(msg)
    start = (
        frame["time"].min().floor(width) if width <= pd.Timedelta(days=1) else frame["time"].min().floor("D")
    )
    frame["window"] = start + ((frame["time"] - start) // width) * width
    wide = frame.groupby(["window", "template_id"]).size().unstack(fill_value=0)
    grid = pd.date_range(start, frame["window"].max(), freq=width, name="window")
    return wide.reindex(grid, fill_value=0).astype("int64")


def _suggest(span: pd.Timedelta) -> str:
    import pandas as pd

    for text in ("1h", "5min", "1min", "10s", "1s"):
        if pd.Timedelta(text) * 10 <= span:
            return text
    return "1s"


def _row_keys(index: pd.Index) -> np.ndarray:
    """A number per row label (nanoseconds for times): how a row is recognised as a template's first window."""
    import numpy as np
    import pandas as pd

    if isinstance(index, pd.DatetimeIndex):
        return np.asarray(index.asi8, dtype=float)
    try:
        return np.asarray(index, dtype=float)
    except (TypeError, ValueError):
        return np.arange(len(index), dtype=float)


def _normal_ranges(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each template's median count and robust scale: over every window for a regular template
    (present in most windows), over the windows it appears in for a sparse one (its bursts are
    judged against its own usual burst size, not against the empty windows)."""
    import numpy as np

    median = np.median(values, axis=0)
    mad = np.median(np.abs(values - median), axis=0)
    sparse = median == 0
    if sparse.any():
        active = np.where(values[:, sparse] > 0, values[:, sparse], np.nan)
        seen = ~np.isnan(active).all(axis=0)
        med_active = np.zeros(active.shape[1])
        mad_active = np.zeros(active.shape[1])
        if seen.any():
            med_active[seen] = np.nanmedian(active[:, seen], axis=0)
            mad_active[seen] = np.nanmedian(np.abs(active[:, seen] - med_active[seen]), axis=0)
        median = median.astype(float)
        median[sparse] = med_active
        mad = mad.astype(float)
        mad[sparse] = mad_active
    scale = np.maximum(_MAD * mad, np.sqrt(np.maximum(median, 1.0)))
    return median, scale, ~sparse


def _baseline(values: np.ndarray) -> np.ndarray:
    """The usual template mix: each template's median share over the windows with lines, summing to 1
    (robust to a burst, which a pooled share is not); the pooled share where the medians are all 0."""
    import numpy as np

    totals = values.sum(axis=1)
    shares = values[totals > 0] / totals[totals > 0, None]
    base = np.median(shares, axis=0) if len(shares) else np.zeros(values.shape[1])
    if base.sum() <= 0:
        pooled = values.sum(axis=0)
        base = pooled if pooled.sum() > 0 else np.ones(values.shape[1])
    return np.asarray(base / base.sum(), dtype=float)


def _js_rows(counts: np.ndarray, baseline: np.ndarray) -> np.ndarray:
    """Jensen–Shannon distance (base 2) of each row's distribution from ``baseline``; NaN for empty rows."""
    import numpy as np
    from scipy.spatial.distance import jensenshannon

    totals = counts.sum(axis=1)
    out = np.full(len(counts), np.nan)
    for i in np.flatnonzero(totals > 0):
        out[i] = float(jensenshannon(counts[i] / totals[i], baseline, base=2))
    return out


class LogAnomalyDetector(AnomalyDetector):
    """Scores each window of a template-count table against the log's own history (see the module notes).

    ``X`` is a wide count table: one row per window (sorted by time), one
    column per template id, lines as values (what :func:`count_windows`
    returns). ``anomaly_score`` is the largest of the burst/drop, new-template
    and mix-shift scores, each in units of its limit; ``threshold_`` is 1.

    Parameters
    ----------
    band : float
        Width of a template's normal range, in robust standard deviations.
    warmup : int
        The first windows (at most a quarter of those fitted) whose templates
        are known; a template first seen later is new in the window it appears.
    min_shift : float
        Smallest Jensen–Shannon distance (0 to 1) that counts as a mix shift.
    min_lines : int
        Windows with fewer lines get no mix-shift score (their mix is noise).

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({0: [10, 11, 9, 10, 10, 12, 10, 9], 1: [2, 1, 2, 2, 40, 1, 2, 2]})
    >>> detector = LogAnomalyDetector().fit(counts)
    >>> detector.predict(counts).tolist()
    [0, 0, 0, 0, 1, 0, 0, 0]
    >>> detector.explain(counts)["reason"].tolist()[4]
    'burst'
    """

    tags = Tags(task="anomaly")

    def __init__(
        self, *, band: float = 4.0, warmup: int = 12, min_shift: float = 0.3, min_lines: int = 10
    ) -> None:
        self.band = band
        self.warmup = warmup
        self.min_shift = min_shift
        self.min_lines = min_lines

    def _counts(self, X: Any, columns: list[Any] | None = None) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        if not isinstance(X, pd.DataFrame):
            msg = f"give a count table (a DataFrame: one row per window, one column per template); got {type(X).__name__}."
            raise AnomalyError(msg)
        try:
            values = X.to_numpy(dtype=float)
        except (TypeError, ValueError):
            msg = "the count table must hold numbers (lines per template per window); some columns are not numeric."
            raise AnomalyError(msg) from None
        if values.size and (np.isnan(values).any() or (values < 0).any()):
            msg = "the count table must hold counts (0 or more, no missing values); fill gaps with 0."
            raise AnomalyError(msg)
        frame = pd.DataFrame(values, index=X.index, columns=list(X.columns))
        if columns is not None:
            extra = [c for c in frame.columns if c not in set(columns)]
            frame = frame.reindex(columns=[*columns, *extra], fill_value=0.0)
        return frame

    def fit(self, X: Any, y: Any = None) -> Self:
        """Learn each template's normal range, the baseline mix and the templates known after the warm-up."""
        import numpy as np

        if not isinstance(self.warmup, int) or self.warmup < 1:
            msg = f"warmup must be a number of windows, at least 1 (e.g. 12: an hour of 5-minute windows); got {self.warmup!r}."
            raise AnomalyError(msg)
        if float(self.band) <= 0 or not 0 <= float(self.min_shift) <= 1:
            msg = f"band must be positive and min_shift between 0 and 1; got band={self.band!r}, min_shift={self.min_shift!r}."
            raise AnomalyError(msg)
        frame = self._counts(X)
        if len(frame) < 3 or frame.shape[1] == 0:
            msg = (
                f"the count table has {len(frame)} window(s) and {frame.shape[1]} template(s); at least 3 windows "
                "and one template are needed to learn a normal range. Give a smaller --window or a longer log."
            )
            raise AnomalyError(msg)
        values = frame.to_numpy()
        self.columns_ = list(frame.columns)
        self.median_, self.scale_, self.regular_ = _normal_ranges(values)
        totals = values.sum(axis=0)
        self.baseline_ = _baseline(values)
        warm = min(int(self.warmup), max(1, len(frame) // 4))
        self.known_ = values[:warm].sum(axis=0) > 0
        keys = _row_keys(frame.index)
        first = np.argmax(values > 0, axis=0)
        self.first_seen_ = np.where(self.known_ | (totals == 0), np.nan, keys[first])
        js = _js_rows(values, self.baseline_)
        usable = js[(values.sum(axis=1) >= self.min_lines) & ~np.isnan(js)]
        if len(usable) >= 3:
            centre = float(np.median(usable))
            spread = _MAD * float(np.median(np.abs(usable - centre)))
            self.shift_limit_ = max(float(self.min_shift), centre + float(self.band) * spread)
        else:
            self.shift_limit_ = float("inf")
        self.threshold_ = 1.0
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "columns_"):
            msg = "this LogAnomalyDetector is not fitted yet; call fit(counts) first."
            raise AnomalyError(msg)

    def template_scores(self, X: Any) -> pd.DataFrame:
        """Each template's own score per window: |robust z| / band, or 1 + its share where it is new."""
        import numpy as np
        import pandas as pd

        self._check_fitted()
        frame = self._counts(X, self.columns_)
        values = frame.to_numpy()
        k = len(self.columns_)
        scores = np.zeros_like(values)
        scores[:, :k] = np.abs(self._z(values[:, :k]))
        new = self._new_mask(frame)
        totals = np.maximum(values.sum(axis=1, keepdims=True), 1.0)
        scores = np.where(new, np.maximum(scores, 1.0 + values / totals), scores)
        return pd.DataFrame(scores, index=frame.index, columns=frame.columns)

    def _z(self, values: np.ndarray) -> np.ndarray:
        """Robust z over ``band``: two-sided for regular templates, bursts only for sparse ones."""
        import numpy as np

        z = (values - self.median_) / self.scale_ / float(self.band)
        return np.where(self.regular_, z, np.where(values > 0, np.maximum(z, 0.0), 0.0))

    def _new_mask(self, frame: pd.DataFrame) -> np.ndarray:
        import numpy as np

        values = frame.to_numpy()
        k = len(self.columns_)
        keys = _row_keys(frame.index)[:, None]
        mask = np.zeros(values.shape, dtype=bool)
        mask[:, :k] = (values[:, :k] > 0) & ~self.known_ & (keys == self.first_seen_)
        mask[:, k:] = values[:, k:] > 0  # templates never seen in fit
        return mask

    def explain(self, X: Any) -> pd.DataFrame:
        """Per window: ``score`` and its parts ``burst``, ``new``, ``shift``, the ``reason`` and the ``template`` behind it."""
        import numpy as np
        import pandas as pd

        self._check_fitted()
        frame = self._counts(X, self.columns_)
        values = frame.to_numpy()
        k = len(self.columns_)
        z = np.zeros_like(values)
        z[:, :k] = self._z(values[:, :k])
        burst = np.abs(z).max(axis=1) if values.size else np.zeros(len(frame))
        top = np.abs(z).argmax(axis=1) if values.size else np.zeros(len(frame), dtype=int)
        new_mask = self._new_mask(frame)
        totals = values.sum(axis=1)
        new_lines = np.where(new_mask, values, 0).sum(axis=1)
        new = np.where(new_lines > 0, 1.0 + new_lines / np.maximum(totals, 1.0), 0.0)
        new_top = np.where(new_mask, values, -1).argmax(axis=1) if values.size else top
        baseline = np.concatenate([self.baseline_, np.zeros(values.shape[1] - k)])
        js = _js_rows(values, baseline)
        shift = np.where(
            (totals >= self.min_lines) & ~np.isnan(js), np.nan_to_num(js) / self.shift_limit_, 0.0
        )
        parts = np.column_stack([burst, new, shift])
        score = parts.max(axis=1)
        which = parts.argmax(axis=1)
        columns = np.asarray(frame.columns, dtype=object)
        reason: list[str] = []
        template: list[Any] = []
        for i in range(len(frame)):
            if score[i] <= self.threshold_:
                reason.append("")
                template.append(None)
            elif which[i] == 0:
                reason.append("burst" if z[i, top[i]] > 0 else "drop")
                template.append(columns[top[i]])
            elif which[i] == 1:
                reason.append("new")
                template.append(columns[new_top[i]])
            else:
                reason.append("shift")
                template.append(None)
        return pd.DataFrame(
            {
                "score": score,
                "burst": burst,
                "new": new,
                "shift": shift,
                "reason": reason,
                "template": template,
            },
            index=frame.index,
        )

    def anomaly_score(self, X: Any) -> np.ndarray:
        """One score per window: higher = more anomalous; above ``threshold_`` (1) is an anomaly."""
        import numpy as np

        return np.asarray(self.explain(X)["score"], dtype=float)
