"""``mirae train / models / alias / predict / evaluate`` through the CLI on real data."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app

runner = CliRunner()


def _run(ws: Workspace, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--workspace", str(ws.path)])
    return result.exit_code, result.stdout, result.stderr


def test_train_models_alias_predict_evaluate(
    tracked_workspace: Workspace, shared_data: Path, tmp_path: Path
) -> None:
    ws = tracked_workspace
    frame = pd.read_csv(shared_data / "german_credit" / "germancredit.csv")
    ws.write("credit", frame)
    args = ("train", "credit", "--target", "creditability", "--n-trials", "1", "--models", "linear")
    code, out, err = _run(ws, *args, "--cv", "3", "--name", "risk", "--alias", "champion", "--json")
    assert code == 0, err
    first = json.loads(out)
    assert first["model"] == {"name": "risk", "version": 1, "alias": "champion"}
    assert first["run_id"] and first["leaderboard"][0]["rank"] == 1 and first["task"] == "binary"
    assert first["snapshot_id"] == ws.history("credit")[-1].snapshot_id
    code, out, err = _run(ws, *args, "--cv", "3", "--name", "risk", "--seed", "1")
    assert code == 0, err
    assert "registered model risk/2" in out and "leaderboard" in out

    code, out, _ = _run(ws, "models", "--json")
    assert json.loads(out) == [
        {**json.loads(out)[0], "name": "risk", "latest_version": 2, "aliases": {"champion": 1}}
    ]
    code, out, _ = _run(ws, "alias", "risk", "2", "champion")
    assert code == 0 and "risk@champion -> version 2" in out
    code, out, _ = _run(ws, "models", "risk", "--json")
    assert [(v["version"], v["aliases"]) for v in json.loads(out)] == [(1, []), (2, ["champion"])]

    ws.write("applicants", frame.drop(columns="creditability").head(40))
    code, out, err = _run(ws, "predict", "risk@champion", "applicants", "--into", "scored", "--json")
    assert code == 0, err
    assert json.loads(out)["model"] == "risk/2"
    assert list(ws.to_pandas("scored").columns[-3:]) == ["prediction", "proba_bad", "proba_good"]

    html = tmp_path / "risk.html"
    code, out, err = _run(
        ws, "evaluate", "risk/1", "credit", "--target", "creditability", "--html", str(html)
    )
    assert code == 0, err
    assert "roc_auc" in out and html.exists()

    ws.write("thin", frame.drop(columns=["purpose"]).head(5))
    code, _, err = _run(ws, "predict", "risk", "thin", "--into", "x")
    assert code == 2 and "'purpose'" in err
    code, _, err = _run(ws, "predict", "nobody", "thin", "--into", "x")
    assert code == 2 and "no registered model named 'nobody'" in err
    code, _, err = _run(
        ws, "train", "credit", "--target", "creditability", "--n-trials", "1", "--time-budget", "5"
    )
    assert code == 2 and "not both" in err


def test_models_when_none(tracked_workspace: Workspace) -> None:
    code, out, _ = _run(tracked_workspace, "models")
    assert code == 0 and "No registered models yet" in out


def test_no_explain_gives_a_report_with_metrics_only(tracked_workspace: Workspace, shared_data: Path) -> None:
    ws = tracked_workspace
    ws.write("credit", pd.read_csv(shared_data / "german_credit" / "germancredit.csv"))
    args = [
        "train",
        "credit",
        "--target",
        "creditability",
        "--models",
        "linear",
        "--n-trials",
        "0",
        "--cv",
        "3",
    ]
    code, out, err = _run(ws, *args, "--no-explain", "--json")
    assert code == 0, err
    assert json.loads(out)["holdout_metrics"]["roc_auc"] > 0.7
    code, out, err = _run(
        ws, "evaluate", "credit", "credit", "--target", "creditability", "--no-explain", "--json"
    )
    assert code == 0, err
    report = json.loads(out)["report"]
    assert (
        report["permutation_importance"] is None
        and report["shap_importance"] is None
        and report["rules"] is None
    )


def test_no_screen_runs_every_family_on_every_fold(tracked_workspace: Workspace, shared_data: Path) -> None:
    ws = tracked_workspace
    ws.write("credit", pd.read_csv(shared_data / "german_credit" / "germancredit.csv"))
    args = ["train", "credit", "--target", "creditability", "--n-trials", "0", "--cv", "3", "--no-explain"]
    families = ["--models", "linear,lightgbm,random_forest,decision_tree,knn", "--no-register", "--json"]
    folds = {}
    for switch in ("--screen", "--no-screen"):
        code, out, err = _run(ws, *args, switch, *families)
        assert code == 0, err
        board = json.loads(out)["leaderboard"]
        folds[switch] = {row["model"]: row["n_folds"] for row in board if row["model"] != "ensemble"}
    # the default stops a family clearly behind the leader (here the lone tree) after fold 1
    assert min(folds["--screen"].values()) == 1
    assert set(folds["--no-screen"].values()) == {3} and len(folds["--no-screen"]) == 5
