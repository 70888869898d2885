"""Hierarchical aggregation and reconciliation (bottom-up, top-down, MinT with shrinkage).

Implemented with numpy (not hierarchicalforecast) so it works directly on
mirae's long frames: :func:`summing_matrix` builds ``S`` from the static
hierarchy columns, :func:`aggregate_history` sums the bottom series to every
level, :func:`reconcile` makes forecasts coherent with ``y~ = S G y^``:

- ``bottom_up``: ``G`` picks the bottom-level forecasts;
- ``top_down``: the total's forecast split by average historical proportions
  (Gross-Sohl method A);
- ``mint_shrink``: ``G = (S' W^-1 S)^-1 S' W^-1`` with ``W`` the
  Schafer-Strimmer shrinkage estimate of the covariance of (backtest) residuals.

Aggregate ids are ``"total"``, ``"<group>"``, ``"<group>/<product>"``...; bottom
ids stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, cast

import numpy as np
import pandas as pd

from mirae.errors import ConfigError, HierarchyError

__all__ = ["aggregate_history", "reconcile", "shrunk_covariance", "summing_matrix"]

Method = Literal["bottom_up", "top_down", "mint_shrink"]


def summing_matrix(statics: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The summing matrix of a hierarchy.

    Parameters
    ----------
    statics : DataFrame
        Index: bottom series ids; columns: hierarchy levels from the top down.

    Returns
    -------
    S : DataFrame
        0/1 matrix, rows every series (``total``, each level's nodes, bottom ids),
        columns bottom ids.
    levels : Series
        Level name of each row of ``S`` (``total``, a hierarchy column, or ``bottom``).

    Examples
    --------
    >>> st = pd.DataFrame({"group": ["R", "R", "W"]}, index=["a", "b", "c"])
    >>> S, levels = summing_matrix(st)
    >>> S.loc[["total", "R", "W"]].to_numpy().tolist()
    [[1, 1, 1], [1, 1, 0], [0, 0, 1]]
    """
    bottom = [str(i) for i in statics.index]
    rows, names, level_of = [np.ones(len(bottom), dtype=int)], ["total"], ["total"]
    cols = list(statics.columns)
    for i, col in enumerate(cols):
        keys = statics[cols[: i + 1]].astype(str).agg("/".join, axis=1).to_numpy()
        for key in sorted(set(keys)):
            if key in bottom:
                msg = f"aggregate node {key!r} (level {col!r}) has the same name as a bottom series. Rename one of them."
                raise HierarchyError(msg)
            rows.append((keys == key).astype(int))
            names.append(key)
            level_of.append(col)
    rows.extend(np.eye(len(bottom), dtype=int))
    names.extend(bottom)
    level_of.extend(["bottom"] * len(bottom))
    S = pd.DataFrame(np.vstack(rows), index=pd.Index(names, name="unique_id"), columns=bottom)
    return S, pd.Series(level_of, index=S.index, name="level")


def aggregate_history(history: pd.DataFrame, S: pd.DataFrame) -> pd.DataFrame:
    """Sum bottom-level ``unique_id``/``ds``/``y`` history to every series of ``S``.

    Periods where a bottom series has no row count as zero in its aggregates.
    """
    wide = history.pivot(index="ds", columns="unique_id", values="y").reindex(columns=S.columns)
    agg = wide.fillna(0.0).to_numpy() @ S.to_numpy().T
    out = pd.DataFrame(agg, index=wide.index, columns=S.index)
    present = wide.notna().to_numpy() @ S.to_numpy().T > 0  # keep periods where some child exists
    long = cast(pd.Series, out.where(present).stack()).rename("y").reset_index()
    long.columns = pd.Index(["ds", "unique_id", "y"])
    return long[["unique_id", "ds", "y"]].sort_values(["unique_id", "ds"]).reset_index(drop=True)


