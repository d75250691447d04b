"""docs/settings.md is generated from forewarn.settings and lists every FOREWARN_* variable the
code reads (like Datasette's test_docs.py): a setting added without documentation fails here."""

from __future__ import annotations

import re
from pathlib import Path

from forewarn import settings as settings_module
from forewarn.settings import Settings, variables

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "settings.md"
NAME = re.compile(r"FOREWARN_[A-Z0-9_]*[A-Z0-9]")


def test_docs_settings_md_is_generated_from_the_settings_object():
    assert DOC.read_text("utf-8") == settings_module.markdown(), \
        "docs/settings.md is out of date: python -m forewarn.settings > docs/settings.md"


def test_every_setting_has_a_description():
    missing = [v["attribute"] for v in variables() if not v["description"].strip()]
    assert not missing, f"settings without a description: {missing}"


def test_every_forewarn_variable_in_the_code_is_documented():
    documented = set(NAME.findall(DOC.read_text("utf-8")))
    used = {}
    for folder in ("forewarn", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            for name in NAME.findall(path.read_text("utf-8")):
                # prefixes of a group (FOREWARN_REPORTS_…) are written with a trailing "_"
                used.setdefault(name, str(path.relative_to(ROOT)))
    used = {n: p for n, p in used.items() if not any(d.startswith(n + "_") for d in documented)}
    undocumented = {n: p for n, p in used.items() if n not in documented}
    assert not undocumented, f"FOREWARN_* variables missing from docs/settings.md: {undocumented}"


def test_readme_lists_every_installation_setting():
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [v["env"] for v in variables() if v["env"] not in readme]
    assert not missing, f"README's Settings paragraph lacks {missing}"


def test_every_variable_reaches_its_attribute(monkeypatch, tmp_path):
    """Each documented variable really sets the attribute it names (no dead documentation)."""
    samples = {"int": "7", "bool": "false", "float": "2.5"}
    for v in variables():
        kind = v["type"].split()[0]
        value = samples.get(kind, str(tmp_path / "x") if kind == "Path" else "given")
        monkeypatch.setenv(v["env"], value)
    s = Settings()
    for v in variables():
        got = s
        for part in v["attribute"].split(".")[1:]:
            got = getattr(got, part)
        kind = v["type"].split()[0]
        expected = {"int": 7, "bool": False, "float": 2.5, "Path": tmp_path / "x"}.get(kind,
                                                                                     "given")
        assert got == expected, (v["env"], got)
