"""The PyIceberg ``FileIO`` of a workspace: ``workspace:`` locations, no file outside the folder.

See :mod:`mirae.lake._locations` for why locations are relative.
"""

from __future__ import annotations

from pathlib import Path

from pyiceberg.io import InputFile, OutputFile
from pyiceberg.io.pyarrow import PyArrowFile, PyArrowFileIO
from pyiceberg.typedef import EMPTY_DICT, Properties

from mirae.errors import WorkspaceError
from mirae.lake._locations import PREFIX, ROOT_PROPERTY, require_inside, resolve


class WorkspaceFileIO(PyArrowFileIO):
    """PyArrow file IO that resolves ``workspace:`` locations and stays inside the folder."""

    def __init__(self, properties: Properties = EMPTY_DICT) -> None:
        if ROOT_PROPERTY not in properties:
            msg = f"WorkspaceFileIO needs the {ROOT_PROPERTY!r} property (the workspace folder)."
            raise WorkspaceError(msg)
        super().__init__(properties=properties)

    @property
    def root(self) -> Path:
        """The workspace folder."""
        return Path(self.properties[ROOT_PROPERTY])

    @staticmethod
    def parse_location(location: str, properties: Properties = EMPTY_DICT) -> tuple[str, str, str]:
        """``(scheme, netloc, path)`` of a location; ``workspace:`` ones are local files."""
        if location.startswith(PREFIX):
            return "file", "", str(resolve(location, Path(properties[ROOT_PROPERTY])))
        return PyArrowFileIO.parse_location(location, properties)

    def new_output(self, location: str) -> PyArrowFile:
        """A file to write; refused outside the workspace folder."""
        self._check(location, "write")
        return super().new_output(location)

    def delete(self, location: str | InputFile | OutputFile) -> None:
        """Delete a file; refused outside the workspace folder."""
        self._check(location if isinstance(location, str) else location.location, "delete")
        super().delete(location)

    def _check(self, location: str, action: str) -> None:
        scheme, _, path = self.parse_location(location, self.properties)
        if scheme == "file":
            require_inside(Path(path), self.root, action)
