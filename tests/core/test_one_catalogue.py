"""One KO/EN catalogue and one JSON encoder for the whole package."""

from __future__ import annotations

import json
import math
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mirae
from mirae.core._i18n import LABELS, heading, label
from mirae.core._json import dumps, frame_from_dict, to_jsonable

SRC = Path(mirae.__file__).parent
#: label("key", ...), self.t("key"), section("anchor", "key"), and literal key lists of report headers
_KEY_CALLS = re.compile(r"""\b(?:label|t)\(\s*["']([a-z][a-z0-9_]*)["']""")


def _keys_named_in_source() -> set[str]:
    keys: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "core._i18n" not in text:
            continue
        keys.update(_KEY_CALLS.findall(text))
        keys.update(re.findall(r"""section\(\s*["'][^"']+["'],\s*["']([a-z0-9_]+)["']""", text))
    return keys


def test_every_key_the_code_names_is_in_the_catalogue_in_both_languages() -> None:
    keys = _keys_named_in_source()
    assert len(keys) > 50  # the scan found the call sites
    missing = sorted(k for k in keys if k not in LABELS and not k.endswith("_"))  # "flag_" + name: prefixes
    assert not missing, f"labels missing from mirae.core._i18n.LABELS: {missing}"
    for key, (ko, en) in LABELS.items():
        assert ko.strip() and en.strip(), key


def test_an_unknown_key_is_an_error_not_a_silent_fallback() -> None:
    with pytest.raises(KeyError, match="no_such_key"):
        label("no_such_key", "ko")
    assert heading("units_sold", "ko") == "units_sold"  # names from the data are shown as they are
    assert label("accuracy", "ko") == "정확도"


