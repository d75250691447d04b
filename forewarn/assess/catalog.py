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
import re
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import yaml

from forewarn.data.errors import CatalogError

FACTOR_IDS = tuple(f"RF{n}" for n in range(1, 15))
COMMON = FACTOR_IDS[:8]
# Crime-specific views: RF1-8 are common to all atrocity crimes, the rest specific to one crime.
CRIME_VIEWS: dict[str, tuple[str, tuple[str, ...]]] = {
    "all": ("All atrocity crimes", FACTOR_IDS),
    "genocide": ("Genocide", COMMON + ("RF9", "RF10")),
    "crimes_against_humanity": ("Crimes against humanity", COMMON + ("RF11", "RF12")),
    "war_crimes": ("War crimes", COMMON + ("RF13", "RF14")),
}
CONFIDENCE = ("high", "medium", "low")
OVERRIDE_NAME = "framework_of_analysis.override.yaml"
_INDICATOR_ID = re.compile(r"^(RF\d{1,2})\.(\d{1,2})$")


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


def _text(value, where: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: text must be a non-empty string")
        return ""
    return value.strip()


def parse_catalogue(data, source: str = "catalogue") -> Framework:
    """Validate the full catalogue structure; raise CatalogError listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("risk_factors"), list):
        raise CatalogError(source, ["expected a mapping with a 'risk_factors' list"])
    factors, seen = [], set()
    for n, raw in enumerate(data["risk_factors"], start=1):
        fid = raw.get("id") if isinstance(raw, dict) else None
        if fid not in FACTOR_IDS:
            problems.append(f"risk factor #{n}: unknown id {fid!r} (expected RF1..RF14)")
            continue
        if fid in seen:
            problems.append(f"{fid}: listed twice")
            continue
        seen.add(fid)
        indicators = []
        for k, ind in enumerate(raw.get("indicators") or [], start=1):
            iid = ind.get("id") if isinstance(ind, dict) else None
            match = _INDICATOR_ID.match(str(iid))
            if not match or match.group(1) != fid:
                problems.append(f"{fid} indicator #{k}: id {iid!r} does not belong to {fid}")
                continue
            if iid in seen:
                problems.append(f"{iid}: listed twice")
                continue
            seen.add(iid)
            confirmed = ind.get("confirmed")
            confidence = ind.get("confidence")
            if not isinstance(confirmed, bool):
                problems.append(f"{iid}: 'confirmed' must be true or false")
            elif not confirmed and confidence not in CONFIDENCE:
                problems.append(f"{iid}: unconfirmed indicators need confidence high|medium|low")
            indicators.append(Indicator(
                id=iid, factor_id=fid, number=str(ind.get("number") or iid[2:]),
                text=_text(ind.get("text"), iid, problems), confirmed=bool(confirmed),
                confidence=None if confirmed else confidence, note=ind.get("note") or ""))
        if not indicators:
            problems.append(f"{fid}: no indicators")
        factors.append(RiskFactor(
            id=fid, number=int(fid[2:]), title=_text(raw.get("title"), fid, problems),
            summary=raw.get("summary") or "", scope=raw.get("scope") or "common",
            category=raw.get("category") or "common",
            title_confirmed=bool(raw.get("title_confirmed")),
            summary_confirmed=bool(raw.get("summary_confirmed")),
            count_note=raw.get("count_note") or "", indicators=tuple(indicators)))
    missing = [f for f in FACTOR_IDS if f not in seen]
    if missing:
        problems.append(f"missing risk factors: {', '.join(missing)}")
    if problems:
        raise CatalogError(source, problems)
    factors.sort(key=lambda f: f.number)
    return Framework(meta=data.get("meta") or {}, factors=tuple(factors))


def validate_override(base: Framework, data, source: str = "override") -> tuple[dict, list[str]]:
    """Check an override file against BASE; return (normalised overrides, warnings).

    The file lists risk factors by id (all 14 must be present) with optional `title` and
    `summary`, and indicators by id with `text` (and optionally `confirmed`). Unknown ids,
    missing factors, empty text or an indicator under the wrong factor are errors; indicators
    the file leaves out keep their current wording and are returned as warnings.
    """
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("risk_factors"), list):
        raise CatalogError(source, ["expected a mapping with a 'risk_factors' list"])
    factors, indicators, seen = {}, {}, set()
    for n, raw in enumerate(data["risk_factors"], start=1):
        fid = raw.get("id") if isinstance(raw, dict) else None
        if not base.has(str(fid)) or fid not in FACTOR_IDS:
            problems.append(f"risk factor #{n}: unknown id {fid!r}")
            continue
        if fid in seen:
            problems.append(f"{fid}: listed twice")
            continue
        seen.add(fid)
        entry = {k: _text(raw[k], f"{fid}.{k}", problems) for k in ("title", "summary")
                 if k in raw}
        if entry:
            factors[fid] = entry
        for k, ind in enumerate(raw.get("indicators") or [], start=1):
            iid = ind.get("id") if isinstance(ind, dict) else None
            if not base.has(str(iid)) or not _INDICATOR_ID.match(str(iid)):
                problems.append(f"{fid} indicator #{k}: unknown id {iid!r}")
                continue
            if base.indicator(iid).factor_id != fid:
                problems.append(f"{iid}: listed under {fid}, belongs to "
                                f"{base.indicator(iid).factor_id}")
                continue
            if iid in seen:
                problems.append(f"{iid}: listed twice")
                continue
            seen.add(iid)
            item = {"text": _text(ind.get("text"), iid, problems)}
            if "confirmed" in ind:
                if not isinstance(ind["confirmed"], bool):
                    problems.append(f"{iid}: 'confirmed' must be true or false")
                item["confirmed"] = bool(ind["confirmed"])
            indicators[iid] = item
    missing = [f for f in FACTOR_IDS if f not in seen]
    if missing:
        problems.append(f"missing risk factors: {', '.join(missing)}")
    if problems:
        raise CatalogError(source, problems)
    left_out = [i for i in base.indicator_ids() if i not in indicators]
    warnings = [f"{len(left_out)} indicators not in the file keep their current wording: "
                + ", ".join(left_out)] if left_out else []
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    return {"meta": meta, "factors": factors, "indicators": indicators}, warnings


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
