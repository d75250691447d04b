"""The catalogue: 14 factors and 143 indicators with their flags; loading other wording."""

import yaml
from typer.testing import CliRunner

from forewarn.assess import catalog
from forewarn.assess.catalog import CatalogError, base_framework, load_framework
from forewarn.cli import app

runner = CliRunner()


def test_packaged_catalogue_is_complete_and_flagged():
    fw = base_framework()
    assert [f.id for f in fw.factors] == [f"RF{n}" for n in range(1, 15)]
    assert len(fw.indicator_ids()) == 143
    assert fw.indicator("RF9.3").confirmed and fw.indicator("RF9.3").confidence is None
    assert fw.indicator("RF14.1").confidence == "low"
    assert "paraphrase" in fw.meta["paraphrase_notice"]
    assert [f.id for f in fw.view("crimes_against_humanity")] == [
        *(f"RF{n}" for n in range(1, 9)), "RF11", "RF12"]


def official(**changes) -> dict:
    """An override file in the catalogue's own shape, every factor and indicator present."""
    data = {"meta": {"source": "test official text"}, "risk_factors": [
        {"id": f.id, "title": f"Official {f.id}",
         "indicators": [{"id": i.id, "text": f"Official wording of {i.id}"}
                        for i in f.indicators]} for f in base_framework().factors]}
    for key, value in changes.items():
        value(data) if callable(value) else data.__setitem__(key, value)
    return data


def write(tmp_path, data, name="official.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_load_replaces_wording_and_reset_restores(tmp_path):
    data_dir = tmp_path / "data"
    warnings = catalog.load_override_file(write(tmp_path, official()), data_dir)
    assert warnings == []
    fw = load_framework(data_dir)
    assert fw.indicator("RF1.1").text == "Official wording of RF1.1"
    assert fw.indicator("RF1.1").wording == "override" and fw.factor("RF9").title == "Official RF9"
    assert fw.override["source"] == "test official text"
    assert fw.indicator("RF14.1").confidence == "low"  # flags survive new wording
    assert catalog.reset_override(data_dir)
    assert load_framework(data_dir).indicator("RF1.1").wording == "paraphrase"


def drop_factor(data):
    data["risk_factors"] = [f for f in data["risk_factors"] if f["id"] != "RF12"]


def unknown_indicator(data):
    data["risk_factors"][0]["indicators"].append({"id": "RF1.99", "text": "x"})


def misplaced(data):
    data["risk_factors"][0]["indicators"].append({"id": "RF2.1", "text": "x"})


def empty_text(data):
    data["risk_factors"][3]["indicators"][0]["text"] = " "


def test_bad_files_are_refused_with_every_reason_and_change_nothing(tmp_path):
    data_dir = tmp_path / "data"
    catalog.load_override_file(write(tmp_path, official()), data_dir)
    before = catalog.override_path(data_dir).read_text()
    cases = {"missing risk factors: RF12": drop_factor, "RF1.99": unknown_indicator,
             "belongs to RF2": misplaced,
             "indicator 'RF4.1', field 'text': must be non-empty text": empty_text}
    for expected, change in cases.items():
        bad = official(x=change)
        try:
            catalog.load_override_file(write(tmp_path, bad, "bad.yaml"), data_dir)
        except CatalogError as exc:
            assert expected in str(exc), (expected, exc.problems)
        else:
            raise AssertionError(f"accepted a file with {expected}")
        assert catalog.override_path(data_dir).read_text() == before


def test_partial_file_warns_about_indicators_left_out(tmp_path):
    def keep_one(data):
        for f in data["risk_factors"]:
            f["indicators"] = f["indicators"][:1]

    warnings = catalog.load_override_file(write(tmp_path, official(x=keep_one)), tmp_path / "d")
    assert warnings and "RF1.2" in warnings[0]


def test_cli_catalog_load_and_assess_alias(tmp_path, monkeypatch):
    from forewarn.settings import get_settings

    monkeypatch.setenv("FOREWARN_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        bad = write(tmp_path, official(x=drop_factor), "bad.yaml")
        r = runner.invoke(app, ["catalog", "load", str(bad)])
        assert r.exit_code == 2 and "missing risk factors: RF12" in r.output
        assert "nothing changed" in r.output
        assert not catalog.override_path(tmp_path / "data").exists()
        good = write(tmp_path, official())
        r = runner.invoke(app, ["assess", "catalog-load", str(good)])
        assert r.exit_code == 0, r.output
        assert load_framework(tmp_path / "data").indicator("RF9.3").wording == "override"
        assert runner.invoke(app, ["catalog", "reset"]).exit_code == 0
        assert not catalog.override_path(tmp_path / "data").exists()
    finally:
        get_settings.cache_clear()
