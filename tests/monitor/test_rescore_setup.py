"""Documents stored before any model was trained are scored later (`rescore`), and the first-run
setup step starts the training only when there is none and none is running."""

from __future__ import annotations

import os

import pytest
from rich.console import Console

from forewarn.monitor import ingest, store
from forewarn.monitor.models import MonitorDocument
from forewarn.settings import get_settings
from forewarn.store.db import transaction

TEXT = ("They are vermin and must be driven out of our country.\n\n"
        "The weather in Kigali was pleasant today.")


@pytest.mark.realdata
def test_rescore_scores_only_unscored_documents(engine, small_model):
    (unscored,) = store.store_documents(engine, [ingest.RawDocument(TEXT, "api", "t")]).stored
    (scored,) = store.store_documents(
        engine, [ingest.RawDocument("A calm day at the market in Goma.", "api", "u")],
        small_model).stored
    with transaction(engine) as s:
        d = s.get(MonitorDocument, unscored)
        assert d.model_version == "" and d.passages[0].hateful is None
    assert store.rescore(engine, small_model) == 1
    with transaction(engine) as s:
        d = s.get(MonitorDocument, unscored)
        first = d.passages[0]
        assert d.model_version == "vtest" and 0 <= first.hateful <= 1
        assert first.dehumanising > 0 and d.scores["dehumanising"] == first.dehumanising
        assert d.label is not None
    assert store.rescore(engine, small_model) == 0  # nothing left, the scored one untouched


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A data directory with a migrated database, as `forewarn setup` finds it after `db init`."""
    from forewarn.store.db import make_engine, upgrade

    monkeypatch.setenv("FOREWARN_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    engine = make_engine(get_settings().db_url)
    upgrade(engine)
    engine.dispose()
    yield tmp_path
    get_settings.cache_clear()


def _setup_says(data_dir) -> str:
    from forewarn.monitor.cli import setup

    console = Console(record=True, width=200)
    setup(console)
    return console.export_text()


def test_setup_without_labelled_sets_says_what_to_run(data_dir):
    said = _setup_says(data_dir)
    assert "labelled sets are missing" in said and "forewarn monitor train" in said
    assert not (data_dir / "artifacts" / "monitor" / "TRAINING").exists()


def test_setup_does_not_start_a_second_training(data_dir, raw_dir, monkeypatch):
    monkeypatch.setenv("FOREWARN_DATA_DIR", str(data_dir))
    (data_dir / "raw").symlink_to(raw_dir)
    root = data_dir / "artifacts" / "monitor"
    root.mkdir(parents=True)
    (root / "TRAINING").write_text(f"{os.getpid()}\n")  # a live process holds the lock
    said = _setup_says(data_dir)
    assert "already being trained" in said and not (root / "train.log").exists()


@pytest.mark.realdata
def test_setup_with_a_model_present_does_nothing(data_dir, small_model_root):
    (data_dir / "artifacts").mkdir()
    (data_dir / "artifacts" / "monitor").symlink_to(small_model_root)
    said = _setup_says(data_dir)
    assert "classifier vtest present" in said
    assert not (small_model_root / "TRAINING").exists()


@pytest.mark.realdata
def test_web_app_picks_up_a_model_trained_after_it_started(small_model_root, tmp_path):
    import shutil

    from forewarn.monitor.api import latest_model as _model

    root = tmp_path / "monitor"
    root.mkdir()
    assert _model(str(root)) is None  # none yet: documents are stored unscored
    shutil.copytree(small_model_root / "vtest", root / "vtest")
    (root / "LATEST").write_text("vtest\n")
    model = _model(str(root))
    assert model is not None and model.meta["version"] == "vtest"
    assert _model(str(root)) is model  # loaded once, then reused


def test_setup_creates_the_starter_alert_rules_once_per_database(data_dir):
    """A fresh database watches incitement, dehumanisation, intent to destroy and hate speech
    from the first run; a second setup adds nothing, and rules an admin deleted stay deleted."""
    from forewarn.monitor import alerts
    from forewarn.monitor.catalog_shapes import starter_alert_rules
    from forewarn.store.db import engine_for

    said = _setup_says(data_dir)
    assert "4 starter alert rules created" in said
    engine = engine_for(get_settings().db_url)
    rules = alerts.rules(engine)
    assert sorted(r.signal for r in rules) == ["dehumanising", "hateful", "incitement", "rf:RF10"]
    assert {r.name for r in rules} == {r["name"] for r in starter_alert_rules()["rules"]}
    assert "starter alert rules" not in _setup_says(data_dir)
    assert len(alerts.rules(engine)) == 4
    for r in rules:
        alerts.delete_rule(engine, r.id, by="admin")
    assert "starter alert rules" not in _setup_says(data_dir)
    assert alerts.rules(engine) == []
