"""Functional tests of a hate-speech classifier: templated cases per language and function
(benchmarks/monitor_functional_tests.yaml, written for Forewarn), expanded and scored.

A case counts as predicted hateful when any of `hateful`, `incitement`, `dehumanising` is at
least 0.5 (offensive alone is not hateful: profanity is allowed). Functions marked `threat`
also need `incitement` >= 0.5. A language without a model (null scores) counts every case as
wrong, so "no model" never looks like a perfect score on non-hateful cases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import yaml

HATE_SCORES = ("hateful", "incitement", "dehumanising")


def load_cases(path: Path) -> list[dict]:
    spec = yaml.safe_load(Path(path).read_text("utf-8"))
    cases = []
    for lang, block in spec["languages"].items():
        groups = block.get("groups", [])
        for function, meta in spec["functions"].items():
            for template in block.get(function, []):
                fills = groups if "{g}" in template or "{G}" in template else [None]
                for g in fills:
                    text = template if g is None else template.replace("{g}", g).replace(
                        "{G}", g[:1].upper() + g[1:])
                    cases.append({"language": lang, "function": function, "text": text,
                                  "hateful": meta["expected"] == "hateful",
                                  "threat": bool(meta.get("threat"))})
    return cases


def predicted_hateful(row: dict) -> bool | None:
    values = [row.get(k) for k in HATE_SCORES if row.get(k) is not None]
    if not values:
        return None
    return max(values) >= 0.5


def correct(case: dict, row: dict) -> bool:
    pred = predicted_hateful(row)
    if pred is None or pred != case["hateful"]:
        return False
    if case["threat"]:
        return (row.get("incitement") or 0.0) >= 0.5
    return True


def evaluate(cases: list[dict], score: Callable[[list[str], list[str]], list[dict]]) -> dict:
    """{language: {"accuracy", "n", "functions": {function: accuracy}, "hateful_share"}};
    SCORE(texts, languages) returns one row of scores per text."""
    by_lang: dict[str, list[dict]] = defaultdict(list)
    for c in cases:
        by_lang[c["language"]].append(c)
    out = {}
    for lang, items in by_lang.items():
        rows = score([c["text"] for c in items], [lang] * len(items))
        per_fn: dict[str, list[bool]] = defaultdict(list)
        hits, flagged = [], 0
        for c, r in zip(items, rows, strict=True):
            ok = correct(c, r)
            hits.append(ok)
            per_fn[c["function"]].append(ok)
            flagged += bool(predicted_hateful(r))
        out[lang] = {"accuracy": round(sum(hits) / len(hits), 3), "n": len(hits),
                     "hateful_share": round(flagged / len(hits), 3),
                     "functions": {f: round(sum(v) / len(v), 3) for f, v in per_fn.items()}}
    return out
