import pytest
from typer.testing import CliRunner

from forewarn.cli import app

runner = CliRunner()


def test_help_lists_core_commands():
    out = runner.invoke(app, ["--help"]).output
    for cmd in ("data", "db", "import", "serve"):
        assert cmd in out


@pytest.mark.realdata
def test_fetch_status_init_import_end_to_end(tmp_path, monkeypatch, raw_dir):
    from forewarn.settings import get_settings

    monkeypatch.setenv("FOREWARN_DATA_DIR", str(tmp_path))
    # The database must follow the data directory, whatever an earlier fixture left set.
    monkeypatch.delenv("FOREWARN_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        mirror = raw_dir  # already verified files, laid out like the mirror
        r = runner.invoke(app, ["data", "fetch", "--from", str(mirror)])
        assert r.exit_code == 0, r.output
        assert "sources verified" in r.output
        r = runner.invoke(app, ["data", "status"])
        assert r.exit_code == 0 and "0 missing, 0 corrupt" in r.output
        assert runner.invoke(app, ["db", "init"]).exit_code == 0
        r = runner.invoke(app, ["import"])
        assert r.exit_code == 0, r.output
        assert "ewp_country_year: 9463 rows" in r.output
        assert (tmp_path / "forewarn.db").exists()
    finally:
        get_settings.cache_clear()
