"""Log template mining: Drain's fixed-depth parse tree, written for mirae, and grouping accuracy.

Drain (He, Zhu, Zheng and Lyu, "Drain: An Online Log Parsing Approach with
Fixed Depth Tree", ICWS 2017) groups messages in one pass:

1. *Masking*: parts that are always parameters (numbers, IPs, hex, paths,
   UUIDs; :data:`DEFAULT_MASKS`, configurable) become ``<NUM>``, ``<IP>``, ...
2. The masked message is split into tokens; the tree's first level is the
   number of tokens, the next ``depth - 2`` levels its leading tokens (a token
   with a digit or a masked part, and any token past ``max_children`` siblings, goes under
   ``<*>``).
3. In the leaf, the group whose template shares the largest share of tokens
   position by position is chosen (ties: the template with more parameters);
   at or above ``similarity`` the message joins it and the positions that
   differ become ``<*>``, else it starts a new group.

Why written here rather than taken from the ``drain3`` package: drain3 0.9.11
(the last release, 2022) pins ``cachetools==4.2.1``, which conflicts with
mlflow-skinny and pyiceberg (both need cachetools >= 5), and its state (a
jsonpickle snapshot, persistence handlers for Kafka/Redis) does not fit
mirae's estimator contract and model files. The algorithm is about a hundred
lines; this one is a clean-room implementation from the paper, with
per-token masking (parameters line up with the template's positions) and
matching of new lines against fitted templates without changing them
(:meth:`LogTemplateMiner.predict`). ``benchmarks/log_parsing.py`` compares
it with drain3 on the loghub samples.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self

from mirae.base._contracts import Clusterer
from mirae.base._estimator import Tags
from mirae.errors import AnomalyError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["DEFAULT_MASKS", "WILDCARD", "LogTemplateMiner", "grouping_accuracy", "parsing_accuracy"]

#: A parameter position in a template.
WILDCARD = "<*>"
_NOT_IN_WORD = r"(?<![A-Za-z0-9_.])"
_NOT_IN_WORD_AFTER = r"(?![A-Za-z0-9_])"
#: The masks applied by default, in order (the first that matches at a position wins):
#: (name, regex). A mask applies inside one whitespace-separated token.
DEFAULT_MASKS: tuple[tuple[str, str], ...] = (
    ("UUID", r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"),
    ("IP", _NOT_IN_WORD + r"\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?" + _NOT_IN_WORD_AFTER),
    ("HEX", _NOT_IN_WORD + r"0[xX][0-9a-fA-F]+" + _NOT_IN_WORD_AFTER),
    ("PATH", r"(?<![\w/])(?:[A-Za-z]:)?(?:[/\\][\w.\-]+){2,}[/\\]?"),
    ("NUM", _NOT_IN_WORD + r"[-+]?\d+(?:\.\d+)?" + _NOT_IN_WORD_AFTER),
)


@functools.lru_cache(maxsize=64)
def _masker(masks: tuple[tuple[str, str], ...]) -> re.Pattern[str] | None:
    if not masks:
        return None
    parts = []
    for k, (name, pattern) in enumerate(masks):
        try:
            re.compile(pattern)
        except re.error as exc:
            msg = f"mask {name!r} is not a valid regular expression ({exc}): {pattern!r}; fix or remove it."
            raise AnomalyError(msg) from None
        parts.append(f"(?P<m{k}>{pattern})")
    return re.compile("|".join(parts))


def _as_masks(masks: Any) -> tuple[tuple[str, str], ...]:
    if masks is None:
        return ()
    if isinstance(masks, dict):
        return tuple((str(k), str(v)) for k, v in masks.items())
    try:
        pairs = tuple((str(name), str(pattern)) for name, pattern in masks)
    except (TypeError, ValueError):
        msg = f"masks must be (name, regex) pairs or a dict name -> regex, e.g. {{'NUM': r'\\d+'}}; got {masks!r}."
        raise AnomalyError(msg) from None
    return pairs


def mask_tokens(message: str, masks: tuple[tuple[str, str], ...]) -> tuple[list[str], list[str]]:
    """The message's tokens as written and with masks applied (same length, position by position).

    Examples
    --------
    >>> mask_tokens("connect 10.0.0.1:80 took 12ms", DEFAULT_MASKS)
    (['connect', '10.0.0.1:80', 'took', '12ms'], ['connect', '<IP>', 'took', '12ms'])
    """
    raw = message.split()
    pattern = _masker(masks)
    if pattern is None:
        return raw, list(raw)
    names = [name for name, _ in masks]

    def replace(match: re.Match[str]) -> str:
        return f"<{names[int(str(match.lastgroup)[1:])]}>"

    masked = pattern.sub(replace, message).split()
    if len(masked) != len(raw):  # a match reached over whitespace: mask token by token instead
        masked = [pattern.sub(replace, token) for token in raw]
    return raw, masked


def _is_variable(token: str) -> bool:
    """A token that goes under ``<*>`` in the tree: it has a digit or a masked part (``host:<NUM>``)."""
    return "<" in token or any(c.isdigit() for c in token)


class LogTemplateMiner(Clusterer):
    """Groups log messages into templates with Drain's parse tree (see the module notes).

    A :class:`~mirae.base.Clusterer`: ``fit`` mines the templates of the
    messages (``labels_`` is each message's template id, ``templates_`` the
    template texts), ``predict`` assigns new messages to the fitted templates
    without changing them (-1 where none is similar enough).

    Parameters
    ----------
    depth : int
        Depth of the parse tree (at least 3): the root, the token count, then
        ``depth - 2`` leading tokens.
    similarity : float
        Share of equal tokens (0 to 1) a message needs to join a template.
    max_children : int
        Children per tree node; more distinct leading tokens go under ``<*>``.
    masks : sequence of (name, regex) or dict, optional
        Parameter masks applied to each token (default :data:`DEFAULT_MASKS`;
        ``()`` for none).
    column : str
        Column of a frame that holds the messages (a Series or a list is used as is).

    Examples
    --------
    >>> miner = LogTemplateMiner().fit(["Denied user alice from 10.0.0.1", "Denied user bob from 10.0.0.7",
    ...                                  "session opened"])
    >>> miner.templates_
    ['Denied user <*> from <IP>', 'session opened']
    >>> miner.predict(["Denied user carol from 10.1.1.1", "disk full"]).tolist()
    [0, -1]
    """

    tags = Tags(task="clustering")

    def __init__(
        self,
        *,
        depth: int = 4,
        similarity: float = 0.4,
        max_children: int = 100,
        masks: Sequence[tuple[str, str]] | dict[str, str] | None = DEFAULT_MASKS,
        column: str = "message",
    ) -> None:
        self.depth = depth
        self.similarity = similarity
        self.max_children = max_children
        self.masks = masks
        self.column = column

    # -- input ----------------------------------------------------------------------------------

    def _messages(self, X: Any) -> list[str]:
        import pandas as pd

        if isinstance(X, pd.DataFrame):
            if self.column not in X.columns:
                msg = f"the frame has no message column {self.column!r} (columns: {list(X.columns)}); set column=."
                raise AnomalyError(msg)
            X = X[self.column]
        if isinstance(X, str):
            msg = "give a list or column of messages, not one string (wrap it in a list)."
            raise AnomalyError(msg)
        return ["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in X]

    def _check_settings(self) -> tuple[tuple[str, str], ...]:
        if not isinstance(self.depth, int) or self.depth < 3:
            msg = f"depth must be an integer of at least 3 (root, token count, one leading token); got {self.depth!r}."
            raise AnomalyError(msg)
        if not 0 < float(self.similarity) <= 1:
            msg = f"similarity must be a share of equal tokens above 0 and at most 1 (e.g. 0.4); got {self.similarity!r}."
            raise AnomalyError(msg)
        if not isinstance(self.max_children, int) or self.max_children < 1:
            msg = f"max_children must be a positive integer; got {self.max_children!r}."
            raise AnomalyError(msg)
        masks = _as_masks(self.masks)
        _masker(masks)
        return masks

    # -- the tree -------------------------------------------------------------------------------

    def _leaf(self, tokens: list[str], create: bool) -> list[int] | None:
        """The cluster list of the leaf ``tokens`` lead to (made on the way when ``create``)."""
        node: dict[str, Any] = self.tree_
        key = str(len(tokens))
        if key not in node:
            if not create:
                return None
            node[key] = {}
        node = node[key]
        for token in tokens[: self.depth - 2]:
            step = WILDCARD if _is_variable(token) else token
            if step not in node:
                if not create:
                    step = WILDCARD
                    if step not in node:
                        return None
                elif len(node) + (WILDCARD not in node) >= self.max_children:
                    step = WILDCARD
                node.setdefault(step, {})
            node = node[step]
        leaf: list[int] = node.setdefault("", [])
        return leaf

    def _best(self, leaf: list[int], tokens: list[str]) -> int:
        best, best_key = -1, (-1.0, -1)
        for cid in leaf:
            template = self.tokens_[cid]
            same = params = 0
            for t, m in zip(template, tokens, strict=True):
                if t == WILDCARD:
                    params += 1
                elif t == m:
                    same += 1
            sim = same / len(tokens) if tokens else 1.0
            if (sim, params) > best_key:
                best, best_key = cid, (sim, params)
        return best if best_key[0] >= float(self.similarity) else -1

    # -- the contract ---------------------------------------------------------------------------

    def fit(self, X: Any, y: Any = None) -> Self:
        """Mine the templates of the messages in ``X``; ``labels_`` holds each message's template id."""
        import numpy as np

        masks = self._check_settings()
        self.tree_: dict[str, Any] = {}
        self.tokens_: list[list[str]] = []
        self.sizes_: list[int] = []
        labels = []
        for message in self._messages(X):
            _, tokens = mask_tokens(message, masks)
            leaf = self._leaf(tokens, create=True)
            assert leaf is not None
            cid = self._best(leaf, tokens)
            if cid < 0:
                cid = len(self.tokens_)
                self.tokens_.append(list(tokens))
                self.sizes_.append(0)
                leaf.append(cid)
            else:
                template = self.tokens_[cid]
                for i, (t, m) in enumerate(zip(template, tokens, strict=True)):
                    if t != m:
                        template[i] = WILDCARD
            self.sizes_[cid] += 1
            labels.append(cid)
        self.labels_ = np.asarray(labels, dtype=np.int64)
        self.templates_ = [" ".join(t) for t in self.tokens_]
        self.n_templates_ = len(self.templates_)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "tokens_"):
            msg = "this LogTemplateMiner is not fitted yet; call fit(messages) first."
            raise AnomalyError(msg)

    def predict(self, X: Any) -> np.ndarray:
        """The fitted template of each message (-1 where no template is similar enough); nothing changes."""
        import numpy as np

        self._check_fitted()
        masks = _as_masks(self.masks)
        out = []
        for message in self._messages(X):
            _, tokens = mask_tokens(message, masks)
            leaf = self._leaf(tokens, create=False)
            out.append(-1 if leaf is None else self._best(leaf, tokens))
        return np.asarray(out, dtype=np.int64)

    def parameters(self, X: Any, labels: Any = None) -> list[list[str]]:
        """The parameter values of each message: its tokens where its template has ``<*>`` or a mask.

        ``labels`` are the messages' template ids (default :meth:`predict`;
        pass ``labels_`` for the training messages).
        """
        self._check_fitted()
        messages = self._messages(X)
        ids = self.predict(messages) if labels is None else labels
        out: list[list[str]] = []
        for message, cid in zip(messages, ids, strict=True):
            raw = message.split()
            if cid < 0 or len(self.tokens_[int(cid)]) != len(raw):
                out.append([])
                continue
            out.append([r for r, t in zip(raw, self.tokens_[int(cid)], strict=True) if t != r and "<" in t])
        return out

    def template_table(self) -> pd.DataFrame:
        """One row per template: ``template_id``, ``template``, ``lines`` (messages it grouped in fit)."""
        import pandas as pd

        self._check_fitted()
        return pd.DataFrame(
            {"template_id": range(self.n_templates_), "template": self.templates_, "lines": self.sizes_}
        )


