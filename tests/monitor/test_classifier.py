"""The classifiers: real labelled sets and splits, model files loaded offline, scores."""

from __future__ import annotations

import json
import socket

import numpy as np
import pytest

from forewarn.data.errors import DataError
from forewarn.monitor import datasets
from forewarn.monitor.heads import NBLogitHead, TextFeatures
from forewarn.monitor.model import SCORES, ModelNotFound, load
from forewarn.monitor.text import normalise


def test_nb_logit_head_learns_a_separable_rule_and_tunes_its_threshold():
    rng = np.random.default_rng(0)
    good = [f"lovely day number {i} with friends" for i in range(60)]
    bad = [f"we will hurt them all number {i}" for i in range(20)]
    texts = good + bad
    y = np.array([0] * 60 + [1] * 20)
    order = rng.permutation(len(texts))
    feats = TextFeatures(min_df=1).fit([texts[i] for i in order])
    head = NBLogitHead("binary").fit(feats.transform([texts[i] for i in order]), y[order])
    pred = head.predict(feats.transform(["we will hurt them all tonight", "lovely day"]))
    assert list(pred) == [1, 0]
    assert 0.05 <= head.thresholds_[0] <= 0.95


def test_head_with_too_few_positives_scores_nan_not_a_guess():
    feats = TextFeatures(min_df=1).fit(["a b", "c d", "e f"] * 10)
    y = np.array([[0, 1]] * 25 + [[1, 0]] * 5)  # label 0 has 5 positives: not modelled
    head = NBLogitHead("multilabel").fit(feats.transform(["a b", "c d", "e f"] * 10), y)
    assert head.models_[0] is None
    assert np.isnan(head.scores(feats.transform(["a b"]))[0, 0])


@pytest.mark.realdata
def test_splits_are_seeded_disjoint_and_documented(raw_dir):
    for s in datasets.all_sets(raw_dir):
        assert s.train_x and s.test_x, s.name
        assert not {normalise(t) for t in s.train_x} & {normalise(t) for t in s.test_x}, s.name
    a, b = datasets.davidson(raw_dir), datasets.davidson(raw_dir)
    assert a.test_x == b.test_x
    assert len(a.test_x) == pytest.approx(0.3 * 24783, rel=0.01)
    langs = {s.language for s in datasets.all_sets(raw_dir) if s.name.startswith("mlma_")}
    assert {"en", "fr", "ar"} <= langs


@pytest.mark.realdata
def test_missing_column_names_the_file(raw_dir, tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "davidson2017_labeled_data.csv").write_text("tweet,klass\nhi,1\n")
    with pytest.raises(DataError, match="davidson2017_labeled_data.csv.*missing columns"):
        datasets.davidson(tmp_path)


@pytest.mark.realdata
def test_model_loads_offline_and_scores_in_range(small_model_root, monkeypatch):
    def no_network(*a, **k):
        raise AssertionError("the monitor model tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = load(small_model_root)
    rows = model.score(["They are vermin and we should kill every one of them.",
                        "Ces gens sont des rats.", "هؤلاء حشرات قذرة",
                        "Die sind Ungeziefer und gehören nicht hierher.",
                        "Ze zijn ongedierte en ze moeten allemaal weg uit ons land."])
    assert [r["language"] for r in rows] == ["en", "fr", "ar", "de", "nl"]
    for r in rows[:4]:
        assert r["supported"] and r["label"] is not None
        for s in ("hateful", "offensive", "dehumanising"):
            assert 0.0 <= r[s] <= 1.0
    assert rows[0]["incitement"] is not None and 0 <= rows[0]["incitement"] <= 1
    # French incitement: no labelled set, so the threats rule alone (no call here: 0).
    assert rows[1]["incitement"] == 0.0 and rows[1]["threat"] == 0.0
    assert rows[0]["dehumanising_terms"] == ["vermin"]
    assert {"kind": "dehumanising", "start": 9, "end": 15, "text": "vermin"} in \
        rows[0]["evidence"]
    assert any(e["kind"] == "threat" and "kill" in e["text"] for e in rows[0]["evidence"])
    assert rows[3]["dehumanising_terms"] == ["Ungeziefer"]
    dutch = rows[4]
    assert not dutch["supported"] and dutch["label"] is None
    assert all(dutch[s] is None for s in SCORES)
    assert "no training data for language 'nl'" in dutch["null_reason"]
    assert model.meta["version"] == "vtest" and "davidson" in model.meta["test_metrics"]


@pytest.mark.realdata
def test_tampered_or_missing_model_is_refused(small_model_root, tmp_path):
    with pytest.raises(ModelNotFound, match="forewarn monitor train"):
        load(tmp_path / "nothing")
    copy = tmp_path / "monitor"
    (copy / "vtest").mkdir(parents=True)
    for f in (small_model_root / "vtest").iterdir():
        (copy / "vtest" / f.name).write_bytes(f.read_bytes())
    card = json.loads((copy / "vtest" / "card.json").read_text())
    card["sha256"] = "0" * 64
    (copy / "vtest" / "card.json").write_text(json.dumps(card))
    with pytest.raises(ModelNotFound, match="sha256"):
        load(copy, "vtest")


@pytest.mark.realdata
def test_trained_heads_beat_chance_on_held_out_tests(small_model):
    metrics = small_model.meta["test_metrics"]
    for name in ("davidson", "stormfront", "mlma_en", "mlma_fr", "mlma_ar"):
        assert metrics[name]["macro_f1"] > 0.3, (name, metrics[name])
    assert set(metrics["davidson"]["per_class_f1"]) == {"hate", "offensive", "neither"}
