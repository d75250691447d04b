"""docs/CONVENTIONS.md: imports go at the top of the module. A function-level import says why
it stays on its own line: `# cycle: <which modules>` (a real import cycle), `# heavy: <what>`
(slows `forewarn --help` or app start), `# optional: <what>` (an optional dependency) or
`# lazy: <why>` (e.g. test-only helpers). For a multi-line `from x import (a, b)` the comment
goes on the first line. The command line modules (cli*.py, which load lazily on purpose) and
the Alembic migrations are not checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import forewarn

ROOT = Path(forewarn.__file__).resolve().parent
TAGS = ("# cycle:", "# heavy:", "# optional:", "# lazy:")

# Files that may still hold unannotated function-level imports (none left); the test fails
# for an entry that no longer needs listing, so the set only shrinks.
PENDING: set[str] = set()


def unannotated(path: Path) -> list[tuple[int, str]]:
    """(line number, line) of each function-level import in PATH without one of TAGS."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    out = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, ast.Import | ast.ImportFrom):
                line = lines[child.lineno - 1]
                if not any(tag in line for tag in TAGS):
                    out.append((child.lineno, line.strip()))
            visit(child, in_function
                  or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    visit(ast.parse(source, filename=str(path)), False)
    return out


def checked_files() -> list[Path]:
    return [p for p in sorted(ROOT.rglob("*.py"))
            if not p.name.startswith("cli")
            and "migrations" not in p.relative_to(ROOT).parts[:2]]


def test_function_level_imports_say_why():
    problems = []
    for path in checked_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in PENDING:
            continue
        problems += [f"forewarn/{rel}:{n}: {line}" for n, line in unannotated(path)]
    assert not problems, (
        "function-level imports belong at the top of the module; one that must stay "
        f"says why ({', '.join(TAGS)}):\n" + "\n".join(problems))


def test_pending_files_still_need_listing():
    clean = sorted(rel for rel in PENDING
                   if not (ROOT / rel).exists() or not unannotated(ROOT / rel))
    assert not clean, f"remove from PENDING (nothing left to annotate): {clean}"


def test_the_check_flags_an_unannotated_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import json\n"
        "\n"
        "def f():\n"
        "    import os\n"
        "    import torch  # heavy: torch\n"
        "    from forewarn.web import search  # cycle: web.search imports web.fulltext\n"
        "    if True:\n"
        "        from collections import (\n"
        "            OrderedDict,\n"
        "        )\n"
        "    from typing import (  # lazy: a sample\n"
        "        Any,\n"
        "    )\n"
        "\n"
        "class C:\n"
        "    def m(self):\n"
        "        from re import compile\n"
        "\n"
        "    import sys\n",
        encoding="utf-8")
    assert [n for n, _ in unannotated(sample)] == [4, 8, 17]
