"""The multilingual sets (real files), their licences and the permissive-only selection,
analysts' corrections joining training splits, the threats rule with evidence spans, and the
functional-test evaluator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from forewarn.monitor import corpora, functional
from forewarn.monitor.model import threat_spans
from forewarn.monitor.text import normalise
from forewarn.monitor.train import add_corrections, training_sets, use_terms

CASES = Path(__file__).resolve().parents[2] / "benchmarks" / "monitor_functional_tests.yaml"


@pytest.mark.realdata
def test_every_new_set_loads_with_disjoint_splits_and_a_licence(raw_dir):
    sets = corpora.all_sets(raw_dir)
    assert {s.language for s in sets} == {"en", "ar", "de", "it", "pt", "es", "fr"}
    for s in sets:
        assert s.kind == "binary" and len(s.train_x) > 500 and len(s.test_x) > 90, s.name
        assert 0 < s.train_y.mean() < 1 and 0 < s.test_y.mean() < 1, s.name
        assert not {normalise(t) for t in s.train_x} & {normalise(t) for t in s.test_x}, s.name
        assert s.source in corpora.licences(), s.source
    germeval = next(s for s in sets if s.name == "germeval_offensive")
    assert len(germeval.test_x) == pytest.approx(3532, rel=0.01)  # the organisers' test file
    assert not any("|LBR|" in t for t in germeval.train_x)


@pytest.mark.realdata
def test_permissive_only_leaves_out_restricted_sets_and_the_card_says_so(raw_dir):
    everything = training_sets(raw_dir, progress=lambda _: None)
    free = training_sets(raw_dir, permissive_only=True, progress=lambda _: None)
    names = {s.name for s in free}
    assert {"davidson", "germeval_hate", "toldbr_hate"} <= names
    assert not names & {"haspeede", "offendes_hate", "tweeteval", "fortuna", "hatebr",
                        "romance_hate"}
    assert not {s.language for s in free} & {"es", "it"}
    assert use_terms(free)["permissive_only"] is True
    terms = use_terms(everything)
    assert terms["permissive_only"] is False and "non-commercial" in terms["model_use"]
    assert "text/haspeede2018_FB-train.tsv" in terms["model_use"]
    assert {r["set"] for r in terms["sets"]} == {s.name for s in everything}


def test_corrections_join_training_splits_only():
    from forewarn.monitor.datasets import LabelledSet

    binary = LabelledSet("stormfront", "en", "binary", ("hate",), ["a", "b"], np.array([1, 0]),
                         ["t"], np.array([1]), "x")
    multi = LabelledSet("mlma_fr", "fr", "multilabel", ("hateful", "offensive", "normal"),
                        ["c"], np.array([[1, 0, 0]]), ["u"], np.array([[0, 0, 1]]), "y")
    used = add_corrections([binary, multi], {"en": [("quoting hate to condemn it", 0)],
                                             "fr": [("Tuez-les tous", 1)],
                                             "nl": [("iets", 0)]}, progress=lambda _: None)
    assert used == {"stormfront": 1, "mlma_fr": 1}
    assert binary.train_x[-1] == "quoting hate to condemn it" and binary.train_y[-1] == 0
    assert multi.train_y[-1].tolist() == [1, 0, 0] and multi.test_x == ["u"]


@pytest.mark.parametrize("lang,text,hit", [
    ("en", "We will kill every one of them.", "We will kill"),
    ("fr", "Tuez-les tous !", "Tuez-les"),
    ("es", "Hay que exterminar a esa gente.", "Hay que exterminar"),
    ("de", "Die sollen alle sterben.", "sollen alle sterben"),
    ("it", "Bisogna sterminarli.", "Bisogna sterminarli"),
    ("pt", "Vou matar todos eles.", "Vou matar"),
    ("ar", "اقتلوهم جميعا", "اقتلوهم"),
])
def test_threats_are_found_with_their_span(lang, text, hit):
    score, spans = threat_spans(text, lang)
    assert score >= 0.8
    assert any(text[s["start"]:s["end"]] == s["text"] and hit.lower() in s["text"].lower()
               for s in spans), spans


def test_neutral_text_is_no_threat():
    for lang, text in (("en", "The killer whale swam past the boat."),
                       ("fr", "La réunion a été reportée à mardi."),
                       ("de", "Die Wahl wurde verschoben.")):
        assert threat_spans(text, lang) == (0.0, [])


def test_functional_cases_expand_and_the_evaluator_scores_them():
    cases = functional.load_cases(CASES)
    langs = {c["language"] for c in cases}
    assert langs == {"en", "fr", "es", "de", "it", "pt", "ar"}
    assert not any("{g}" in c["text"] or "{G}" in c["text"] for c in cases)
    en = [c for c in cases if c["language"] == "en"]
    assert len(en) == 8 * 4 * 4 + 4 + 5  # 8 functions x 4 templates x 4 groups; 9 fixed
    # A scorer that calls everything hateful gets the hateful share right and nothing else;
    # one with no model (null scores) gets nothing right.
    everything = functional.evaluate(en, lambda t, lg: [{"hateful": 1.0, "incitement": 1.0}
                                                        for _ in t])["en"]
    share = sum(c["hateful"] for c in en) / len(en)
    assert everything["accuracy"] == pytest.approx(share, abs=0.001)
    assert everything["functions"]["counter_speech"] == 0.0
    nothing = functional.evaluate(en, lambda t, lg: [{"hateful": None} for _ in t])["en"]
    assert nothing["accuracy"] == 0.0


@pytest.mark.parametrize("lang,text", [
    ("en", "Calling refugees rats is hate speech and it is wrong."),
    ("fr", "Je ne déteste pas mes voisins."),
    ("de", "Hört auf, so über Flüchtlinge zu reden."),
    ("es", "Ese comentario es racista y debe ser eliminado."),
])
def test_counter_speech_and_negated_hate_are_recognised(lang, text):
    from forewarn.monitor.model import counter_speech_spans

    factor, spans = counter_speech_spans(text, lang)
    assert factor < 1 and spans and all(text[s["start"]:s["end"]] == s["text"] for s in spans)


def test_plain_derogation_is_not_mistaken_for_counter_speech():
    from forewarn.monitor.model import counter_speech_spans

    for lang, text in (("en", "Immigrants are disgusting and worthless."),
                       ("fr", "Les immigrés sont ignobles."),
                       ("de", "Ausländer sind widerlich.")):
        assert counter_speech_spans(text, lang) == (1.0, [])


@pytest.mark.realdata
def test_train_cli_fast_permissive_only_with_exported_corrections(raw_dir, tmp_path,
                                                                  monkeypatch):
    import json

    from typer.testing import CliRunner

    from forewarn.cli import app
    from forewarn.monitor.model import load
    from forewarn.settings import get_settings

    (tmp_path / "raw").symlink_to(raw_dir)
    monkeypatch.setenv("FOREWARN_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    export = tmp_path / "corrections.csv"
    export.write_text("id,document_id,kind,language,text\n"
                      "1,7,counter_speech,en,Calling people vermin is hate speech\n"
                      "2,8,missed,de,Die gehören alle weg\n", "utf-8")
    try:
        r = CliRunner().invoke(app, ["monitor", "train", "--fast", "--limit", "60",
                                     "--permissive-only", "--corrections", str(export)])
        assert r.exit_code == 0, r.output
        root = tmp_path / "artifacts" / "monitor"
        model = load(root)
        card = json.loads((root / model.meta["version"] / "card.json").read_text())
        assert card["licences"]["permissive_only"] is True
        assert "any use" in card["licences"]["model_use"]
        assert card["corrections_used"] == {"stormfront": 1, "germeval_hate": 1}
        assert {"en", "fr", "de", "pt"} <= set(model.languages)
        # Spanish and Italian have no permissive set; Arabic's only one (MLMA) is not read by
        # the default Arabic hateful score, so Arabic is null too.
        assert not {"es", "it", "ar"} & set(model.languages)
        (row,) = model.score(["Odio a los inmigrantes, son una plaga."], ["es"], [1.0])
        assert row["hateful"] is None and "permissive-only" in row["null_reason"]
        shown = CliRunner().invoke(app, ["monitor", "card"])
        assert "use terms: any use" in shown.output and "germeval_hate" in shown.output
    finally:
        get_settings.cache_clear()


@pytest.mark.realdata
def test_only_if_better_keeps_the_current_model_when_the_new_one_scores_worse(raw_dir,
                                                                               tmp_path):
    from forewarn.monitor.train import train

    root = tmp_path / "monitor"
    sets = ["stormfront", "germeval_hate"]
    quiet = {"progress": lambda _: None, "own": {}, "only": sets, "limit": 300}
    train(raw_dir, root, version="v1", **quiet)
    assert (root / "LATEST").read_text().strip() == "v1"
    # Far fewer examples: worse held-out macro-F1, so it is saved but not swapped in.
    train(raw_dir, root, version="v2", only_if_better=True, **{**quiet, "limit": 25})
    assert (root / "LATEST").read_text().strip() == "v1" and (root / "v2").is_dir()
    train(raw_dir, root, version="v3", only_if_better=True, **quiet)  # as good: swapped in
    assert (root / "LATEST").read_text().strip() == "v3"
