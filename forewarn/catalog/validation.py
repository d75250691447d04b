"""One way to validate a catalogue file: a pydantic model of its shape, and `validate`, which
turns pydantic's ValidationError into the project's one CatalogError naming the file, the entry
(its list and index, and its id when it has one) and the field, with what was expected.

The models live next to each file's loader (e.g. forewarn/respond/catalog_shapes.py); checks
across entries (ids unique, references that must resolve) stay small explicit checks after
`validate`, raising the same CatalogError through `fail`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from forewarn.data.errors import CatalogError

M = TypeVar("M", bound=BaseModel)


def _non_blank(v: str) -> str:
    if not v.strip():
        raise ValueError("must be non-empty text")
    return v


# Shared field types: text that is not blank, and a non-empty list of such text.
Text = Annotated[str, Field(strict=True), AfterValidator(_non_blank)]
Texts = Annotated[list[Text], Field(min_length=1)]


class Shape(BaseModel):
    """Base of a closed catalogue entry: unknown keys are refused, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class OpenShape(BaseModel):
    """Base of an entry whose extra keys are kept for callers that read them."""

    model_config = ConfigDict(extra="allow", frozen=True)


def _file(file: Path | str) -> str:
    return Path(file).name if isinstance(file, Path) else str(file)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def locate(data: Any, loc: tuple, labels: Mapping[str, str] | None = None,
           context: str = "") -> tuple[str, str | None]:
    """(entry, field) for pydantic's error location LOC in DATA: the entry is the innermost
    mapping in a list on the path, by its id, file or crime_id ("tool 'no_fly_zone'"), else by
    its position ("tool #4"); the field is the rest of the path ("authorisation.consent",
    "basis[0]")."""
    labels = labels or {}
    entries = [context] if context else []
    rest: list[str] = []
    node, key = data, None
    for part in loc:
        item = node[part] if isinstance(node, list | tuple) and isinstance(part, int) \
            and part < len(node) else node.get(part) if isinstance(node, dict) else None
        if isinstance(part, int) and isinstance(node, list) and isinstance(item, dict):
            name = labels.get(str(key), str(key) if key is not None else "entry")
            ident = next((item[k] for k in ("id", "file", "crime_id") if item.get(k)), None)
            entries.append(f"{name} '{ident}'" if ident not in (None, "") and
                           not isinstance(ident, dict | list) else f"{name} #{part + 1}")
            rest = []
        elif isinstance(part, int):
            rest.append(f"[{part}]")
        else:
            rest.append(str(part))
        node, key = item, part
    field = ".".join(rest).replace(".[", "[") or None
    return ", ".join(entries) or "top level", field


def _message(err: dict) -> str:
    kind, msg = err["type"], err["msg"]
    if kind == "missing":
        return "required, missing"
    if kind == "extra_forbidden":
        return f"unknown key (got {_short(err['input'])})"
    if kind == "value_error":   # our validators' own words, as written
        msg = msg.removeprefix("Value error, ")
    else:                       # pydantic's "Input should be ..." reads on after the field
        msg = f"{msg[0].lower()}{msg[1:]}"
    got = _short(err["input"])
    return msg if got in msg or isinstance(err["input"], dict) else f"{msg} (got {got})"


_NAMED = re.compile(r"^([a-z_][a-z_0-9]*): (.+)$", re.S)


def problems(exc: ValidationError, data: Any, labels: Mapping[str, str] | None = None,
             context: str = "") -> list[tuple[str, str | None, str]]:
    """(entry, field, message) for each error pydantic found."""
    out = []
    for err in exc.errors():
        entry, field = locate(data, tuple(err["loc"]), labels, context)
        message = _message(err)
        # A check across fields of one entry says which field it blames: "veto: only ...".
        named = _NAMED.match(message) if err["type"] == "value_error" else None
        if named:
            field = f"{field}.{named[1]}" if field else named[1]
            message = named[2]
        out.append((entry, field, message))
    return out


def fail(file: Path | str, entry: str | None, field: str | None, message: str):
    """Raise the CatalogError of one problem an explicit (cross-entry) check found."""
    raise CatalogError(_file(file), message, entry=entry, field=field)


def validate(model: type[M], data: Any, file: Path | str, context: str = "",
             labels: Mapping[str, str] | None = None) -> M:
    """DATA as MODEL, or a CatalogError naming FILE, the entry and the field of every problem.

    CONTEXT names the entry DATA is (e.g. "rule #3 (acled_fatalities)"); LABELS names the
    entries of a list key ("tools" → "tool"). A validator that checks several fields of one
    entry names the field it blames first in its message ("veto: only ...").
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        found = problems(exc, data, labels, context)
    lines = [", ".join(p for p in (entry, f"field '{field}'" if field else None) if p)
             + f": {message}" for entry, field, message in found]
    err = CatalogError(_file(file), lines)
    err.entry, err.field = found[0][0], found[0][1]
    raise err
