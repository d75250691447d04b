"""`forewarn monitor classify`: the stable JSONL output format, and bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from forewarn.cli import app
from forewarn.settings import get_settings

pytestmark = pytest.mark.realdata
KEYS = {"hateful", "offensive", "incitement", "dehumanising", "label", "language",
        "target_group"}


@pytest.fixture
def data_dir(small_model_root, tmp_path, monkeypatch):
    (tmp_path / "artifacts").mkdir()
    (tmp_path / "artifacts" / "monitor").symlink_to(small_model_root)
    monkeypatch.setenv("FOREWARN_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_csv_in_jsonl_out_one_object_per_row(data_dir, tmp_path):
    src = tmp_path / "posts.csv"
    src.write_text('id,text\n1,"Those people are vermin, drive them out"\n2,I love my garden\n'
                   '3,"Les immigrés sont des cafards"\n'
                   '4,"Goedemorgen, lieve buren, wat een mooie dag"\n',
                   encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(app, ["monitor", "classify", "--input", str(src), "--text-column",
                                 "text", "--output", str(out)])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 4 and [x["row"] for x in rows] == [2, 3, 4, 5]
    for x in rows:
        assert KEYS <= set(x)
    for x in rows[:3]:
        assert all(0 <= x[k] <= 1 for k in ("hateful", "offensive", "dehumanising"))
        assert x["label"] in {"hateful", "offensive", "incitement", "dehumanising", "neither"}
    assert rows[3]["language"] == "nl" and rows[3]["hateful"] is None
    assert "no training data for language 'nl'" in rows[3]["null_reason"]


def test_jsonl_input_and_forced_language(data_dir, tmp_path):
    src = tmp_path / "posts.jsonl"
    src.write_text(json.dumps({"body": "u a lil bitch"}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(app, ["monitor", "classify", "--input", str(src), "--text-column",
                                 "body", "--output", str(out), "--language", "en"])
    assert r.exit_code == 0, r.output
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert row["language"] == "en" and row["hateful"] is not None


def test_malformed_row_is_named_and_no_partial_output(data_dir, tmp_path):
    src = tmp_path / "posts.jsonl"
    src.write_text('{"text": "fine"}\n{"text": broken\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(app, ["monitor", "classify", "--input", str(src), "--output",
                                 str(out)])
    assert r.exit_code == 1
    assert "posts.jsonl, row 2" in r.output
    assert not out.exists() and not list(tmp_path.glob("*.partial"))
