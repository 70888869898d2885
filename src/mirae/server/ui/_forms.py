"""A workbench form for every use case, read from its spec: one rule for the CLI, the API and the page.

The fields of a form are the fields of the use case's spec
(:data:`mirae.service.SPECS`): their types, choices and defaults come from
the spec's JSON schema, their labels from the one catalogue (``field_<name>``).
What a person types is handed, as text, to the same ``Spec.parse`` the
command line uses, and the job manager checks it again before anything runs,
so a form never accepts what ``mirae <command>`` would refuse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FORM_KINDS", "FormField", "form_fields", "spec_fields"]

#: The use cases the workbench runs as jobs, and the fields shown before "more settings".
FORM_KINDS: dict[str, tuple[str, ...]] = {
    "train": ("table", "target", "time_budget", "task", "positive", "time", "model_name"),
    "evaluate": ("model", "table", "target"),
    "predict": ("model", "table", "into"),
    "forecast": ("table", "id", "time", "target", "h", "hierarchy", "exog", "into", "fill"),
    "simulate": ("table", "id", "time", "target", "price", "unit_cost", "h", "discounts", "prices", "into"),
    "segment": ("table", "rfm", "features", "method", "k", "into"),
    "detect": ("table", "time", "value", "by", "into"),
    "detect-logs": ("source", "into", "format", "window"),
    "recommend": ("table", "user", "item", "rating", "time", "k", "diversity", "into"),
}
#: Fields the workbench sets itself: the page's language, the report's path, write mode of a job.
_SET_BY_PAGE = frozenset({"lang", "html", "checks"})
#: Fields naming a workspace table (a drop-down of the tables).
_TABLE_FIELDS = frozenset({"table", "future", "events"})
#: Fields naming columns of the chosen table (suggested as the person types).
_COLUMN_FIELDS = frozenset(
    {
        "target", "time", "id", "group", "segment_by", "price", "promo", "item", "user", "rating",
        "value", "by", "label", "invoice", "features", "exog", "hierarchy", "rfm", "positive",
    }
)  # fmt: skip


@dataclass
class FormField:
    """One input of a form: what it is called, what it takes, what it holds now."""

    name: str
    kind: str  # text, number, integer, choice, yesno, table, column, model
    required: bool
    default: Any
    choices: list[str] = field(default_factory=list)
    description: str = ""
    multiple: bool = False
    primary: bool = False
    value: str = ""

    @property
    def placeholder(self) -> str:
        """The default as a person would type it."""
        return _as_text(self.default)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _types(prop: dict[str, Any]) -> tuple[set[str], list[str]]:
    options = prop.get("anyOf") or [prop]
    types = {str(o.get("type")) for o in options if o.get("type")}
    choices = [str(c) for o in options for c in o.get("enum", [])]
    if "const" in prop:
        choices.append(str(prop["const"]))
    return types - {"null"}, choices


def form_fields(kind: str, values: dict[str, str] | None = None) -> list[FormField]:
    """The inputs of the form of use case ``kind``, filled with ``values`` (as typed).

    Examples
    --------
    >>> fields = {f.name: f for f in form_fields("forecast")}
    >>> fields["table"].kind, fields["h"].kind, fields["h"].required, fields["reconcile"].kind
    ('table', 'integer', True, 'choice')
    >>> fields["exog"].kind, fields["exog"].multiple, "lang" in fields
    ('column', True, False)
    """
    from mirae.service import SPECS

    spec = SPECS[kind]
    schema = spec.json_schema()
    required = set(schema.get("required", []))
    primary = FORM_KINDS.get(kind, ())
    out = []
    for name, prop in schema["properties"].items():
        if name in _SET_BY_PAGE:
            continue
        types, choices = _types(prop)
        multiple = "array" in types
        if name in _TABLE_FIELDS:
            widget = "table"
        elif name == "model":
            widget = "model"
        elif name in _COLUMN_FIELDS:
            widget = "column"
        elif choices and not types - {"string"}:
            widget = "choice"
        elif types == {"boolean"}:
            widget = "yesno"
        elif types == {"integer"}:
            widget = "integer"
        elif types <= {"number", "integer"} and types:
            widget = "number"
        else:
            widget = "text"
        out.append(
            FormField(
                name=name,
                kind=widget,
                required=name in required,
                default=prop.get("default"),
                choices=choices,
                description=str(prop.get("description", "")),
                multiple=multiple,
                primary=name in primary or name in required,
                value=(values or {}).get(name, ""),
            )
        )
    out.sort(key=lambda f: (not f.primary, primary.index(f.name) if f.name in primary else 99))
    return out


def spec_fields(kind: str, form: dict[str, str], *, lang: str, report: str | None) -> dict[str, Any]:
    """The spec fields of a submitted form: empty inputs left to the spec's defaults.

    Text stays text for the spec to parse as the command line's would
    (``"80,95"``, ``"group/product/item"``, ``"true"``); a JSON object typed into
    a field of settings by name is read as JSON. The page's language is the
    report's, and ``report`` is where an HTML report goes when the use case
    writes one.

    Examples
    --------
    >>> spec_fields("forecast", {"table": "sales", "h": "8", "exog": "", "csrf": "x"}, lang="en", report=None)
    {'table': 'sales', 'h': '8', 'lang': 'en'}
    """
    from mirae.service import SPECS

    properties = SPECS[kind].json_schema()["properties"]
    fields: dict[str, Any] = {}
    for name, raw in form.items():
        if name not in properties or name in _SET_BY_PAGE:
            continue
        value = str(raw).strip()
        if not value:
            continue
        types, _ = _types(properties[name])
        if types == {"object"} and value.startswith("{"):
            try:
                fields[name] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        fields[name] = value
    if "lang" in properties:
        fields["lang"] = lang
    if report is not None and "html" in properties:
        fields["html"] = report
    return fields
