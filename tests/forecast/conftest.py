"""Real-data fixtures for the forecast tests: the sources and panel once per session, and one
full CLI backtest + forecast into a scratch data directory (the only full backtest run)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def sources(raw_dir):
    from forewarn.forecast import features

    return features.load_sources(raw_dir)


@pytest.fixture(scope="session")
def panel(sources):
    from forewarn.forecast import features

    return features.build_panel(sources)


@pytest.fixture(scope="session")
def cli_run(raw_dir, tmp_path_factory):
    """`forewarn forecast backtest --output` and `forewarn forecast forecast`, run through the
    CLI against a scratch data directory whose raw/ holds the real files."""
    import os

    from typer.testing import CliRunner

    from forewarn.forecast.cli import app
    from forewarn.settings import get_settings

    work = tmp_path_factory.mktemp("forecast_cli")
    data_dir = work / "data"
    data_dir.mkdir()
    (data_dir / "raw").symlink_to(raw_dir, target_is_directory=True)
    env = {"FOREWARN_DATA_DIR": str(data_dir),
           "FOREWARN_DATABASE_URL": f"sqlite:///{work / 'forewarn.db'}"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        csv = work / "predictions.csv"
        backtest = runner.invoke(app, ["backtest", "--output", str(csv), "--bootstrap", "200",
                                       "--country-plots", "none"])
        forecast = runner.invoke(app, ["forecast"])
        explain = runner.invoke(app, ["explain", "SDN"])
    finally:  # restored at once: later tests must not inherit this scratch directory
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        get_settings.cache_clear()
    return {"csv": csv, "backtest": backtest, "forecast": forecast, "explain": explain,
            "db_url": env["FOREWARN_DATABASE_URL"], "artifacts": data_dir / "artifacts"}
