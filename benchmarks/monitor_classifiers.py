"""Benchmark of the monitor classifiers on the held-out test splits of every labelled set.

Prints, per set, macro-F1 and per-class F1 of Forewarn's head for that set and, on the
Davidson split, of the `hatesonar` package (a published Davidson-trained classifier) in the
same run; language-detection accuracy per MLMA language; and throughput in texts per second of
the full `classify` path (language detection + features + every head) on this machine.

    .venv/bin/python benchmarks/monitor_classifiers.py [--raw-dir DIR] [--model-root DIR]
                                                         [--train] [--json OUT.json]
                                                         [--no-embedding]

The model is the latest under settings.artifacts_dir/monitor (made by `forewarn monitor
train`); --train trains a new version first. Splits: forewarn/monitor/datasets.py. The
Davidson test split is exactly the 30% hatesonar's own trainer holds out, so neither model has
seen it.

Davidson comparison: the default head (forewarn/monitor/blend.py: word + character TF-IDF
read by the stacked linear models of stacking.py, blended with all-MiniLM-L6-v2 fine-tuned by
finetune.py), each of its two parts alone, frozen MiniLM sentence embeddings with a logistic
regression, and TF-IDF + embeddings side by side in one logistic regression (for those two,
class weights are chosen on a 20% validation split of the training split, then refitted on the
whole training split); throughput is of each variant's feature + head path.
Needs `pip install 'forewarn[embeddings]'`; --no-embedding skips it (it embeds ~25,000 tweets).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from forewarn.monitor import datasets
from forewarn.monitor.language import detect
from forewarn.monitor.model import load
from forewarn.monitor.train import evaluate, train, training_sets
from forewarn.settings import get_settings


def hatesonar_session():
    """hatesonar's ONNX session. Its StringNormalizer names no locale, so onnxruntime asks for
    en_US.UTF-8, which minimal systems lack; then the same graph is loaded with the node's
    locale set to C.UTF-8 (always present with glibc, and lower-cases Unicode the same way).
    Only this benchmark's in-memory copy is changed, never the installed package."""
    import onnx
    import onnxruntime as ort
    from hatesonar import Sonar
    from hatesonar.api import DEFAULT_MODEL_FILE

    ort.set_default_logger_severity(4)  # the expected locale failure is handled below
    try:
        return Sonar().sess, "en_US.UTF-8"
    except Exception as exc:  # onnxruntime raises its own Fail type
        if "locale" not in str(exc):
            raise
    graph = onnx.load(str(DEFAULT_MODEL_FILE))
    for node in graph.graph.node:
        if node.op_type == "StringNormalizer":
            node.attribute.append(onnx.helper.make_attribute("locale", "C.UTF-8"))
    return ort.InferenceSession(graph.SerializeToString(),
                                providers=["CPUExecutionProvider"]), "C.UTF-8"


def hatesonar_scores(s: datasets.LabelledSet) -> dict | None:
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
        from hatesonar import Sonar  # noqa: F401
    except ImportError:
        return None
    try:
        sess, locale = hatesonar_session()
    except Exception as exc:
        return {"error": f"hatesonar could not start: {str(exc)[:160]}"}
    t0 = time.perf_counter()
    labels, _ = sess.run(None, {"text": np.array(s.test_x, dtype=object)})
    rate = len(s.test_x) / (time.perf_counter() - t0)
    per = f1_score(s.test_y, np.asarray(labels), labels=[0, 1, 2], average=None)
    return {"macro_f1": float(per.mean()), "texts_per_s": rate, "locale": locale,
            "per_class_f1": dict(zip(s.classes, map(float, per), strict=True)),
            "labels": np.asarray(labels)}


def paired_bootstrap(y, ours, theirs, resamples: int = 2000, seed: int = 0) -> dict:
    """Macro-F1 difference (ours - theirs) over test tweets resampled with replacement."""
    from forewarn.monitor.heads import _macro_f1

    rng = np.random.default_rng(seed)
    y, ours, theirs = (np.asarray(a) for a in (y, ours, theirs))
    diffs = np.array([_macro_f1(y[i], ours[i], 3) - _macro_f1(y[i], theirs[i], 3)
                      for i in (rng.integers(0, len(y), len(y)) for _ in range(resamples))])
    return {"difference": _macro_f1(y, ours, 3) - _macro_f1(y, theirs, 3),
            "ci95": [float(np.quantile(diffs, 0.025)), float(np.quantile(diffs, 0.975))],
            "p_at_least_0_05": float(np.mean(diffs >= 0.05)), "resamples": resamples}


