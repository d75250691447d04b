"""The Framework catalogue, an override file and the suggestion rules are validated through
forewarn.catalog.validation: the shipped files load, and a broken one is refused with a
CatalogError naming the file, the entry and the field."""

import copy
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml

from forewarn.assess import catalog, suggest
from forewarn.data.errors import CatalogError


def _shipped(name):
    return yaml.safe_load((resources.files("forewarn.catalog") / name).read_text("utf-8"))


def test_the_shipped_framework_and_suggestion_rules_validate():
    fw = catalog.parse_catalogue(_shipped("framework_of_analysis.yaml"), "f.yaml")
    assert len(fw.indicator_ids()) == 143
    _, rules = suggest.parse_rules(_shipped("indicator_suggestions.yaml"), fw, "s.yaml")
    assert rules


def _factor(data, n=0):
    return data["risk_factors"][n]


@pytest.mark.parametrize("change,where,message", [
    (lambda d: _factor(d).pop("title"), "risk factor 'RF1', field 'title'", "required, missing"),
    (lambda d: _factor(d).update(title_confirmed="yes"), "risk factor 'RF1', field "
     "'title_confirmed'", "valid boolean"),
    (lambda d: _factor(d).update(colour="red"), "risk factor 'RF1', field 'colour'",
     "unknown key"),
    (lambda d: _factor(d).update(id="RF15"), "risk factor 'RF15', field 'id'", "'RF1', 'RF2'"),
    (lambda d: _factor(d).update(indicator_count=99), "risk factor 'RF1', field 'indicator_count'",
     "is 99, but 11 indicators"),
    (lambda d: _factor(d)["indicators"][0].update(confirmed=False, confidence=None),
     "indicator 'RF1.1', field 'confidence'", "unconfirmed indicators need confidence"),
    (lambda d: _factor(d)["indicators"][0].update(confidence="certain"),
     "indicator 'RF1.1', field 'confidence'", "'low', 'medium' or 'high'"),
    (lambda d: _factor(d, 1).update(id="RF1"), "RF1: listed twice", ""),          # duplicate
    (lambda d: (_factor(d)["indicators"].append(dict(_factor(d, 1)["indicators"][0])),
                _factor(d).pop("indicator_count")), "does not belong to RF1", ""),  # dangling
])
def test_a_broken_framework_is_refused_naming_file_entry_and_field(change, where, message):
    data = copy.deepcopy(_shipped("framework_of_analysis.yaml"))
    change(data)
    with pytest.raises(CatalogError) as err:
        catalog.parse_catalogue(data, "framework_of_analysis.yaml")
    text = str(err.value)
    assert text.startswith("framework_of_analysis.yaml: ") and where in text \
        and message in text, text


def test_an_override_copied_from_the_packaged_file_loads_and_a_typo_is_named(tmp_path):
    """An administrator may start from a copy of the packaged file: keys an override does
    not use are ignored, but a malformed one is named with its entry and field."""
    base = catalog.base_framework()
    data = copy.deepcopy(_shipped("framework_of_analysis.yaml"))
    override, warnings = catalog.validate_override(base, data, "copy.yaml")
    assert len(override["indicators"]) == 143 and warnings == []
    _factor(data)["indicators"][0]["confirmed"] = "maybe"
    with pytest.raises(CatalogError, match=r"^copy.yaml: risk factor 'RF1', indicator "
                                           r"'RF1.1', field 'confirmed': input should be a "
                                           r"valid boolean"):
        catalog.validate_override(base, data, "copy.yaml")


@pytest.mark.parametrize("change,message", [
    (lambda r: r[0].pop("source"), "field 'source': required, missing"),
    (lambda r: r[0].update(indicators="RF1.1"), "field 'indicators': input should be a "
     "valid list"),
    (lambda r: r.append(dict(r[0])), "field 'id': listed twice"),
])
def test_a_broken_suggestion_rule_is_refused(change, message):
    data = copy.deepcopy(_shipped("indicator_suggestions.yaml"))
    change(data["rules"])
    with pytest.raises(CatalogError) as err:
        suggest.parse_rules(data, catalog.base_framework(), "indicator_suggestions.yaml")
    assert message in str(err.value) and str(err.value).startswith(
        "indicator_suggestions.yaml: rule #"), str(err.value)


def test_profile_rule_names_every_crime_view_and_a_bad_minimum_is_refused():
    from forewarn.assess.catalog_shapes import CRIME_VIEW_NAMES, ProfileRuleIn
    from forewarn.assess.profile import minimum_coverage
    from forewarn.catalog.validation import validate

    assert set(CRIME_VIEW_NAMES) == set(catalog.CRIME_VIEWS) == set(minimum_coverage())
    data = yaml.safe_load((resources.files("forewarn.assess") / "profile_rule.yaml")
                          .read_text("utf-8"))
    data["minimum_coverage"]["genocide"]["required"].append("RF99")
    with pytest.raises(CatalogError, match=r"^profile_rule.yaml: top level, field "
                                           r"'minimum_coverage.genocide.required\[2\]'"):
        validate(ProfileRuleIn, data, "profile_rule.yaml")


def test_the_catalogue_shapes_leave_the_ratings_api_schema_as_it_was(tmp_path):
    # typing caches equal Literals whatever their order: loaded first, the catalogue's
    # confidence Literal once reordered the enum of the ratings API's published schema.
    # A fresh process imports in the app's order (this one's order depends on the tests run).
    code = ("import sys\n"
            "from forewarn.settings import Settings\n"
            "from forewarn.web.app import create_app\n"
            "from forewarn.assess.ratings import CONFIDENCES\n"
            "app = create_app(Settings(data_dir=sys.argv[1], "
            "database_url='sqlite:///' + sys.argv[1] + '/f.db'))\n"
            "rating = app.openapi()['components']['schemas']['Rating']\n"
            "enum = rating['properties']['confidence']['anyOf'][0]['enum']\n"
            "assert tuple(enum) == CONFIDENCES, enum\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
