"""forewarn.catalog.validation: a pydantic ValidationError becomes the one CatalogError naming
the file, the entry (by id, else position) and the field, with what was expected; and the
project's own list of sources (data/sources.yaml) validates."""

from pathlib import Path
from typing import Literal

import pytest
import yaml
from pydantic import StrictBool, StrictInt, model_validator

from forewarn.catalog.validation import Shape, Text, Texts, fail, validate
from forewarn.data import errors
from forewarn.data import sources as src
from forewarn.data.errors import CatalogError, DataError


class Path_(Shape):
    veto: StrictBool


class Item(Shape):
    id: Text
    basis: Texts
    pillar: StrictInt
    paths: list[Path_] = []
    kind: Literal["a", "b"] = "a"


class Top(Shape):
    items: list[Item]


LABELS = {"items": "tool", "paths": "authorisation path"}


def _error(data) -> CatalogError:
    with pytest.raises(CatalogError) as err:
        validate(Top, data, "tools.yaml", labels=LABELS)
    return err.value


def _item(**change):
    return {"id": "x", "basis": ["UN Charter"], "pillar": 1, **change}


def test_there_is_one_catalog_error_and_it_is_a_data_error():
    assert issubclass(CatalogError, DataError) and issubclass(CatalogError, ValueError)
    assert [n for n in vars(errors) if n.endswith("CatalogError")] == ["CatalogError"]


@pytest.mark.parametrize("change,where,what", [
    ({"pillar": None}, "tool 'x', field 'pillar'", "valid integer"),          # wrong type
    ({"pillar": "2"}, "tool 'x', field 'pillar'", "valid integer"),           # no coercion
    ({"basis": []}, "tool 'x', field 'basis'", "at least 1 item"),
    ({"basis": [" "]}, "tool 'x', field 'basis[0]'", "must be non-empty text"),
    ({"kind": "c"}, "tool 'x', field 'kind'", "'a' or 'b' (got 'c')"),
    ({"colour": "red"}, "tool 'x', field 'colour'", "unknown key"),           # typo'd key
    ({"paths": [{"veto": "no"}]}, "tool 'x', authorisation path #1, field 'veto'", "boolean"),
])
def test_a_fault_names_file_entry_and_field(change, where, what):
    err = _error({"items": [_item(), _item(id="x", **change)]})
    text = str(err)
    assert text.startswith("tools.yaml: ") and where in text and what in text, text


def test_a_missing_field_is_named_and_an_entry_without_id_by_position():
    item = _item()
    del item["id"]
    err = _error({"items": [_item(id="a"), item]})
    assert "tool #2, field 'id': required, missing" in str(err)
    assert (err.file, err.entry, err.field) == ("tools.yaml", "tool #2", "id")


def test_every_fault_is_reported_at_once():
    err = _error({"items": [_item(pillar="x"), _item(id="y", basis=[])], "extra": 1})
    assert len(err.problems) == 3
    assert "top level, field 'extra': unknown key" in str(err)


def test_context_names_the_entry_and_fail_raises_the_same_error():
    with pytest.raises(CatalogError, match=r"^r.yaml: rule #3 \(q\), field 'pillar'"):
        validate(Item, _item(pillar=1.5), "r.yaml", context="rule #3 (q)")
    with pytest.raises(CatalogError, match="^r.yaml: tool 'x', field 'id': duplicate id$"):
        fail("r.yaml", "tool 'x'", "id", "duplicate id")


def test_the_shipped_source_list_validates():
    assert len(src.load_sources()) > 50


def _sources(monkeypatch, change):
    data = yaml.safe_load(Path(src.__file__).with_name("sources.yaml").read_text("utf-8"))
    change(data["sources"])
    text = yaml.safe_dump(data)

    class Files:
        def joinpath(self, name):
            return self

        def read_text(self, encoding):
            return text

    monkeypatch.setattr(src.resources, "files", lambda pkg: Files())


@pytest.mark.parametrize("change,message", [
    (lambda s: s[0].update(sha256="abc"), "field 'sha256': string should match pattern"),
    (lambda s: s[0].update(size="big"), "field 'size': input should be a valid integer"),
    (lambda s: s[0].pop("licence"), "field 'licence': required, missing"),
    (lambda s: s[0].update(mirror="x"), "field 'mirror': unknown key"),
    (lambda s: s.append(dict(s[0])), "field 'file': listed twice"),
])
def test_a_broken_source_list_is_refused(monkeypatch, change, message):
    _sources(monkeypatch, change)
    with pytest.raises(CatalogError) as err:
        src.load_sources()
    text = str(err.value)
    assert text.startswith("sources.yaml: source '") and message in text, text


class Term(Shape):
    start: StrictInt
    end: StrictInt

    @model_validator(mode="after")
    def _two_years(self):
        if self.end != self.start + 1:
            raise ValueError("end: a term is two calendar years")
        return self


def test_a_check_across_fields_names_the_field_it_blames():
    with pytest.raises(CatalogError) as err:
        validate(Term, {"start": 2024, "end": 2030}, "terms.yaml", context="term #1")
    assert str(err.value) == "terms.yaml: term #1, field 'end': a term is two calendar years"
    assert err.value.field == "end"


def test_forecast_and_monitor_catalogues_validate_and_a_broken_entry_is_named():
    from forewarn.forecast.catalog_shapes import PredictorRiskFactorsIn
    from forewarn.forecast.explain import RISK_FACTOR_FILE, risk_factors
    from forewarn.monitor import catalog_shapes as monitor

    assert len(risk_factors()) > 50
    assert monitor.risk_factor_cues()["indicators"] and monitor.cameo_signal_file()["signals"]
    assert len(monitor.country_terms()) > 100
    assert len(monitor.starter_alert_rules()["rules"]) >= 4
    rule = {"name": "x", "signal": "incitement", "mode": "spike", "threshold": 0.01,
            "min_count": 3, "indicators": ["RF10"]}
    with pytest.raises(CatalogError, match=r"^monitor_alert_rules.yaml: rules #1, field "
                                           r"'indicators\[0\]'.*\(got 'RF10'\)"):
        validate(monitor.StarterRulesIn, {"rules": [rule]}, monitor.ALERT_RULES)
    bad = {**risk_factors(), "x": {"label": "X", "file": "ewp", "risk_factor": "RF2",
                                   "indicator": "RF3.1"}}
    with pytest.raises(CatalogError, match=r"^predictor_risk_factors.yaml: top level, field "
                                           r"'x.indicator': RF3.1 is not an indicator of RF2"):
        validate(PredictorRiskFactorsIn, bad, RISK_FACTOR_FILE)
    signals = {"signals": {"threats": {"codes": [13], "risk_factors": ["RF8"],
                                       "description": "Threats"}}}
    with pytest.raises(CatalogError, match=r"field 'signals.threats.codes\[0\]': input should "
                                           r"be a valid string \(got 13\)"):
        validate(monitor.CameoSignalsIn, signals, monitor.CAMEO)