def _variant(A, y, B, y_test, C: float, seed: int = 0) -> dict:
    """Fit on 80% of train, tune class weights on the other 20%, refit on all of train."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    from forewarn.monitor.heads import MULTICLASS_WEIGHT_GRID, tune_class_weights

    def lr(X, t):
        return LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(X, t)

    a, b = train_test_split(np.arange(len(y)), test_size=0.2, random_state=seed, stratify=y)
    w = tune_class_weights(y[b], lr(A[a], y[a]).predict_proba(A[b]),
                           MULTICLASS_WEIGHT_GRID, rounds=3)
    pred = (lr(A, y).predict_proba(B) * w).argmax(1)
    per = f1_score(y_test, pred, labels=[0, 1, 2], average=None, zero_division=0)
    return {"macro_f1": float(per.mean()), "per_class_f1": per.tolist()}


def _row(y_test, pred, rate: float) -> dict:
    per = f1_score(y_test, pred, labels=[0, 1, 2], average=None, zero_division=0)
    return {"macro_f1": float(per.mean()), "per_class_f1": per.tolist(), "texts_per_s": rate}


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def embedding_comparison(model, s: datasets.LabelledSet, hatesonar: dict | None) -> dict:
    """The default Davidson head against its parts and against plain MiniLM embeddings."""
    import scipy.sparse as sp

    from forewarn.monitor.blend import TextBatch
    from forewarn.monitor.embedding import EmbeddingUnavailable, embed

    head = model.heads["davidson"].estimator
    n = len(s.test_x)
    batch, t_feat = _timed(model.head_input, "davidson", s.test_x)
    T_test = batch.X if isinstance(batch, TextBatch) else batch
    pred, t_head = _timed(head.predict, batch)
    out = {"default head": _row(s.test_y, pred, n / (t_feat + t_head))}
    if isinstance(batch, TextBatch):  # the blend's parts, each alone
        pred, t = _timed(head.stack_.predict, T_test)
        out["tfidf stack alone"] = _row(s.test_y, pred, n / (t_feat + t))
        pred, t = _timed(head.encoder_.predict, s.test_x)
        out["fine-tuned minilm alone"] = _row(s.test_y, pred, n / t)
    try:
        E_train = embed(s.train_x)
    except EmbeddingUnavailable as exc:
        print(f"\nembedding comparison skipped: {exc}")
        return {"error": str(exc)}
    E_test, t_emb = _timed(embed, s.test_x)
    emb_rate = n / t_emb
    T_train = model.head_input("davidson", s.train_x)
    T_train = T_train.X if isinstance(T_train, TextBatch) else T_train
    out["minilm embedding + LR"] = {**_variant(E_train, s.train_y, E_test, s.test_y, C=4.0),
                                    "texts_per_s": emb_rate}
    out["tfidf + embedding, LR"] = {
        **_variant(sp.hstack([T_train, sp.csr_matrix(E_train)]).tocsr(), s.train_y,
                   sp.hstack([T_test, sp.csr_matrix(E_test)]).tocsr(), s.test_y, C=1.0),
        "texts_per_s": 1 / (1 / emb_rate + t_feat / n)}
    if hatesonar and "error" not in hatesonar:
        out["hatesonar"] = {"macro_f1": hatesonar["macro_f1"],
                            "per_class_f1": list(hatesonar["per_class_f1"].values()),
                            "texts_per_s": hatesonar["texts_per_s"]}
    print("\nDavidson test split: the default head, its parts, MiniLM embeddings, hatesonar")
    print(f"  {'variant':24s} {'macro-F1':>9s}  {'hate':>6s} {'offens':>6s} {'neither':>7s}"
          f"  {'texts/s':>8s}")
    for name, r in out.items():
        h, o, n_ = r["per_class_f1"]
        print(f"  {name:24s} {r['macro_f1']:9.3f}  {h:6.3f} {o:6.3f} {n_:7.3f}"
              f"  {r['texts_per_s']:8.0f}")
    card = model.meta.get("own_heads", {}).get("davidson", {})
    if "blend_weight" in card:
        print(f"  blend chosen on 20% of the training split: epoch {card['epoch']}, weight "
              f"{card['blend_weight']}, held-out macro-F1 {card['holdout_macro_f1']:.3f}")
    return out


def throughput(model, texts: list[str], repeat: int = 1) -> float:
    model.score(texts[:20])  # load the language models before timing
    t0 = time.perf_counter()
    for _ in range(repeat):
        model.score(texts)
    return repeat * len(texts) / (time.perf_counter() - t0)


FUNCTIONAL = Path(__file__).with_name("monitor_functional_tests.yaml")


def hatesonar_rows(texts: list[str], languages: list[str]) -> list[dict]:
    """hatesonar's class as our scores (English only: other languages are null)."""
    try:
        sess, _ = hatesonar_session()
    except Exception:  # noqa: BLE001 - not installed or cannot start: no row scored
        return [{} for _ in texts]
    labels, _ = sess.run(None, {"text": np.array(texts, dtype=object)})
    return [{"hateful": float(label == 0)} if lang == "en" else {}  # class 0: hate speech
            for label, lang in zip(labels, languages, strict=True)]


