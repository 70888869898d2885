"""Where a job may write: output tables checked before any work starts.

A job that writes tables (forecast, predict, simulate) names them with
``into``; it never overwrites a table silently, and never its own input.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, get_args

from mirae.core._choices import check_choice
from mirae.errors import ConfigError, TableExistsError

if TYPE_CHECKING:
    from mirae.lake import Workspace

__all__ = ["WRITE_MODES", "WriteMode", "check_outputs"]

WriteMode = Literal["create", "replace", "append"]
#: How a job writes its output tables: ``create`` refuses an existing table.
WRITE_MODES: tuple[str, ...] = get_args(WriteMode)


def check_outputs(ws: Workspace, outputs: Iterable[str], *, inputs: Iterable[str], mode: str) -> None:
    """Refuse, before any work, outputs that would overwrite an input or (in ``create`` mode) any table.

    Parameters
    ----------
    ws : Workspace
        Where the job writes.
    outputs : iterable of str
        Every table the job will write, side tables (``<into>_scores``) included.
    inputs : iterable of str
        Every table the job reads.
    mode : {'create', 'replace', 'append'}
        ``create`` (the default of every job) writes new tables only;
        ``replace`` and ``append`` must be asked for.

    Raises
    ------
    ConfigError
        For an unknown mode, or an output that is one of the job's inputs.
    TableExistsError
        In ``create`` mode, for an output that already exists.
    """
    check_choice(mode, WRITE_MODES, what="write mode (--mode)")
    read = {name.lower(): name for name in inputs}
    names = list(dict.fromkeys(outputs))
    for name in names:
        if name.lower() in read:
            msg = (
                f"the output table '{name}' is an input of this job ('{read[name.lower()]}'); writing there "
                "would replace the data it was computed from. Choose another output name (--into)."
            )
            raise ConfigError(msg)
    if mode != "create":
        return
    existing = {t.lower(): t for t in ws.table_names()}
    taken = [existing[name.lower()] for name in names if name.lower() in existing]
    if taken:
        msg = (
            f"table(s) {', '.join(repr(t) for t in taken)} already exist; nothing was computed. Write "
            "over them with mode 'replace' (--mode replace; their old snapshots stay in the history) "
            "or add rows with 'append', or choose another output name (--into)."
        )
        raise TableExistsError(msg)
