"""indicator_suggestions.yaml is validated with pydantic: every fault of every rule is reported
at once, naming the file, the rule and the field."""

from __future__ import annotations

import pytest

from forewarn.assess import suggest
from forewarn.assess.catalog import load_framework
from forewarn.data.errors import CatalogError


def test_shipped_rules_load():
    framework = load_framework(None)
    _, rules = suggest.load_rules(framework)
    assert len(rules) >= 10 and all(framework.has(i) for r in rules for i in r.indicators)


def test_every_fault_is_named():
    bad = {"rules": [
        {"id": "a", "indicators": ["RF1.1"], "source": "ucdp", "field": "x",
         "present_at": "high"},
        {"id": "b", "indicators": ["RF1.1"], "source": "ucdp", "field": "x", "present_at": 1,
         "measure": "huge", "tresh": 2},
        {"id": "c", "indicators": ["RF99.9"], "source": "ucdp", "field": "x", "present_at": 1},
    ]}
    with pytest.raises(CatalogError) as err:
        suggest.parse_rules(bad, load_framework(None), "rules.yaml")
    text = str(err.value)
    assert text.startswith("rules.yaml")
    assert "rule #1 (a), field 'present_at': must be a number (got 'high')" in text
    assert "rule #2 (b), field 'measure': input should be 'level' or 'increase'" in text
    assert "rule #2 (b), field 'tresh': unknown key" in text
    assert "rule #3 (c): unknown indicators ['RF99.9']" in text
    assert len(err.value.problems) == 4
