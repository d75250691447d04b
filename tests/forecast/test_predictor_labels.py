"""One predictor catalogue (forewarn/catalog/predictor_risk_factors.yaml): every predictor of
the model has exactly one entry and one label, and no second label file exists."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from forewarn.data import readers
from forewarn.forecast import explain, features
from forewarn.web import country_page

ROOT = Path(__file__).resolve().parents[2]


class _StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key written twice (safe_load keeps the last silently)."""


def _no_duplicates(loader, node, deep=False):
    keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        raise yaml.constructor.ConstructorError(None, None, f"duplicate keys {dup}",
                                                node.start_mark)
    return loader.construct_mapping(node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def _catalogue() -> dict:
    text = resources.files("forewarn.catalog").joinpath(explain.RISK_FACTOR_FILE).read_text()
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass


def test_each_entry_has_one_label_and_a_known_source():
    entries = _catalogue()
    sources = set(country_page.SOURCE_FILES)
    for name, info in entries.items():
        assert isinstance(info.get("label"), str) and info["label"].strip(), name
        assert info.get("file") in sources, (name, info.get("file"))
    labels = [info["label"] for info in entries.values()]
    assert len(set(labels)) == len(labels), "two predictors share a label"


def test_the_web_reads_the_same_catalogue():
    assert country_page.predictor_info() is explain.risk_factors()
    assert not (ROOT / "forewarn" / "web" / "predictors.yaml").exists()


@pytest.mark.realdata
def test_every_predictor_of_the_model_has_exactly_one_label(panel, raw_dir):
    entries = _catalogue()
    model = features.feature_columns(panel, neighbours=True, conflicts=True)
    ewp = readers.ewp_predictor_names(raw_dir / readers.EWP_PREDICTORS)
    missing = [c for c in dict.fromkeys(model + ewp) if c not in entries]
    assert not missing, f"predictors without a label: {missing}"


@pytest.mark.realdata
def test_party_ban_and_women_labels_match_the_data(raw_dir):
    """The V-Dem binaries' labels say which way they point: a one-party state has party
    bans, Norway none; women are kept out of civil society in Afghanistan, not in Norway."""
    frame = readers.read_ewp_predictors(raw_dir / readers.EWP_PREDICTORS)
    latest = frame[frame["year"] == frame["year"].max()].set_index("iso3")
    labels = {k: v["label"] for k, v in _catalogue().items()}
    assert latest.loc["PRK", "partyban.new.0"] == 1 and latest.loc["NOR", "partyban.new.2"] == 1
    assert "all but the ruling party" in labels["partyban.new.0"]
    assert labels["partyban.new.2"].startswith("No political party banned")
    assert latest.loc["AFG", "v2csgender_binary"] == 1
    assert latest.loc["NOR", "v2csgender_binary"] == 0
    assert "prevented" in labels["v2csgender_binary"]
