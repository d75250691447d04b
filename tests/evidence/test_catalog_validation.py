"""The evidence register's data files are validated through forewarn.catalog.validation: the
shipped files load, and a broken one is refused with a CatalogError naming the file, the entry
and the field."""

import copy
from importlib import resources

import pytest
import yaml

from forewarn.data.errors import CatalogError
from forewarn.evidence import catalog


def _shipped(package, name):
    return yaml.safe_load((resources.files(package) / name).read_text("utf-8"))


def test_the_shipped_files_validate():
    cat = catalog.parse_catalogue(_shipped("forewarn.catalog", "legal_elements.yaml"))
    vocab = catalog.vocabulary()
    assert catalog.check_rules(_shipped("forewarn.evidence", "legal_rules.yaml"), cat, vocab)
    assert len(cat.crimes) > 40 and vocab["harm_ids"]


def _genocide(d):
    return d["crimes"]["genocide"]


@pytest.mark.parametrize("change,where,message", [
    (lambda d: _genocide(d)["acts"][0].pop("label"), "act 'GC-II-a', field 'label'",
     "required, missing"),
    (lambda d: _genocide(d)["acts"][0].update(colour="red"), "act 'GC-II-a', field 'colour'",
     "unknown key"),
    (lambda d: d["crimes"]["war_crimes"]["categories"][0].update(conflict_type="civil"),
     "category 'RS-8-2-a', field 'conflict_type'", "'international' or 'non-international'"),
    (lambda d: _genocide(d)["sources"].clear(), "top level, field 'crimes.genocide.sources'",
     "at least 1 item"),
    (lambda d: _genocide(d)["acts"].append(dict(_genocide(d)["acts"][0])),
     "act 'GC-II-a', field 'id'", "duplicate crime id"),
    (lambda d: _genocide(d)["elements_examples"][0].update(crime_id="RS-99"),
     "elements example 'RS-99', field 'crime_id'", "not a crime in the file"),
])
def test_a_broken_legal_elements_file_is_refused(change, where, message):
    data = copy.deepcopy(_shipped("forewarn.catalog", "legal_elements.yaml"))
    change(data)
    with pytest.raises(CatalogError) as err:
        catalog.parse_catalogue(data)
    text = str(err.value)
    assert text.startswith("legal_elements.yaml: ") and where in text and message in text, text


@pytest.mark.parametrize("change,where,message", [
    (lambda r: r["crimes"][0].pop("reason"), "crime rule '", "field 'reason': required"),
    (lambda r: r["crimes"][0].update(harm="killing"), "crime rule '",
     "field 'harm': input should be a valid list"),
    (lambda r: r["families"]["genocide"].update(nexus=True), "field 'families.genocide.nexus'",
     "unknown key"),
    (lambda r: r["crimes"].append(dict(r["crimes"][0])), "crime rule '", "listed twice"),
    (lambda r: r["crimes"][0]["harm"].append("teleportation"), "crime rule '",
     "field 'harm': unknown harm type 'teleportation'"),
])
def test_a_broken_rules_file_is_refused(change, where, message):
    rules = copy.deepcopy(_shipped("forewarn.evidence", "legal_rules.yaml"))
    change(rules)
    with pytest.raises(CatalogError) as err:
        catalog.check_rules(rules, catalog.catalogue(), catalog.vocabulary())
    text = str(err.value)
    assert text.startswith("legal_rules.yaml: ") and where in text and message in text, text