def shrunk_covariance(residuals: np.ndarray) -> np.ndarray:
    """Schafer-Strimmer shrinkage of the residual covariance towards its diagonal.

    Parameters
    ----------
    residuals : ndarray of shape (n_obs, n_series)
        May contain NaN. With at least two periods complete across all series,
        rows with NaN are dropped; otherwise (series that start late, short
        backtests) every pair uses the periods both have, and the result is
        made positive definite.

    Examples
    --------
    >>> r = np.array([[1.0, 2.0], [-1.0, -1.0], [0.5, -1.0], [-0.5, 0.0]])
    >>> w = shrunk_covariance(r)
    >>> bool(np.allclose(np.diag(w), r.var(axis=0, ddof=1)))
    True
    """
    x = residuals[~np.isnan(residuals).any(axis=1)]
    n = len(x)
    if n < 2:
        return _pairwise_shrunk_covariance(residuals)
    x = x - x.mean(axis=0)
    cov = x.T @ x / (n - 1)
    sd = np.sqrt(np.maximum(np.diag(cov), 1e-12))
    xs = x / sd
    corr = xs.T @ xs / (n - 1)
    prods = xs[:, :, None] * xs[:, None, :]
    var_corr = n / (n - 1) ** 3 * ((prods - prods.mean(axis=0)) ** 2).sum(axis=0)
    off = ~np.eye(len(cov), dtype=bool)
    denom = float((corr[off] ** 2).sum())
    lam = float(np.clip(var_corr[off].sum() / denom, 0.0, 1.0)) if denom > 0 else 1.0
    shrunk = cov * (1.0 - lam)
    np.fill_diagonal(shrunk, np.diag(cov))
    return shrunk


def _pairwise_shrunk_covariance(residuals: np.ndarray) -> np.ndarray:
    """:func:`shrunk_covariance` from pairwise complete periods (for residuals with gaps)."""
    present = ~np.isnan(residuals)
    m = present.astype(float)
    count = m.sum(axis=0)
    if int((count >= 2).sum()) == 0:
        msg = (
            "MinT needs residuals of at least 2 backtest periods per series; got fewer for every series. "
            "Use more backtest windows (--n-windows) or --reconcile bottom_up."
        )
        raise ConfigError(msg)
    mean = np.where(count > 0, np.nansum(residuals, axis=0) / np.maximum(count, 1), 0.0)
    xc = np.where(present, residuals - mean, 0.0)
    var = (xc**2).sum(axis=0) / np.maximum(count - 1, 1)
    known = count >= 2
    var = np.where(known, var, float(np.median(var[known])))  # a series with one residual: a typical variance
    sd = np.sqrt(np.maximum(var, 1e-12))
    z = xc / sd
    pairs = m.T @ m
    usable = pairs >= 3
    corr = np.where(usable, (z.T @ z) / np.maximum(pairs - 1, 1), 0.0)
    mean_w = (z.T @ z) / np.maximum(pairs, 1)
    spread = (z**2).T @ (z**2) - pairs * mean_w**2
    var_corr = np.where(usable, pairs / np.maximum(pairs - 1, 1) ** 3 * spread, 0.0)
    off = ~np.eye(len(var), dtype=bool) & usable
    denom = float((corr[off] ** 2).sum())
    lam = float(np.clip(var_corr[off].sum() / denom, 0.0, 1.0)) if denom > 0 else 1.0
    shrunk = np.clip(corr * (1.0 - lam), -1.0, 1.0) * np.outer(sd, sd)
    np.fill_diagonal(shrunk, var)
    values, vectors = np.linalg.eigh(shrunk)  # pairwise estimates need not be positive definite
    floor = 1e-8 * float(values.max())
    return np.asarray((vectors * np.maximum(values, floor)) @ vectors.T)


