"""Sources are connector classes: built from settings, one place to add a kind of source."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from mirae import Workspace
from mirae.errors import ConfigError
from mirae.lake import Connector, SourceData, connector_from_config, read_source, register_connector
from mirae.lake._ingest._connectors import CONNECTORS, DatabaseConnector, FileConnector, HttpConnector


def test_the_connector_is_chosen_by_the_source(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text("x;y\n1;2\n", encoding="utf-8")
    assert isinstance(connector_from_config({"source": str(csv)}), FileConnector)
    assert isinstance(connector_from_config({"source": "https://example.com/a.csv"}), HttpConnector)
    assert isinstance(
        connector_from_config({"source": "postgresql://u@h/db", "table": "t"}), DatabaseConnector
    )
    connector = connector_from_config({"kind": "file", "source": str(csv), "delimiter": ";"})
    assert connector.read().table.to_pylist() == [{"x": 1, "y": 2}]
    assert connector.to_config() == {"kind": "file", "source": str(csv), "delimiter": ";"}
    assert connector_from_config(connector.to_config()).read().table.num_rows == 1  # settings round trip


def test_bad_settings_are_named() -> None:
    with pytest.raises(ConfigError, match=r"unknown reader setting\(s\) \['delimeter'\]"):
        connector_from_config({"source": "a.csv", "delimeter": ";"})
    with pytest.raises(ConfigError, match="unknown kind of source 'ftp'"):
        connector_from_config({"kind": "ftp", "source": "ftp://x"})
    with pytest.raises(ConfigError, match="needs a 'source' setting"):
        connector_from_config({"kind": "file"})


def test_a_new_kind_of_source_plugs_in_by_registering(tmp_path: Path) -> None:
    class Numbers(Connector):
        kind = "numbers"

        @classmethod
        def accepts(cls, source: str, fmt: str | None) -> bool:
            return source.startswith("numbers:")

        def _read(self, progress: object) -> SourceData:
            n = int(self.source.removeprefix("numbers:"))
            return SourceData(pa.table({"n": list(range(n))}), self.source, "numbers")

    register_connector(Numbers)
    try:
        assert read_source("numbers:3").table.column("n").to_pylist() == [0, 1, 2]
        result = Workspace(tmp_path / "ws").ingest("numbers:4", "n")
        assert result.rows == 4 and result.format == "numbers"
    finally:
        CONNECTORS.remove(Numbers)
