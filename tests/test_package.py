"""The package surface: public names, cheap import, errors that callers can catch."""

from __future__ import annotations

import subprocess
import sys

import pytest

import mirae
import mirae.errors
import mirae.lake

HEAVY = (
    "fastapi",
    "lightgbm",
    "mlflow",
    "plotly",
    "sklearn",
    "pyiceberg",
    "duckdb",
    "pandas",
    "statsforecast",
)


def test_import_mirae_loads_no_heavy_library() -> None:
    code = f"import sys, mirae; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_lake_public_names_are_pinned() -> None:
    assert sorted(mirae.lake.__all__) == [
        "Check",
        "ColumnInfo",
        "Connector",
        "IngestResult",
        "Lineage",
        "LineageGraph",
        "Profile",
        "QualityReport",
        "SnapshotInfo",
        "SourceData",
        "TableInfo",
        "Workspace",
        "connector_from_config",
        "load_checks",
        "profile",
        "quality",
        "read_source",
        "register_connector",
        "writer_lock",
    ]
    for name in mirae.lake.__all__:
        assert getattr(mirae.lake, name) is not None


def test_top_level_names() -> None:
    assert mirae.__all__ == ["Workspace", "__version__", "errors"]
    assert mirae.Workspace is mirae.lake.Workspace
    with pytest.raises(AttributeError):
        _ = mirae.nope  # type: ignore[attr-defined]


def test_every_error_is_a_mirae_error_and_a_builtin() -> None:
    for name in mirae.errors.__all__:
        cls = getattr(mirae.errors, name)
        if issubclass(cls, Warning):
            continue
        assert issubclass(cls, mirae.errors.MiraeError), name
        if cls is not mirae.errors.MiraeError:
            assert any(
                issubclass(cls, builtin)
                for builtin in (ValueError, RuntimeError, KeyError, OSError, UnicodeError, TypeError)
            ), name


def test_key_errors_print_plain_messages() -> None:
    err = mirae.errors.TableNotFoundError("no table named 'x'")
    assert str(err) == "no table named 'x'"