def _projection(
    S: np.ndarray,
    method: Method,
    *,
    residuals: np.ndarray | None,
    proportions: np.ndarray | None,
) -> np.ndarray:
    n_all, n_bottom = S.shape
    if method == "bottom_up":
        G = np.zeros((n_bottom, n_all))
        G[:, n_all - n_bottom :] = np.eye(n_bottom)
        return G
    if method == "top_down":
        if proportions is None:
            msg = "top_down needs the history for proportions."
            raise ConfigError(msg)
        G = np.zeros((n_bottom, n_all))
        G[:, 0] = proportions
        return G
    if method == "mint_shrink":
        if residuals is None:
            msg = "mint_shrink needs residuals (n_obs x n_series) to estimate W."
            raise ConfigError(msg)
        W = shrunk_covariance(residuals) + 1e-9 * np.eye(n_all)
        Winv_S = np.linalg.solve(W, S)
        return np.linalg.solve(S.T @ Winv_S, Winv_S.T)
    msg = f"method must be 'bottom_up', 'top_down' or 'mint_shrink'; got {method!r}."
    raise ConfigError(msg)


def reconcile(
    forecast: pd.DataFrame,
    S: pd.DataFrame,
    *,
    columns: Sequence[str],
    method: Method = "mint_shrink",
    residuals: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Make forecasts of every series of ``S`` coherent.

    Parameters
    ----------
    forecast : DataFrame
        ``unique_id`` (every row of ``S``), ``ds`` and the ``columns`` to reconcile.
    S : DataFrame
        Summing matrix from :func:`summing_matrix`.
    columns : sequence of str
        Forecast columns to reconcile (each independently).
    method : {'bottom_up', 'top_down', 'mint_shrink'}
    residuals : DataFrame, optional
        ``unique_id``, ``ds`` (or any period key), ``residual`` for MinT.
    history : DataFrame, optional
        Bottom-level ``unique_id``/``ds``/``y`` for top-down proportions.

    Returns
    -------
    DataFrame
        ``forecast`` with the columns replaced by coherent values.

    Examples
    --------
    >>> S, _ = summing_matrix(pd.DataFrame({"g": ["R", "R"]}, index=["a", "b"]))
    >>> fc = pd.DataFrame({"unique_id": ["total", "R", "a", "b"], "ds": 1, "m": [9.0, 7.0, 3.0, 4.0]})
    >>> reconcile(fc, S, columns=["m"], method="bottom_up")["m"].tolist()
    [7.0, 7.0, 3.0, 4.0]
    """
    ids = list(S.index)
    missing = sorted(set(ids) - set(forecast["unique_id"]))
    if missing:
        msg = f"forecasts are missing for {len(missing)} series of the hierarchy, e.g. {missing[:3]}. Forecast every level first."
        raise HierarchyError(msg)
    res_wide = None
    if residuals is not None:
        res_wide = (
            residuals.pivot_table(index="ds", columns="unique_id", values="residual")
            .reindex(columns=ids)
            .to_numpy()
        )
    props = None
    if history is not None:
        wide = (
            history.pivot(index="ds", columns="unique_id", values="y").reindex(columns=S.columns).fillna(0.0)
        )
        total = wide.sum(axis=1)
        ratio = wide.loc[total > 0].div(total[total > 0], axis=0)
        props = ratio.mean(axis=0).to_numpy()
    Smat = S.to_numpy(dtype=float)
    SG = Smat @ _projection(Smat, method, residuals=res_wide, proportions=props)
    out = forecast.copy()
    for col in columns:
        wide = forecast.pivot(index="ds", columns="unique_id", values=col).reindex(columns=ids)
        values = wide.to_numpy(dtype=float)
        coherent = pd.DataFrame(values @ SG.T, index=wide.index, columns=ids)
        long = cast(pd.Series, coherent.stack()).rename(col).reset_index()
        long.columns = pd.Index(["ds", "unique_id", col])
        out = out.drop(columns=col).merge(long, on=["unique_id", "ds"], how="left")
    return out[forecast.columns]
