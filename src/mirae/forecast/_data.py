"""Forecasting input: a validated long frame of series, with hierarchy and exogenous columns.

:class:`ForecastData` is what every forecaster fits on. It is built once from
the user's long frame (their own id, time and target column names), checks it
(duplicates, frequency, gaps, target values, hierarchy, future exogenous
values) and keeps it in canonical columns ``unique_id``, ``ds``, ``y``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

import numpy as np
import pandas as pd

from mirae.core._choices import check_choice
from mirae.errors import (
    DuplicateObservationError,
    GapError,
    HierarchyError,
    MissingFutureError,
    SchemaError,
    TargetValueError,
)
from mirae.forecast._frequency import Frequency, infer_frequency

__all__ = ["ForecastData"]

ID, TIME, TARGET = "unique_id", "ds", "y"
Fill = Literal["zero", "missing"]
Negative = Literal["error", "keep", "zero"]


#: Whole-number date layouts read as dates, widest first: 20240131, 202401, 2024.
_NUMBER_DATES = (
    ("%Y%m%d", 10000101, 99991231, "YYYYMMDD"),
    ("%Y%m", 100001, 999912, "YYYYMM"),
    ("%Y", 1000, 9999, "YYYY"),
)


def _to_dates(values: pd.Series, time_col: str) -> tuple[pd.Series, str | None]:
    """The time column as timestamps, and a note when numbers were read as dates.

    Whole numbers are read as dates when every value fits one layout
    (``20240131``, ``202401``, ``2024``); period numbers (1, 2, 3, ...) are
    refused, since nanoseconds since 1970 are never what a user meant.
    """
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        try:
            return pd.to_datetime(values), None
        except (ValueError, TypeError) as exc:
            msg = f"time column {time_col!r} must hold dates; {exc}. Convert it with pd.to_datetime first."
            raise SchemaError(msg) from exc
    present = values.dropna()
    whole = bool(len(present)) and bool((present % 1 == 0).all())
    if whole:
        numbers = present.astype("int64")
        for layout, low, high, name in _NUMBER_DATES:
            if numbers.between(low, high).all():
                parsed = pd.to_datetime(numbers.astype(str), format=layout, errors="coerce")
                if parsed.notna().all():
                    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
                    out.loc[present.index] = parsed.to_numpy()
                    return out, f"time column {time_col!r} holds numbers, read as {name} dates"
    shown = f"{present.min():g} to {present.max():g}" if len(present) else "no values"
    msg = (
        f"time column {time_col!r} holds numbers ({shown}), not dates: mirae needs calendar dates to tell "
        "the frequency, seasons and holidays. Convert the periods to dates first (e.g. the first "
        "day of each week or month), or store dates as 20240131, 202401 or 2024."
    )
    raise SchemaError(msg)


def _missing(df: pd.DataFrame, cols: Sequence[str], role: str) -> None:
    absent = [c for c in cols if c not in df.columns]
    if absent:
        msg = (
            f"{role} column(s) {absent} not found; the frame has {list(df.columns)[:20]}. "
            f"Pass the right names (id_col=, time_col=, target_col=, hierarchy=, exog=)."
        )
        raise SchemaError(msg)


@dataclass(frozen=True)
class ForecastData:
    """Validated forecasting data in long format.

    Build it with :meth:`from_frame`. ``history`` has one row per series and
    period up to each series' last observed target (gaps filled), ``future``
    the exogenous values after it. Column names of the caller are kept in
    ``id_col``, ``time_col`` and ``target_col`` so outputs can use them.

    Attributes
    ----------
    history : DataFrame
        Columns ``unique_id``, ``ds``, ``y``, then hierarchy and exogenous columns.
    future : DataFrame
        Columns ``unique_id``, ``ds`` and the exogenous columns, for periods after
        each series' history.
    freq : Frequency
    hierarchy : tuple of str
        Static columns from the top level down (the series id is the bottom).
    exog : tuple of str
        Dynamic exogenous columns, known in the future.
    report : dict
        What was done to the input: ``gaps_filled`` (series → count),
        ``fill``, ``negative_handled``.
    """

    history: pd.DataFrame
    future: pd.DataFrame
    freq: Frequency
    hierarchy: tuple[str, ...] = ()
    exog: tuple[str, ...] = ()
    id_col: str = ID
    time_col: str = TIME
    target_col: str = TARGET
    report: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        id_col: str = ID,
        time_col: str = TIME,
        target_col: str = TARGET,
        freq: str | None = None,
        hierarchy: Sequence[str] = (),
        exog: Sequence[str] = (),
        future: pd.DataFrame | None = None,
        fill: Fill | None = None,
        negative: Negative = "error",
    ) -> ForecastData:
        """Check a long frame and turn it into :class:`ForecastData`.

        Parameters
        ----------
        df : DataFrame
            One row per series and period. Rows after a series' last observed
            target (target empty) carry future exogenous values.
        id_col, time_col, target_col : str
            Column names; statsforecast's ``unique_id``/``ds``/``y`` by default.
        freq : {'D', 'W', 'M', 'Q'}, optional
            Inferred from the dates when omitted.
        hierarchy : sequence of str
            Static columns from the top level down, e.g. ``["group", "product"]``;
            each must be constant within a series.
        exog : sequence of str
            Dynamic exogenous columns (price, promotion, events) whose future
            values are known.
        future : DataFrame, optional
            Future exogenous values in a second frame (``id_col``, ``time_col``
            and the ``exog`` columns); they take precedence over trailing rows.
        fill : {'zero', 'missing'}, optional
            How to fill missing periods inside a series: ``'zero'`` (no sales),
            ``'missing'`` (kept as NaN; models that cannot handle NaN see them
            linearly interpolated). Required when the data has gaps. With
            ``'zero'`` a series whose rows stop before the last period of the
            table (an item that stopped selling) is also filled with zeros up
            to that period, so every forecast starts at the same date. Exogenous
            values of filled periods carry the series' previous value (its next
            one before its first).
        negative : {'error', 'keep', 'zero'}
            Negative targets raise (default), are kept (returns, adjustments) or
            are set to zero.

        Raises
        ------
        SchemaError, DuplicateObservationError, FrequencyError, GapError,
        TargetValueError, HierarchyError

        Examples
        --------
        >>> df = pd.DataFrame({"item": ["a"] * 3, "week": pd.date_range("2024-01-05", periods=3, freq="W-FRI"),
        ...                    "qty": [3.0, 4.0, 5.0]})
        >>> data = ForecastData.from_frame(df, id_col="item", time_col="week", target_col="qty")
        >>> data.freq.offset, len(data.history)
        ('W-FRI', 3)
        """
        check_choice(fill, (None, *get_args(Fill)), what="fill (--fill)")
        check_choice(negative, get_args(Negative), what="negative (--negative)")
        hierarchy, exog = tuple(hierarchy), tuple(exog)
        _missing(df, [id_col, time_col, target_col], "id/time/target")
        _missing(df, hierarchy, "hierarchy")
        _missing(df, exog, "exogenous")
        frame = df[[id_col, time_col, target_col, *hierarchy, *exog]].copy()
        frame.columns = pd.Index([ID, TIME, TARGET, *hierarchy, *exog])
        frame[ID] = frame[ID].astype(str)
        frame[TIME], time_note = _to_dates(frame[TIME], time_col)
        frame[TARGET] = _numeric_target(frame[TARGET], target_col)
        _check_duplicates(frame, id_col, time_col)
        frequency = infer_frequency(frame[TIME], freq)
        frame = frame.sort_values([ID, TIME], kind="stable").reset_index(drop=True)

        observed = frame[TARGET].notna()
        last = frame.loc[observed].groupby(ID)[TIME].max()
        no_target = sorted(set(frame[ID]) - set(last.index))
        if no_target:
            msg = f"{len(no_target)} series have no observed target (e.g. {no_target[:3]}). Drop them or add history."
            raise TargetValueError(msg)
        after = frame[TIME] > frame[ID].map(last)
        hist, fut = frame.loc[~after], frame.loc[after, [ID, TIME, *exog]]
        if future is not None:
            fut = _future_frame(future, id_col, time_col, exog)
        hist, gaps = _fill_gaps(hist, frequency, fill, hierarchy, id_col, exog=tuple(exog))
        hist, fut, exog_filled = _fill_exog(hist, fut, exog)
        report: dict[str, object] = {"gaps_filled": gaps, "fill": fill, "negative_handled": 0}
        if exog_filled:
            report["exog_filled"] = exog_filled
        if time_note:
            report["time_note"] = time_note
        negatives = hist[TARGET] < 0
        if negatives.any():
            if negative == "error":
                first = hist.loc[negatives].iloc[0]
                msg = (
                    f"target {target_col!r} must be >= 0; got {int(negatives.sum())} negative value(s) "
                    f"(first: series {first[ID]!r} at {first[TIME].date()}: {first[TARGET]:g}). "
                    "Pass negative='keep' (returns, adjustments) or negative='zero' to floor them "
                    "(on the command line: --negative keep or --negative zero)."
                )
                raise TargetValueError(msg)
            if negative == "zero":
                hist.loc[negatives, TARGET] = 0.0
            report["negative_handled"] = int(negatives.sum())
        _check_hierarchy(hist, hierarchy, id_col)
        return cls(
            history=hist.reset_index(drop=True),
            future=fut.sort_values([ID, TIME]).reset_index(drop=True),
            freq=frequency,
            hierarchy=hierarchy,
            exog=exog,
            id_col=id_col,
            time_col=time_col,
            target_col=target_col,
            report=report,
        )

    # -- views -------------------------------------------------------------------------------

    @property
    def ids(self) -> np.ndarray:
        """Series ids, sorted."""
        return np.asarray(self.history[ID].unique())

    @property
    def season_length(self) -> int:
        """Periods in one seasonal cycle."""
        return self.freq.season_length

    def lengths(self) -> pd.Series:
        """Number of periods of each series' history."""
        return self.history.groupby(ID).size()

    def last_dates(self) -> pd.Series:
        """Last observed period of each series."""
        return self.history.groupby(ID)[TIME].max()

    def statics(self) -> pd.DataFrame:
        """One row per series with its hierarchy columns (index ``unique_id``)."""
        return self.history.groupby(ID)[list(self.hierarchy)].first()

    def interpolated(self) -> pd.DataFrame:
        """``history`` with missing targets linearly interpolated within each series (edges filled)."""
        hist = self.history
        if not hist[TARGET].isna().any():
            return hist
        out = hist.copy()
        out[TARGET] = hist.groupby(ID)[TARGET].transform(lambda s: s.interpolate(limit_direction="both"))
        return out

    def future_frame(self, h: int, future: pd.DataFrame | None = None, *, exog: bool = True) -> pd.DataFrame:
        """The ``h`` future periods of every series with their exogenous values.

        Parameters
        ----------
        h : int
            Forecast horizon.
        future : DataFrame, optional
            Future exogenous values in the caller's column names, overriding
            those given when the data was built.
        exog : bool
            Attach (and require) the exogenous columns; ``False`` gives only the
            ``unique_id``/``ds``/``step`` grid.

        Raises
        ------
        MissingFutureError
            When an exogenous column has no value for some series and period of
            the horizon; the message names the columns and dates.
        """
        fut = self.future if future is None else _future_frame(future, self.id_col, self.time_col, self.exog)
        last = self.last_dates()
        offsets = np.arange(1, h + 1)
        grid = pd.DataFrame(
            {
                ID: np.repeat(last.index.to_numpy(), h),
                TIME: np.concatenate([self.freq.future_dates(d, h) for d in last.to_numpy()])
                if len(last)
                else pd.DatetimeIndex([]),
                "step": np.tile(offsets, len(last)),
            }
        )
        if not (exog and self.exog):
            return grid
        merged = grid.merge(fut, on=[ID, TIME], how="left")
        for column in self.exog:  # an empty category is "none" (no event), as in the history
            if not (
                pd.api.types.is_numeric_dtype(self.history[column])
                or pd.api.types.is_bool_dtype(self.history[column])
            ):
                merged[column] = merged[column].astype(object).where(merged[column].notna(), NO_CATEGORY)
        holes = merged[list(self.exog)].isna()
        if holes.to_numpy().any():
            cols = [c for c in self.exog if holes[c].any()]
            rows = merged.loc[holes.any(axis=1)]
            examples = ", ".join(f"{r[ID]} {r[TIME].date()}" for _, r in rows.head(5).iterrows())
            msg = (
                f"future values of exogenous column(s) {cols} are missing for {len(rows)} (series, date) "
                f"pairs of the {h}-period forecast horizon (after each series' last target), e.g. {examples}. "
                f"Add rows after each series' last target with these columns filled, pass future= "
                f"(--future TABLE) with them, or drop the columns from exog (--exog)."
            )
            raise MissingFutureError(msg)
        return merged

    def truncate(self, cutoff: pd.Timestamp) -> ForecastData:
        """The data as it was known at ``cutoff``: history up to it, later rows as future.

        Used by rolling-origin backtests; exogenous values after the cutoff
        become the future, targets after it are dropped.
        """
        hist = self.history
        keep = hist[TIME] <= cutoff
        later = hist.loc[~keep, [ID, TIME, *self.exog]]
        fut = pd.concat([later, self.future], ignore_index=True) if self.exog else self.future
        return replace(self, history=hist.loc[keep].reset_index(drop=True), future=fut)

    def subset(self, ids: Sequence[str] | np.ndarray) -> ForecastData:
        """Only the series in ``ids``."""
        wanted = set(ids)
        return replace(
            self,
            history=self.history.loc[self.history[ID].isin(wanted)].reset_index(drop=True),
            future=self.future.loc[self.future[ID].isin(wanted)].reset_index(drop=True),
        )

    def with_history(self, history: pd.DataFrame, hierarchy: tuple[str, ...] | None = None) -> ForecastData:
        """The same settings over another canonical history (e.g. aggregated series)."""
        return replace(
            self,
            history=history.reset_index(drop=True),
            future=self.future.iloc[0:0],
            exog=(),
            hierarchy=self.hierarchy if hierarchy is None else hierarchy,
        )

    def to_output(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Rename canonical ``unique_id``/``ds``/``y`` columns of ``frame`` to the caller's names."""
        return frame.rename(columns={ID: self.id_col, TIME: self.time_col, TARGET: self.target_col})


def _numeric_target(col: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(col):
        return col.astype(float)
    values = pd.to_numeric(col, errors="coerce")
    bad = values.isna() & col.notna()
    if bad.any():
        first = col[bad].iloc[0]
        msg = (
            f"target {name!r} must be numeric; got {int(bad.sum())} non-numeric value(s) "
            f"(first: {first!r} in row {bad.idxmax()}). Clean the column or convert it with pd.to_numeric."
        )
        raise TargetValueError(msg)
    return values.astype(float)


def _check_duplicates(frame: pd.DataFrame, id_col: str, time_col: str) -> None:
    dup = frame.duplicated([ID, TIME], keep=False)
    if dup.any():
        ex = frame.loc[dup, [ID, TIME]].drop_duplicates().head(5)
        examples = ", ".join(f"({r[ID]!r}, {r[TIME].date()})" for _, r in ex.iterrows())
        msg = (
            f"expected one row per ({id_col}, {time_col}); got {int(dup.sum())} rows sharing "
            f"{len(frame.loc[dup, [ID, TIME]].drop_duplicates())} pairs, e.g. {examples}. "
            f"Aggregate them first, e.g. df.groupby([{id_col!r}, {time_col!r}], as_index=False).sum()."
        )
        raise DuplicateObservationError(msg)


#: What an empty value of a categorical exogenous column means (an ordinary day: no event).
NO_CATEGORY = "none"


def _fill_exog(
    hist: pd.DataFrame, fut: pd.DataFrame, exog: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """Empty exogenous values that have a meaning, filled; what was filled, in words per column.

    A categorical column (event names) that is empty means "none" (M5's calendar
    leaves ordinary days empty), in the history and the future. A numeric one
    (a price missing in the weeks an item was not on sale) is carried forward
    within its series inside the history (backward before its first value);
    values missing in the future stay missing, so that only the real forecast
    horizon can be refused, by :meth:`ForecastData.future_frame`.
    """
    done: dict[str, str] = {}
    if not exog:
        return hist, fut, done
    hist, fut = hist.copy(), fut.copy()
    for column in exog:
        values = hist[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            holes = int(values.isna().sum())
            if holes:
                carried = values.groupby(hist[ID]).transform(lambda s: s.ffill().bfill())
                hist[column] = carried
                left = int(carried.isna().sum())
                done[column] = f"{holes - left:,} missing values carried within their series" + (
                    f" ({left:,} in series that never have one)" if left else ""
                )
            continue
        holes = int(values.isna().sum() + fut[column].isna().sum())
        if holes:
            hist[column] = values.astype(object).where(values.notna(), NO_CATEGORY)
            fut[column] = fut[column].astype(object).where(fut[column].notna(), NO_CATEGORY)
            done[column] = f"{holes:,} empty values read as {NO_CATEGORY!r}"
    return hist, fut, done


def _future_frame(future: pd.DataFrame, id_col: str, time_col: str, exog: Sequence[str]) -> pd.DataFrame:
    _missing(future, [id_col, time_col, *exog], "future")
    fut = future[[id_col, time_col, *exog]].copy()
    fut.columns = pd.Index([ID, TIME, *exog])
    fut[ID] = fut[ID].astype(str)
    fut[TIME] = pd.to_datetime(fut[TIME])
    return fut.drop_duplicates([ID, TIME], keep="last")


def _fill_gaps(
    hist: pd.DataFrame,
    freq: Frequency,
    fill: Fill | None,
    hierarchy: tuple[str, ...],
    id_col: str,
    exog: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, dict[str, int]]:
    bounds = hist.groupby(ID)[TIME].agg(["min", "max"])
    if fill == "zero":  # no rows after a series' last sale means no sales up to the table's end
        bounds["max"] = hist[TIME].max()
    full = pd.concat(
        [pd.DataFrame({ID: sid, TIME: freq.grid(lo, hi)}) for sid, lo, hi in bounds.itertuples()],
        ignore_index=True,
    )
    n_gaps = len(full) - len(hist)
    missing_target = hist[TARGET].isna()
    if n_gaps == 0 and not missing_target.any():
        return hist, {}
    merged = full.merge(hist, on=[ID, TIME], how="left", indicator=True)
    hole = (merged["_merge"] == "left_only") | merged[TARGET].isna()
    merged = merged.drop(columns="_merge")
    per_series = merged.loc[hole].groupby(ID).size()
    if fill is None:
        ex = merged.loc[hole].head(3)
        examples = ", ".join(f"({r[ID]!r}, {r[TIME].date()})" for _, r in ex.iterrows())
        msg = (
            f"{int(hole.sum())} periods are missing inside {len(per_series)} series ({id_col}), "
            f"e.g. {examples}. Pass fill='zero' (no sales in those periods) or fill='missing' "
            f"(unknown; interpolated for models that need complete series); on the command line "
            f"--fill zero or --fill missing."
        )
        raise GapError(msg)
    if fill not in ("zero", "missing"):
        msg = f"fill must be 'zero' or 'missing'; got {fill!r}."
        raise GapError(msg)
    if fill == "zero":
        merged.loc[hole, TARGET] = 0.0
    added = hole.to_numpy() & merged[list(exog)].isna().any(axis=1).to_numpy()
    if exog and added.any():
        # a filled period has no price or promotion of its own: carry the series' previous value
        carried = merged.groupby(ID)[list(exog)].transform(lambda s: s.ffill().bfill())
        merged.loc[added, list(exog)] = merged.loc[added, list(exog)].fillna(carried.loc[added])
    if hierarchy:
        merged[list(hierarchy)] = merged.groupby(ID)[list(hierarchy)].transform(lambda s: s.ffill().bfill())
    return merged, {str(k): int(v) for k, v in per_series.items()}


def _check_hierarchy(hist: pd.DataFrame, hierarchy: tuple[str, ...], id_col: str) -> None:
    if not hierarchy:
        return
    if hist[list(hierarchy)].isna().any().any():
        cols = [c for c in hierarchy if hist[c].isna().any()]
        msg = f"hierarchy column(s) {cols} have empty values. Fill them (e.g. 'unknown') before forecasting."
        raise HierarchyError(msg)
    counts = hist.groupby(ID)[list(hierarchy)].nunique()
    bad = counts[(counts > 1).any(axis=1)]
    if len(bad):
        msg = (
            f"hierarchy columns {list(hierarchy)} must be constant within each {id_col}; "
            f"{len(bad)} series change level over time, e.g. {list(bad.index[:3])}. "
            f"Give each {id_col} a single parent."
        )
        raise HierarchyError(msg)
    for upper, lower in zip(hierarchy, hierarchy[1:], strict=False):
        parents = hist.groupby(lower)[upper].nunique()
        if (parents > 1).any():
            msg = (
                f"hierarchy level {lower!r} must belong to one {upper!r}; "
                f"{list(parents[parents > 1].index[:3])} appear under several. "
                f"Make the {lower!r} values unique (e.g. prefix them with the {upper!r})."
            )
            raise HierarchyError(msg)
