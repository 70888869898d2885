"""A real retail table with prices and events: empty event names mean none, a missing price in the
history is carried, and only a value missing in the real forecast horizon is refused (M5 store CA_1)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mirae import Workspace
from mirae.errors import MissingFutureError
from mirae.service import forecast_table

H = 28


@pytest.fixture(scope="module")
def m5_table(m5_items: pd.DataFrame, shared_data: Path) -> pd.DataFrame:
    """The items' last 400 days with sell price (empty when not on sale), SNAP days and event names;
    the last 28 days have an empty target, as a user's table of the next four weeks would."""
    cal = pd.read_parquet(shared_data / "m5_store_CA_1" / "calendar.parquet")[
        ["date", "snap_CA", "event_name_1"]
    ]
    cal["date"] = pd.to_datetime(cal["date"])
    frame = m5_items.merge(cal, on="date", how="left")
    frame.loc[frame["date"] > frame["date"].max() - pd.Timedelta(days=H), "sales"] = np.nan
    # two items off sale for a month, as M5 items are now and then: no price in those weeks
    first = frame["date"].min()
    off = frame["id"].isin(frame["id"].unique()[1:3]) & frame["date"].between(
        first + pd.Timedelta(days=100), first + pd.Timedelta(days=130)
    )
    frame.loc[off, "sell_price"] = np.nan
    # the future must know its prices: the last known price of each item carries into the horizon
    future = frame["sales"].isna()
    frame.loc[future, "sell_price"] = frame.groupby("id")["sell_price"].ffill()[future]
    return frame


def _run(ws: Workspace, **settings: object) -> object:
    return forecast_table(
        ws, "m5", id="id", time="date", target="sales", h=H, into="f", models=("Naive",), n_windows=1,
        holidays="none", track=False, fill="zero", **settings,
    )  # fmt: skip


def test_prices_events_and_a_hierarchy_forecast(m5_table: pd.DataFrame, workspace: Workspace) -> None:
    history = m5_table[m5_table["sales"].notna()]
    assert history["event_name_1"].isna().mean() > 0.9  # ordinary days are empty
    assert history["sell_price"].isna().any()  # items off sale for a while
    workspace.write("m5", m5_table)
    run = _run(workspace, hierarchy="cat_id/dept_id/id", exog="sell_price,snap_CA,event_name_1")
    assert run.series == m5_table["id"].nunique() and run.rows == H * (run.series + 2 + 2 + 1)
    assert any("event_name_1" in n and "read as 'none'" in n for n in run.notes)
    assert any("sell_price" in n and "carried" in n for n in run.notes)
    plain = _run(workspace, exog="sell_price,snap_CA,event_name_1", mode="replace")
    assert plain.rows == H * run.series


def test_only_the_real_horizon_is_refused_and_named(m5_table: pd.DataFrame, workspace: Workspace) -> None:
    frame = m5_table.copy()
    last_day = frame["date"].max()
    frame.loc[(frame["date"] == last_day) & (frame["id"] == frame["id"].iloc[0]), "sell_price"] = np.nan
    workspace.write("m5", frame)
    with pytest.raises(
        MissingFutureError, match=rf"forecast horizon .*{frame['id'].iloc[0]} {last_day.date()}"
    ):
        _run(workspace, exog="sell_price")