def test_there_is_one_catalogue_and_one_encoder() -> None:
    assert not (SRC / "lake" / "_labels.py").exists()
    assert not (SRC / "evaluate" / "_labels.py").exists()
    assert not (SRC / "evaluate" / "_jsonable.py").exists()
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if p.name != "_json.py" and re.search(r"json\.dumps\([^)]*default=", p.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"second JSON encoders in {offenders}; use mirae.core._json"


def test_the_encoder_turns_every_value_kind_into_plain_json() -> None:
    value = {
        "nan": float("nan"),
        "inf": np.float64("inf"),
        "int": np.int64(3),
        "bool": np.bool_(True),
        "na": pd.NA,
        "nat": pd.NaT,
        "date": date(2026, 12, 3),
        "ts": pd.Timestamp("2026-12-03 10:00"),
        "dur": timedelta(hours=1),
        "dec": Decimal("1.5"),
        "bytes": b"\x00\xff",
        "path": Path("a") / "b",
        "array": np.array([1.0, np.nan]),
        "series": pd.Series([1, 2]),
        "frame": pd.DataFrame({"x": [1.0, math.nan]}),
    }
    out = json.loads(dumps(value))
    assert out["nan"] is None and out["inf"] is None and out["na"] is None and out["nat"] is None
    assert out["int"] == 3 and out["bool"] is True and out["dec"] == 1.5 and out["dur"] == 3600.0
    assert out["date"] == "2026-12-03" and out["ts"].startswith("2026-12-03T10:00")
    assert out["bytes"] == "00ff" and out["path"] == str(Path("a") / "b")
    assert out["array"] == [1.0, None] and out["series"] == [1, 2]
    assert frame_from_dict(out["frame"])["x"].isna().tolist() == [False, True]
    assert to_jsonable(("매출", 1)) == ["매출", 1]


def test_every_result_follows_the_one_protocol() -> None:
    import inspect

    from mirae.core._result import Report, Result
    from mirae.evaluate import ClassificationReport, RegressionReport
    from mirae.lake import IngestResult, LineageGraph, Profile, QualityReport, SnapshotInfo
    from mirae.service import EvaluationRun, ForecastRun, PredictRun, SimulationRun, TrainRun

    for cls in (
        IngestResult,
        LineageGraph,
        SnapshotInfo,
        TrainRun,
        ForecastRun,
        PredictRun,
        EvaluationRun,
        SimulationRun,
    ):
        assert issubclass(cls, Result), cls
    for cls in (ClassificationReport, RegressionReport, Profile, QualityReport):
        assert issubclass(cls, Report), cls
        signature = inspect.signature(cls.to_html)
        assert list(signature.parameters)[:3] == ["self", "path", "lang"], cls
        assert signature.parameters["path"].default is None and signature.parameters["lang"].default == "ko"


def test_reports_render_inline_in_jupyter(tmp_path: Path) -> None:
    from mirae import Workspace

    ws = Workspace(tmp_path / "ws")
    ws.write("t", pd.DataFrame({"매출": [1.0, 2.0, 4.0]}))
    shown = ws.quality("t")._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "매출" in shown and "<script" not in shown  # escaped page


def test_every_message_has_the_same_parameters_in_both_languages() -> None:
    from string import Formatter

    from mirae.core._i18n import MESSAGES, message

    for key, (ko, en) in MESSAGES.items():
        fields_ko = {f for _, f, _, _ in Formatter().parse(ko) if f}
        fields_en = {f for _, f, _, _ in Formatter().parse(en) if f}
        assert fields_ko == fields_en, key
    with pytest.raises(KeyError, match="no message 'nope'"):
        message("nope", "ko")
    assert message("want_between", "ko", low=1, high=5) == "1~5 사이"


def test_every_report_is_one_page_layout(tmp_path: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    from mirae import Workspace
    from mirae.core._page import PLOTLY_CONFIG, STYLE
    from mirae.evaluate import evaluate_classifier

    ws = Workspace(tmp_path / "ws")
    ws.write("t", pd.DataFrame({"매출": [1.0, 2.0, 4.0, 3.0], "지역": ["서울", "부산", "서울", "대구"]}))
    X = pd.DataFrame({"a": np.arange(40.0)})
    y = pd.Series(np.arange(40) % 3 == 0).astype(int)
    pages = [
        ws.quality("t").to_html(lang="ko"),
        ws.profile("t").to_html(lang="ko"),
        evaluate_classifier(LogisticRegression().fit(X, y), X, y, explain=False).to_html(lang="ko"),
    ]
    for page in pages:
        assert STYLE in page and "word-break:keep-all" in page and PLOTLY_CONFIG in page
        assert "cdn" not in page.lower().split("</script>")[-1]  # plotly.js inline, nothing fetched


def test_a_folder_of_reports_shares_one_plotly_script(tmp_path: Path) -> None:
    from mirae import Workspace

    ws = Workspace(tmp_path / "ws")
    ws.write("t", pd.DataFrame({"x": [1.0, 2.0, 3.0]}))
    out = tmp_path / "reports"
    ws.quality("t").to_html(out / "q.html", shared_js=True)
    ws.profile("t").to_html(out / "p.html", shared_js=True, lang="en")
    scripts = list(out.glob("plotly-*.min.js"))
    assert len(scripts) == 1 and scripts[0].stat().st_size > 1_000_000
    for page in (out / "q.html", out / "p.html"):
        text = page.read_text(encoding="utf-8")
        assert f'<script src="{scripts[0].name}"></script>' in text and len(text) < 500_000
    assert len(ws.quality("t").to_html(tmp_path / "alone.html")) > 1_000_000  # one file: self-contained


def test_a_chart_box_is_as_tall_as_its_chart(tmp_path: Path) -> None:
    import re

    from mirae import Workspace

    ws = Workspace(tmp_path / "ws")
    rng = np.random.default_rng(0)
    ws.write(
        "wide",
        pd.DataFrame({f"a_rather_long_column_name_number_{i:02d}": rng.normal(size=50) for i in range(12)}),
    )
    page = ws.profile("wide").to_html(lang="en")
    heights = [int(h) for h in re.findall(r'class="chart" id="fig\d+" style="height:(\d+)px"', page)]
    longest = len("a_rather_long_column_name_number_00")
    assert heights and max(heights) == 140 + 28 * 12 + 6 * longest  # room for the long labels
    layouts = [int(h) for h in re.findall(r'"height": ?(\d+)', page.split("const figures = ")[1])]
    assert max(layouts) == max(heights)