def functional_report(scorers: dict, cases: list[dict]) -> dict:
    """Accuracy per language and function of each scorer on Forewarn's functional tests."""
    from forewarn.monitor import functional

    out = {}
    for name, score in scorers.items():
        t0 = time.perf_counter()
        out[name] = functional.evaluate(cases, score)
        print(f"\nfunctional tests, {name} ({time.perf_counter() - t0:.0f} s): accuracy "
              "per language (share predicted hateful); per function")
        for lang, r in out[name].items():
            fns = "  ".join(f"{f} {v:.2f}" for f, v in r["functions"].items())
            print(f"  {lang}: {r['accuracy']:.3f} ({r['hateful_share']:.2f}, n={r['n']})  {fns}")
    return out


def per_language(results: dict) -> dict:
    """Mean held-out macro-F1 of each language's sets."""
    langs: dict[str, list[float]] = {}
    for r in results["sets"].values():
        for lang in r["language"].split("+"):
            langs.setdefault(lang, []).append(r["macro_f1"])
    return {k: round(float(np.mean(v)), 3) for k, v in sorted(langs.items())}


def classify_end_to_end(root: Path, sets, n: int, workdir: Path) -> dict:
    """Wall-clock of `forewarn monitor classify` on N test texts of every language, start-up
    (imports, model loading, language models) included: a fresh process, as a user runs it."""
    import csv
    import subprocess
    import sys

    pool = [t for s in sets for t in s.test_x]
    rng = np.random.default_rng(0)
    texts = [pool[i] for i in rng.choice(len(pool), n, replace=len(pool) < n)]
    src, out = workdir / "classify_input.csv", workdir / "classify_output.jsonl"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text"])
        w.writerows([t] for t in texts)
    data = workdir / "data"
    (data / "artifacts").mkdir(parents=True)
    (data / "artifacts" / "monitor").symlink_to(Path(root).resolve())
    env = {**os.environ, "FOREWARN_DATA_DIR": str(data)}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from forewarn.cli import app; app()", "monitor",
                    "classify", "--input", str(src), "--text-column", "text", "--output",
                    str(out)], check=True, env=env, capture_output=True)
    took = time.perf_counter() - t0
    rows = sum(1 for _ in open(out, encoding="utf-8"))
    print(f"\nclassify end to end: {rows} texts in {took:.1f} s = {rows / took:.0f} texts/s "
          "(start-up included)")
    return {"texts": rows, "seconds": round(took, 1), "texts_per_s": round(rows / took, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw-dir", type=Path, default=None)
    ap.add_argument("--model-root", type=Path, default=None)
    ap.add_argument("--train", action="store_true", help="train a new model version first")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    ap.add_argument("--no-embedding", action="store_true",
                    help="skip the MiniLM embedding comparison")
    ap.add_argument("--previous-root", type=Path, default=None,
                    help="a model root holding the previous default, scored beside; trained "
                    "there first (its sets, linear heads, no MiniLM blend) if it has none")
    ap.add_argument("--classify-texts", type=int, default=10_000,
                    help="texts for the end-to-end `monitor classify` timing (0: skip)")
    args = ap.parse_args()
    raw = args.raw_dir or get_settings().raw_dir
    root = args.model_root or get_settings().artifacts_dir / "monitor"
    if args.train or not (root / "LATEST").exists():
        train(raw, root)
    model = load(root)
    print(f"model {model.meta['version']}  ({os.cpu_count()} cores)\n")
    print(f"{'set':16s} {'lang':8s} {'n test':>7s} {'macro-F1':>9s}  per-class F1")
    results: dict = {"model": model.meta["version"], "sets": {}}
    sets = training_sets(raw, progress=lambda _: None)
    for s in sets:
        if s.name not in model.heads:
            print(f"{s.name:16s} {s.language:8s} not in this model")
            continue
        m = evaluate(model.heads[s.name].estimator, s, model.head_input(s.name, s.test_x))
        results["sets"][s.name] = {"language": s.language, **m}
        per = "  ".join(f"{k} {v:.3f}" for k, v in m["per_class_f1"].items())
        print(f"{s.name:16s} {s.language:8s} {m['n_test']:7d} {m['macro_f1']:9.3f}  {per}")
        if s.name == "davidson":
            hs = hatesonar_scores(s)
            results["hatesonar_davidson"] = hs
            if hs and "error" not in hs:
                per = "  ".join(f"{k} {v:.3f}" for k, v in hs["per_class_f1"].items())
                print(f"{'  hatesonar':16s} {'en':8s} {m['n_test']:7d} {hs['macro_f1']:9.3f}  "
                      f"{per}")
                ours = model.heads[s.name].estimator.predict(model.head_input(s.name, s.test_x))
                boot = paired_bootstrap(s.test_y, ours, hs.pop("labels"))
                results["davidson_vs_hatesonar"] = boot
                print(f"{'  difference':16s} {'':8s} {'':7s} {boot['difference']:+9.3f}  "
                      f"95% CI {boot['ci95'][0]:+.3f} to {boot['ci95'][1]:+.3f} (paired "
                      f"bootstrap over test tweets); P(difference >= 0.05) = "
                      f"{boot['p_at_least_0_05']:.2f}")
            else:
                missing = "not installed (make bench installs the `bench` extra)"
                print(f"  hatesonar: {hs['error'] if hs else missing}")
    print("\nlanguage detection on the MLMA test splits (share detected as the set's language):")
    for s in sets:
        if s.name.startswith("mlma_") and s.language in datasets.MLMA_LANGUAGES:
            acc = float(np.mean([detect(t).language == s.language for t in s.test_x]))
            results["sets"][s.name]["language_detection_accuracy"] = acc
            print(f"  {s.language}: {acc:.3f}")
    davidson = next(s for s in sets if s.name == "davidson")
    mixed = davidson.test_x[:1000] + [t for s in sets if s.name in ("mlma_fr", "mlma_ar")
                                      for t in s.test_x[:500]]
    rate = throughput(model, mixed)
    forced = time.perf_counter()
    model.score(mixed, ["en"] * len(mixed), [1.0] * len(mixed))
    rate_no_detect = len(mixed) / (time.perf_counter() - forced)
    results["texts_per_s"] = rate
    results["texts_per_s_without_language_detection"] = rate_no_detect
    print(f"\nthroughput (classify path, {len(mixed)} en/fr/ar texts): {rate:.0f} texts/s; "
          f"without language detection: {rate_no_detect:.0f} texts/s")
    results["per_language_macro_f1"] = per_language(results)
    print("\nmean held-out macro-F1 per language: " + ", ".join(
        f"{k} {v:.3f}" for k, v in results["per_language_macro_f1"].items()))
    from forewarn.monitor.functional import load_cases

    cases = load_cases(FUNCTIONAL)
    scorers = {f"forewarn {model.meta['version']}": lambda t, lg: model.score(
        t, lg, [1.0] * len(t))}
    if args.previous_root:
        if not (args.previous_root / "LATEST").exists():
            train(raw, args.previous_root, own={}, progress=print,
                  only=[s.name for s in datasets.all_sets(raw)], version="previous-default")
        previous = load(args.previous_root)
        scorers[f"previous {previous.meta['version']}"] = lambda t, lg: previous.score(
            t, lg, [1.0] * len(t))
    scorers["hatesonar"] = hatesonar_rows
    results["functional"] = functional_report(scorers, cases)
    if args.classify_texts:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            results["classify_end_to_end"] = classify_end_to_end(
                root, sets, args.classify_texts, Path(tmp))
    if not args.no_embedding:
        results["embedding_comparison"] = embedding_comparison(
            model, davidson, results.get("hatesonar_davidson"))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), "utf-8")
    # The model card (`forewarn monitor card`) shows these figures beside the version.
    (root / model.meta["version"] / "benchmark.json").write_text(
        json.dumps(results, indent=2, default=str), "utf-8")


if __name__ == "__main__":
    main()
