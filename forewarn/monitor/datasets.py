"""The real labelled sets and their documented, seeded train/test splits.

Every split is deterministic (fixed seeds below) and drops from each training set any text whose
normalised form also occurs in its test set, so no test text is ever seen in training.

- Davidson et al. 2017 (`text/davidson2017_labeled_data.csv`), English tweets, classes hate /
  offensive / neither. Test = the 30% that hatesonar's own trainer holds out
  (`train_test_split(test_size=0.3, random_state=42)` over the file's rows), so hatesonar, a
  published Davidson-trained model, is never scored on its own training data. Train = the rest.
- MLMA, Ousidhoum et al. 2019 (`text/mlma_hate_speech.zip`), English, French and Arabic
  tweets, multi-label hostility (hateful, offensive, abusive, disrespectful, fearful, normal)
  and target group. Per language: 20% test, stratified on `normal`, seed 2019.
- de Gibert et al. 2018 Stormfront (`text/stormfront_degibert2018_combined.csv`), English
  sentences, hate / noHate (relation and idk/skip dropped). Test = the authors' balanced
  `sampled_test` subset; train = every other hate/noHate sentence.
- ETHOS, Mollas et al. 2022 (`text/ethos_binary.csv`, `ethos_multilabel.csv`), English
  comments. Hate = isHate >= 0.5; 20% test stratified, seed 2022. Violence (our incitement
  label) = violence >= 0.5 on the multi-label file, whose comments are the hateful ones; the
  non-hateful comments of the binary file are violence 0. Each comment keeps the binary split.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from forewarn.data.errors import DataError
from forewarn.monitor.text import normalise

MLMA_LABELS = ("hateful", "offensive", "abusive", "disrespectful", "fearful", "normal")
MLMA_LANGUAGES = ("en", "fr", "ar")
# MLMA groups too vague to report as a target ("other", a named "individual").
NO_GROUP = ("other", "individual")

FILES = {
    "davidson": "text/davidson2017_labeled_data.csv",
    "mlma": "text/mlma_hate_speech.zip",
    "stormfront": "text/stormfront_degibert2018_combined.csv",
    "ethos_binary": "text/ethos_binary.csv",
    "ethos_multilabel": "text/ethos_multilabel.csv",
}


@dataclass
class LabelledSet:
    """One task: texts with labels, split into train and test.

    kind: "multiclass" (y holds class indices), "binary" (y is 0/1) or "multilabel" (y is an
    n x len(classes) 0/1 matrix)."""

    name: str
    language: str
    kind: str
    classes: tuple[str, ...]
    train_x: list[str]
    train_y: np.ndarray
    test_x: list[str]
    test_y: np.ndarray
    source: str
    notes: dict = field(default_factory=dict)

    def sizes(self) -> dict:
        return {"train": len(self.train_x), "test": len(self.test_x)}


def _read_csv(path: Path, required: list[str], **kw) -> pd.DataFrame:
    if not path.exists():
        raise DataError(path.name, "file not found; run `forewarn data fetch`")
    try:
        df = pd.read_csv(path, **kw)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(path.name, f"unreadable CSV ({exc})") from exc
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(path.name, f"missing columns {missing}")
    return df


def _disjoint(train: pd.DataFrame, test: pd.DataFrame, col: str) -> pd.DataFrame:
    seen = set(test[col].map(normalise))
    return train[~train[col].map(normalise).isin(seen)]


def _make(name, lang, kind, classes, train, test, col, ycols, source, **notes) -> LabelledSet:
    train = _disjoint(train.drop_duplicates(col), test, col)
    test = test.drop_duplicates(col)

    def y(df):
        return df[ycols].to_numpy(dtype=int) if kind == "multilabel" else df[ycols].to_numpy(int)

    return LabelledSet(name, lang, kind, tuple(classes), train[col].astype(str).tolist(),
                       y(train), test[col].astype(str).tolist(), y(test), source, dict(notes))


def davidson(raw_dir: Path) -> LabelledSet:
    df = _read_csv(raw_dir / FILES["davidson"], ["tweet", "class"])
    if not df["class"].isin([0, 1, 2]).all():
        bad = int(np.flatnonzero(~df["class"].isin([0, 1, 2]).to_numpy())[0]) + 2
        raise DataError(FILES["davidson"], "class must be 0, 1 or 2", row=bad, column="class")
    train, test = train_test_split(df, test_size=0.3, random_state=42)
    return _make("davidson", "en", "multiclass", ("hate", "offensive", "neither"), train, test,
                 "tweet", "class", FILES["davidson"], split="hatesonar's 30% hold-out, seed 42")


def mlma_frame(raw_dir: Path, lang: str) -> pd.DataFrame:
    path = raw_dir / FILES["mlma"]
    if not path.exists():
        raise DataError(path.name, "file not found; run `forewarn data fetch`")
    member = f"hate_speech_mlma/{lang}_dataset.csv"
    try:
        with zipfile.ZipFile(path) as z, z.open(member) as f:
            df = pd.read_csv(f)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise DataError(path.name, f"cannot read {member} ({exc})") from exc
    for c in ("tweet", "sentiment", "group"):
        if c not in df.columns:
            raise DataError(f"{path.name}:{member}", f"missing column '{c}'")
    parts = df["sentiment"].astype(str).str.split("_")
    for label in MLMA_LABELS:
        df[label] = parts.map(lambda p, lab=label: int(lab in p))
    return df


def mlma(raw_dir: Path, lang: str) -> LabelledSet:
    df = mlma_frame(raw_dir, lang)
    train, test = train_test_split(df, test_size=0.2, random_state=2019, stratify=df["normal"])
    return _make(f"mlma_{lang}", lang, "multilabel", MLMA_LABELS, train, test, "tweet",
                 list(MLMA_LABELS), FILES["mlma"],
                 split="20% test, stratified on normal, seed 2019")


def mlma_groups(raw_dir: Path, min_train: int = 40) -> LabelledSet:
    """Target group over all three languages; groups with too few examples join 'none'."""
    frames = []
    for lang in MLMA_LANGUAGES:
        df = mlma_frame(raw_dir, lang)
        df["split"] = "train"
        _, test = train_test_split(df, test_size=0.2, random_state=2019, stratify=df["normal"])
        df.loc[test.index, "split"] = "test"
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    df["target"] = df["group"].astype(str).where(~df["group"].isin(NO_GROUP), "none")
    counts = df[df.split == "train"]["target"].value_counts()
    keep = sorted(g for g, n in counts.items() if n >= min_train and g != "none")
    classes = ("none", *keep)
    df["y"] = df["target"].map(lambda g: classes.index(g) if g in classes else 0)
    return _make("mlma_group", "en+fr+ar", "multiclass", classes, df[df.split == "train"],
                 df[df.split == "test"], "tweet", "y", FILES["mlma"],
                 split="the MLMA per-language splits")


def stormfront(raw_dir: Path) -> LabelledSet:
    df = _read_csv(raw_dir / FILES["stormfront"], ["text", "label", "balanced_split"])
    df = df[df["label"].isin(["hate", "noHate"])].copy()
    df["y"] = (df["label"] == "hate").astype(int)
    test = df[df["balanced_split"] == "test"]
    train = df[df["balanced_split"] != "test"]
    return _make("stormfront", "en", "binary", ("hate",), train, test, "text", "y",
                 FILES["stormfront"], split="authors' sampled_test subset")


def _ethos_binary(raw_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = _read_csv(raw_dir / FILES["ethos_binary"], ["comment", "isHate"], sep=";")
    df["y"] = (pd.to_numeric(df["isHate"], errors="coerce") >= 0.5).astype(int)
    return train_test_split(df, test_size=0.2, random_state=2022, stratify=df["y"])


def ethos(raw_dir: Path) -> LabelledSet:
    train, test = _ethos_binary(raw_dir)
    return _make("ethos", "en", "binary", ("hate",), train, test, "comment", "y",
                 FILES["ethos_binary"], split="20% test, stratified, seed 2022")


def ethos_violence(raw_dir: Path) -> LabelledSet:
    train, test = _ethos_binary(raw_dir)
    multi = _read_csv(raw_dir / FILES["ethos_multilabel"], ["comment", "violence"], sep=";")
    violent = dict(zip(multi["comment"].map(normalise),
                       (pd.to_numeric(multi["violence"], errors="coerce") >= 0.5).astype(int),
                       strict=True))

    def label(df: pd.DataFrame) -> pd.DataFrame:
        df = df.copy()
        key = df["comment"].map(normalise)
        # Hateful comments absent from the multi-label file carry no violence label: drop them.
        known = key.isin(violent.keys()) | (df["y"] == 0)
        df = df[known]
        df["violence"] = [violent.get(k, 0) for k in key[known]]
        return df

    return _make("ethos_violence", "en", "binary", ("violence",), label(train), label(test),
                 "comment", "violence", FILES["ethos_multilabel"],
                 split="the ETHOS binary split")


def all_sets(raw_dir: Path) -> list[LabelledSet]:
    raw_dir = Path(raw_dir)
    return [davidson(raw_dir), stormfront(raw_dir), ethos(raw_dir), ethos_violence(raw_dir),
            *(mlma(raw_dir, lang) for lang in MLMA_LANGUAGES), mlma_groups(raw_dir)]
