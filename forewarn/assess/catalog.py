"""The Framework of Analysis catalogue: 14 risk factors, their indicators, and wording overrides.

The packaged file `forewarn/catalog/framework_of_analysis.yaml` is a *paraphrase* of the UN
Framework of Analysis for Atrocity Crimes (2014). Each indicator keeps its `confirmed` /
`confidence` flag so users can see how far to trust it. An administrator can load other wording
(e.g. the official text) over it, keyed by the same ids, with `forewarn catalog load FILE`; the
validated overrides are kept in `<data dir>/catalog/framework_of_analysis.override.yaml` and
merged on load. A bad override file changes nothing.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import yaml

from forewarn.assess.catalog_shapes import (
    FACTOR_IDS,
    LABELS,
    FrameworkIn,
    OverrideIn,
)
from forewarn.catalog.validation import validate
from forewarn.data.errors import CatalogError

COMMON = FACTOR_IDS[:8]
# Crime-specific views: RF1-8 are common to all atrocity crimes, the rest specific to one crime.
CRIME_VIEWS: dict[str, tuple[str, tuple[str, ...]]] = {
    "all": ("All atrocity crimes", FACTOR_IDS),
    "genocide": ("Genocide", COMMON + ("RF9", "RF10")),
    "crimes_against_humanity": ("Crimes against humanity", COMMON + ("RF11", "RF12")),
    "war_crimes": ("War crimes", COMMON + ("RF13", "RF14")),
}
OVERRIDE_NAME = "framework_of_analysis.override.yaml"


@dataclass(frozen=True)
class Indicator:
    id: str
    factor_id: str
    number: str
    text: str
    confirmed: bool
    confidence: str | None
    note: str = ""
    wording: str = "paraphrase"  # or "override" once an administrator loaded other wording


@dataclass(frozen=True)
class RiskFactor:
    id: str
    number: int
    title: str
    summary: str
    scope: str
    category: str
    title_confirmed: bool
    summary_confirmed: bool
    count_note: str
    indicators: tuple[Indicator, ...]
    wording: str = "paraphrase"


@dataclass(frozen=True)
class Framework:
    meta: dict
    factors: tuple[RiskFactor, ...]
    override: dict | None = None  # provenance of loaded wording, when any
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._index.update({f.id: f for f in self.factors})
        self._index.update({i.id: i for f in self.factors for i in f.indicators})

    def factor(self, factor_id: str) -> RiskFactor:
        return self._index[factor_id]

    def indicator(self, indicator_id: str) -> Indicator:
        return self._index[indicator_id]

    def has(self, item_id: str) -> bool:
        return item_id in self._index

    def indicator_ids(self) -> list[str]:
        return [i.id for f in self.factors for i in f.indicators]

    def order(self) -> dict[str, int]:
        """Catalogue position of every indicator id (for stable sorting)."""
        return {iid: n for n, iid in enumerate(self.indicator_ids())}

    def view(self, name: str) -> list[RiskFactor]:
        return [self.factor(fid) for fid in CRIME_VIEWS[name][1]]

    def to_dict(self) -> dict:
        return {
            "meta": self.meta,
            "override": self.override,
            "crime_views": {k: {"label": v[0], "factors": list(v[1])}
                            for k, v in CRIME_VIEWS.items()},
            "risk_factors": [
                {"id": f.id, "number": f.number, "title": f.title, "summary": f.summary,
                 "scope": f.scope, "category": f.category, "title_confirmed": f.title_confirmed,
                 "summary_confirmed": f.summary_confirmed, "count_note": f.count_note,
                 "wording": f.wording,
                 "indicators": [{"id": i.id, "number": i.number, "text": i.text,
                                 "confirmed": i.confirmed, "confidence": i.confidence,
                                 "note": i.note, "wording": i.wording} for i in f.indicators]}
                for f in self.factors],
        }


def _missing(seen: set[str]) -> list[str]:
    missing = [f for f in FACTOR_IDS if f not in seen]
    return [f"missing risk factors: {', '.join(missing)}"] if missing else []


def parse_catalogue(data, source: str = "catalogue") -> Framework:
    """Validate the full catalogue structure; raise CatalogError listing every problem."""
    shape = validate(FrameworkIn, data, source, labels=LABELS)
    problems: list[str] = []
    factors, seen = [], set()
    for raw in shape.risk_factors:   # ids across entries: each once, each under its factor
        if raw.id in seen:
            problems.append(f"{raw.id}: listed twice")
            continue
        seen.add(raw.id)
        indicators = []
        for k, ind in enumerate(raw.indicators, start=1):
            if ind.id.split(".")[0] != raw.id:
                problems.append(f"{raw.id} indicator #{k}: id {ind.id!r} does not belong to "
                                f"{raw.id}")
                continue
            if ind.id in seen:
                problems.append(f"{ind.id}: listed twice")
                continue
            seen.add(ind.id)
            indicators.append(Indicator(
                id=ind.id, factor_id=raw.id, number=str(ind.number or ind.id[2:]),
                text=ind.text.strip(), confirmed=ind.confirmed,
                confidence=None if ind.confirmed else ind.confidence, note=ind.note))
        factors.append(RiskFactor(
            id=raw.id, number=int(raw.id[2:]), title=raw.title.strip(), summary=raw.summary,
            scope=raw.scope, category=raw.category, title_confirmed=raw.title_confirmed,
            summary_confirmed=raw.summary_confirmed, count_note=raw.count_note,
            indicators=tuple(indicators)))
    problems += _missing(seen)
    if problems:
        raise CatalogError(source, problems)
    factors.sort(key=lambda f: f.number)
    return Framework(meta=dict(shape.meta), factors=tuple(factors))


def validate_override(base: Framework, data, source: str = "override") -> tuple[dict, list[str]]:
    """Check an override file against BASE; return (normalised overrides, warnings).

    The file lists risk factors by id (all 14 must be present) with optional `title` and
    `summary`, and indicators by id with `text` (and optionally `confirmed`). Unknown ids,
    missing factors, empty text or an indicator under the wrong factor are errors; indicators
    the file leaves out keep their current wording and are returned as warnings.
    """
    shape = validate(OverrideIn, data, source, labels=LABELS)
    problems: list[str] = []
    factors, indicators, seen = {}, {}, set()
    for raw in shape.risk_factors:
        if raw.id in seen:
            problems.append(f"{raw.id}: listed twice")
            continue
        seen.add(raw.id)
        entry = {k: getattr(raw, k).strip() for k in ("title", "summary")
                 if getattr(raw, k) is not None}
        if entry:
            factors[raw.id] = entry
        for k, ind in enumerate(raw.indicators, start=1):
            if not base.has(ind.id):
                problems.append(f"{raw.id} indicator #{k}: unknown id {ind.id!r}")
                continue
            if base.indicator(ind.id).factor_id != raw.id:
                problems.append(f"{ind.id}: listed under {raw.id}, belongs to "
                                f"{base.indicator(ind.id).factor_id}")
                continue
            if ind.id in seen:
                problems.append(f"{ind.id}: listed twice")
                continue
            seen.add(ind.id)
            item: dict = {"text": ind.text.strip()}
            if ind.confirmed is not None:
                item["confirmed"] = ind.confirmed
            indicators[ind.id] = item
    problems += _missing(seen)
    if problems:
        raise CatalogError(source, problems)
    left_out = [i for i in base.indicator_ids() if i not in indicators]
    warnings = [f"{len(left_out)} indicators not in the file keep their current wording: "
                + ", ".join(left_out)] if left_out else []
    return {"meta": dict(shape.meta), "factors": factors, "indicators": indicators}, warnings


def apply_override(base: Framework, override: dict) -> Framework:
    factors = []
    for f in base.factors:
        inds = []
        for i in f.indicators:
            o = override["indicators"].get(i.id)
            if o:
                confirmed = o.get("confirmed", i.confirmed)
                i = replace(i, text=o["text"], wording="override", confirmed=confirmed,
                            confidence=None if confirmed else i.confidence)
            inds.append(i)
        fo = override["factors"].get(f.id, {})
        factors.append(replace(f, indicators=tuple(inds),
                               title=fo.get("title", f.title), summary=fo.get("summary", f.summary),
                               wording="override" if fo else f.wording))
    return Framework(meta=base.meta, factors=tuple(factors),
                     override={**override["meta"], **override.get("loaded", {})})


def read_yaml(path: Path):
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(str(path), [f"cannot read YAML: {exc}"]) from None


def base_framework() -> Framework:
    src = resources.files("forewarn.catalog") / "framework_of_analysis.yaml"
    return parse_catalogue(yaml.safe_load(src.read_text(encoding="utf-8")), src.name)


def override_path(data_dir: Path) -> Path:
    return Path(data_dir) / "catalog" / OVERRIDE_NAME


_cache: dict[Path | None, tuple[float | None, Framework]] = {}


def load_framework(data_dir: Path | None = None) -> Framework:
    """The catalogue with any administrator overrides from DATA_DIR merged in (cached by mtime)."""
    path = override_path(data_dir) if data_dir else None
    mtime = path.stat().st_mtime if path and path.exists() else None
    hit = _cache.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    framework = base_framework()
    if mtime is not None:
        framework = apply_override(framework, read_yaml(path))
    _cache[path] = (mtime, framework)
    return framework


def load_override_file(file: Path, data_dir: Path, actor: str = "admin") -> list[str]:
    """Validate FILE against the packaged catalogue and store it as the override; return
    warnings. On any error raise CatalogError and leave the stored override as it was."""
    base = base_framework()
    override, warnings = validate_override(base, read_yaml(file), str(file))
    override["loaded"] = {"loaded_from": Path(file).name, "loaded_by": actor,
                          "loaded_at": datetime.now(UTC).isoformat(timespec="seconds")}
    target = override_path(data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename: readers never see a half-written file.
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        yaml.safe_dump(override, out, allow_unicode=True, sort_keys=False)
    os.replace(tmp, target)
    _cache.pop(target, None)
    return warnings


def reset_override(data_dir: Path) -> bool:
    """Remove loaded wording (back to the packaged paraphrase); True if there was any."""
    target = override_path(data_dir)
    _cache.pop(target, None)
    if target.exists():
        target.unlink()
        return True
    return False
