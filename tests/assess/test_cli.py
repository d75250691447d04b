"""`forewarn assess …` over the real data: export → import changes nothing; suggestions;
consistency; the demonstration seed is idempotent."""

import pytest
from typer.testing import CliRunner

from forewarn.cli import app

pytestmark = pytest.mark.realdata
runner = CliRunner()


@pytest.fixture
def env(web_settings, monkeypatch):
    from forewarn.settings import get_settings

    monkeypatch.setenv("FOREWARN_DATA_DIR", str(web_settings.data_dir))
    monkeypatch.setenv("FOREWARN_DATABASE_URL", web_settings.database_url)
    get_settings.cache_clear()
    yield web_settings
    get_settings.cache_clear()


def test_cli_round_trip_suggest_consistency_and_seed(env, tmp_path):
    out = tmp_path / "assessments.yaml"
    r = runner.invoke(app, ["assess", "export", "--format", "yaml", "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert "iso3: MMR" in text and "A/HRC/39/64" in text
    r = runner.invoke(app, ["assess", "import", str(out)])
    assert r.exit_code == 0 and " 0 created" in r.output, r.output
    r = runner.invoke(app, ["assess", "export", "--format", "yaml", "-o", str(out)])
    assert out.read_text() == text
    bad = tmp_path / "bad.json"
    bad.write_text('{"assessments": [{"iso3": "MMR", "as_of": "soon"}]}')
    r = runner.invoke(app, ["assess", "import", str(bad)])
    assert r.exit_code == 2 and "nothing changed" in r.output
    r = runner.invoke(app, ["assess", "suggest", "SDN", "--year", "2024"])
    assert r.exit_code == 0 and "RF1.1" in r.output and "serious" in r.output
    r = runner.invoke(app, ["assess", "consistency", "RF11.8"])
    assert r.exit_code == 0 and "Myanmar" in r.output and "Sudan" in r.output

    from rich.console import Console

    from forewarn.assess.cli import setup

    console = Console(record=True, width=200)
    setup(console)
    assert "Demonstration assessments: present" in console.export_text()