# -- evaluation ----------------------------------------------------------------------------------


def grouping_accuracy(truth: Any, predicted: Any) -> float:
    """Share of lines whose predicted group holds exactly the lines of their true group (loghub's definition).

    Zhu et al. (ICSE-SEIP 2019): a line is parsed correctly when the set of
    lines its parser put in its group equals the set of lines sharing its
    true template.

    Examples
    --------
    >>> grouping_accuracy(["a", "a", "b", "c"], [0, 0, 1, 1])
    0.5
    """
    import pandas as pd

    frame = pd.DataFrame({"truth": list(truth), "pred": list(predicted)})
    if frame.empty:
        msg = "grouping accuracy needs at least one line; got none."
        raise AnomalyError(msg)
    pred_size = frame.groupby("pred")["truth"].transform("size")
    pairs = frame.groupby(["truth", "pred"])["truth"].transform("size")
    true_size = frame.groupby("truth")["pred"].transform("size")
    correct = (pairs == true_size) & (pairs == pred_size)
    return float(correct.mean())


def _normalised(template: str) -> str:
    text = re.sub(r"<[^<>\s]*>", WILDCARD, str(template))
    return " ".join(re.sub(r"(?:<\*>)+", WILDCARD, text).split())


def parsing_accuracy(truth_templates: Any, predicted_templates: Any) -> float:
    """Share of lines whose predicted template equals the true one (every ``<NAME>`` read as ``<*>``).

    Examples
    --------
    >>> parsing_accuracy(["open <*>", "close <*>"], ["open <NUM>", "close file"])
    0.5
    """
    truth = [_normalised(t) for t in truth_templates]
    pred = [_normalised(t) for t in predicted_templates]
    if not truth or len(truth) != len(pred):
        msg = f"parsing accuracy needs as many predicted templates as true ones (>0); got {len(truth)} and {len(pred)}."
        raise AnomalyError(msg)
    return sum(a == b for a, b in zip(truth, pred, strict=True)) / len(truth)
