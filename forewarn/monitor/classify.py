"""Batch classification of a CSV or JSONL file into JSONL: the stable `classify` interface.

Each output line is one input row, in order: {"row", "hateful", "offensive", "incitement",
"dehumanising", "label", "language", "target_group", ...}. Scores are in [0, 1]; a score is
null when Forewarn has no training data for it in the text's language (listed in
"no_training_data"), and label is null for a language without any model.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from forewarn.data.errors import DataError
from forewarn.monitor.model import MonitorClassifier


def read_texts(path: Path, text_column: str) -> Iterator[tuple[int, str]]:
    """(row number as a person counts it, text). Raises DataError naming file and row."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            if text_column not in (reader.fieldnames or []):
                raise DataError(path.name, f"no column '{text_column}' "
                                f"(columns: {', '.join(reader.fieldnames or [])})")
            try:
                for rec in reader:
                    value = rec.get(text_column)
                    if value is None:
                        raise DataError(path.name, "row is too short", row=reader.line_num,
                                        column=text_column)
                    yield reader.line_num, value
            except csv.Error as exc:
                raise DataError(path.name, f"malformed CSV ({exc})", row=reader.line_num) from exc
    elif suffix in (".jsonl", ".ndjson"):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(path.name, f"not JSON ({exc.msg})", row=n) from exc
                if not isinstance(rec, dict) or not isinstance(rec.get(text_column), str):
                    raise DataError(path.name, f"no text in '{text_column}'", row=n,
                                    column=text_column)
                yield n, rec[text_column]
    else:
        raise DataError(path.name, "input must be .csv or .jsonl")


def classify_file(model: MonitorClassifier, input_path: Path, output_path: Path,
                  text_column: str = "text", language: str | None = None,
                  batch_size: int = 512) -> int:
    """Write one JSON object per input row; returns the number of rows. The output file is
    written under a temporary name and renamed at the end, so a bad input leaves no partial
    output."""
    output_path = Path(output_path)
    tmp = output_path.with_name(output_path.name + ".partial")
    count = 0
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            batch: list[tuple[int, str]] = []
            for item in read_texts(Path(input_path), text_column):
                batch.append(item)
                if len(batch) >= batch_size:
                    count += _write(model, batch, out, language)
                    batch = []
            if batch:
                count += _write(model, batch, out, language)
        tmp.replace(output_path)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def _write(model, batch, out, language) -> int:
    texts = [t for _, t in batch]
    langs = [language] * len(texts) if language else None
    confs = [1.0] * len(texts) if language else None
    for (row, _), result in zip(batch, model.score(texts, langs, confs), strict=True):
        out.write(json.dumps({"row": row, **result}, ensure_ascii=False) + "\n")
    return len(batch)
