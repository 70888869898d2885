"""Segmentation through the service layer: RFM from real transactions, tables, lineage, MLflow, registry."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mirae import Workspace
from mirae.errors import ConfigError, SegmentError, TableExistsError
from mirae.segment import DEFAULT_RFM_RULES
from mirae.service import Context, SegmentSpec, segment_table

RFM = "Customer ID,InvoiceDate,Quantity*Price"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, shared_data: Path, mlflow_db_template: Path) -> Workspace:
    """A tracked workspace holding the first ~2 months of real Online Retail II transactions."""
    workspace = Workspace(tmp_path_factory.mktemp("segment") / "ws")
    shutil.copy(mlflow_db_template, workspace.path / "mlflow.db")
    tx = pd.read_csv(
        shared_data / "online_retail_ii" / "online_retail.csv.xz",
        nrows=80_000,
        dtype={"Invoice": str, "StockCode": str},
    )
    workspace.write("tx", tx)
    return workspace


@pytest.fixture(scope="module")
def kmeans_run(ws: Workspace, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    html = tmp_path_factory.mktemp("report") / "segments.html"
    return segment_table(
        ws, "tx", rfm=RFM, invoice="Invoice", into="customers", stability=2, html=html, lang="en"
    )


def test_rfm_kmeans_writes_one_row_per_customer_with_lineage_and_a_registered_model(
    ws: Workspace,
    kmeans_run,  # type: ignore[no-untyped-def]
) -> None:
    run = kmeans_run
    out = ws.to_pandas("customers")
    assert list(out.columns) == [
        "Customer ID",
        "recency",
        "frequency",
        "monetary",
        "tenure",
        "avg_basket",
        "segment",
    ]
    assert out["Customer ID"].is_unique and len(out) == run.rows > 1000
    assert out["Customer ID"].dtype == np.int64  # 13085, not 13085.0
    assert sorted(out["segment"].unique()) == list(range(run.n_segments))
    assert run.k_choice["criterion"] == "silhouette" and run.k_choice["k"] == run.n_segments
    profiles = ws.to_pandas("customers_profiles")
    assert profiles["size"].sum() == len(out) and profiles["size"].is_monotonic_decreasing
    assert [s["size"] for s in run.segments] == profiles["size"].tolist()
    # lineage: the output names the input snapshot and the MLflow run
    source = ws.current_snapshot_id("tx")
    snapshot = ws.history("customers")[-1]
    assert snapshot.source == f"segment of tx@{source}" and run.source_snapshot == source
    assert snapshot.lineage.inputs == ({"table": "tx", "snapshot_id": source},)
    assert snapshot.lineage.run_id == run.run_id and snapshot.lineage.spec["rfm"] == RFM.split(",")
    # the run and the registered segmenter
    tracker = Context(ws).tracker()
    logged = tracker.client.get_run(run.run_id)
    assert logged.data.params["method"] == "kmeans" and logged.data.tags["mirae.task"] == "segment"
    assert (
        logged.data.metrics["n_segments"] == run.n_segments
        and "stability_seed_ari_mean" in logged.data.metrics
    )
    assert run.model_ref == "customers/1"
    model, info = tracker.registry.load("customers/1")
    assert info.tags["mirae.task"] == "segment" and info.tags["mirae.snapshot_id"] == str(source)
    features = ["recency", "frequency", "monetary", "tenure", "avg_basket"]
    np.testing.assert_array_equal(model.predict(out[features]), out["segment"].to_numpy())
    page = Path(run.html).read_text(encoding="utf-8")
    assert 'lang="en"' in page and "customers/1" in page and "Snake plot" in page
    assert any("return/cancellation rows" in n for n in run.notes)


def test_a_registered_segmenter_assigns_new_customers_without_refitting(ws: Workspace, kmeans_run) -> None:  # type: ignore[no-untyped-def]
    run = segment_table(
        ws, "tx", rfm=RFM, invoice="Invoice", as_of="2010-01-15", model="customers", into="early"
    )
    assert run.assigned_with == "customers/1" and run.model_ref is None and run.run_id is None
    early = ws.to_pandas("early")
    model = kmeans_run.estimator
    features = ["recency", "frequency", "monetary", "tenure", "avg_basket"]
    np.testing.assert_array_equal(model.predict(early[features]), early["segment"].to_numpy())
    assert ws.history("early")[-1].lineage.model == "customers/1"
    versions = Context(ws).tracker().registry.versions("customers")
    assert len(versions) == 1  # assigning registers nothing


def test_quantile_rfm_names_segments(ws: Workspace) -> None:
    run = segment_table(
        ws, "tx", rfm=RFM, invoice="Invoice", method="quantile", returns="drop", into="rfm_named", track=False
    )
    out = ws.to_pandas("rfm_named")
    assert {"segment", "segment_name", "r_score", "f_score", "m_score", "rfm"} <= set(out.columns)
    assert set(out["segment_name"]) <= {r[0] for r in DEFAULT_RFM_RULES}
    names = {r[0]: i for i, r in enumerate(DEFAULT_RFM_RULES)}
    assert (out["segment"] == out["segment_name"].map(names)).all()
    assert out.groupby("segment_name")["monetary"].mean()["champions"] > out["monetary"].mean()
    assert run.run_id is None and run.model_ref is None and run.k_choice is None
    assert any("ignored" in n or "제외" in n for n in run.notes)


def test_feature_rows_with_an_id_and_missing_values(ws: Workspace) -> None:
    rows = ws.to_pandas("customers")[["Customer ID", "recency", "frequency", "monetary"]].head(400).copy()
    rows.loc[rows.index[:7], "monetary"] = np.nan
    ws.write("people", rows)
    run = segment_table(
        ws, "people", features="recency,frequency,monetary", id="Customer ID", method="gmm", k=3,
        into="people_seg", track=False, stability=0,
    )  # fmt: skip
    out = ws.to_pandas("people_seg")
    assert len(out) == 400 and out["Customer ID"].tolist() == rows["Customer ID"].tolist()
    assert run.n_segments == 3 and out["monetary"].isna().sum() == 7  # the output keeps what was read
    assert any("median" in n or "중앙값" in n for n in run.notes)
    with pytest.raises(SegmentError, match=r"missing values: monetary \(7\)"):
        segment_table(ws, "people", features="recency,monetary", missing="error", into="x", track=False)


def test_bad_requests_fail_before_any_work(ws: Workspace, kmeans_run) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TableExistsError, match="'customers'.*already exist"):
        segment_table(ws, "tx", rfm=RFM, into="customers")
    with pytest.raises(ConfigError, match="is an input of this job"):
        segment_table(ws, "tx", rfm=RFM, into="tx")
    with pytest.raises(SegmentError, match="must be numeric; got Country"):
        segment_table(ws, "tx", features="Quantity,Country", into="x", track=False)
    with pytest.raises(SegmentError, match="not a segmenter"):
        ws.write("tiny", pd.DataFrame({"a": range(20), "b": range(20)}))
        from mirae.track import Tracker

        tracker = Tracker.for_workspace(ws.path)
        with tracker.start_run("other", tags={"mirae.task": "forecast"}) as other:
            other.log_model(kmeans_run.estimator)
        tracker.registry.register("not_segments", other.run_id, tags={"mirae.task": "forecast"})
        segment_table(ws, "tiny", features="a,b", model="not_segments", into="y")


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({}, "give rfm"),
        ({"rfm": "a,b"}, "three columns customer,date,amount"),
        ({"features": "a", "invoice": "Invoice"}, "apply to RFM features"),
        ({"features": "a", "criterion": "bic"}, "criterion 'bic' is for Gaussian mixtures"),
        ({"features": "a", "k": "many"}, "expected 'auto' or a number of segments"),
        ({"features": "a", "k_range": "2..x"}, "smallest and largest k"),
        ({"features": "a", "method": "dbscan"}, "method must be 'kmeans', 'gmm' or 'quantile'"),
        ({"features": "a,b", "method": "quantile"}, "method 'quantile' scores recency"),
    ],
)
def test_the_spec_says_what_is_wrong(fields: dict[str, str], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        SegmentSpec(table="t", into="o", **fields)


def test_spec_text_is_parsed() -> None:
    spec = SegmentSpec(table="t", into="o", rfm=RFM, k="5", k_range="3..8", as_of="2011-12-01")
    assert (
        spec.rfm == ("Customer ID", "InvoiceDate", "Quantity*Price")
        and spec.k == 5
        and spec.k_range == (3, 8)
    )
    assert SegmentSpec(**spec.to_dict()) == spec


def test_predict_with_a_segmenter_says_which_command_assigns_rows(ws: Workspace, kmeans_run) -> None:  # type: ignore[no-untyped-def]
    from mirae.service import predict_table

    with pytest.raises(ConfigError, match=r"is a segmenter: assign rows with `mirae segment"):
        predict_table(ws, "customers", "tx", into="scored")
    assert "scored" not in {t.name for t in ws.tables()}
