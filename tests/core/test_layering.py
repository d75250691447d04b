"""The layering contract of docs/CONVENTIONS.md ("Boundaries between capabilities"), checked
on every import statement in forewarn/ (function-level ones included):

1. a capability imports another only through that one's public modules (PUBLIC), or a
   foundation (FOUNDATIONS) — every remaining exception is listed in EXCEPTIONS with its reason,
   so the renames that remove them can follow;
2. no private name or module (`_name`) is imported across packages;
3. no import cycle between forewarn.security and forewarn.web: security's modules (but its own
   routes, security/pages.py and security/api.py, and its scheduled jobs) import nothing from
   forewarn.web;
4. every sub-package is registered in forewarn.CAPABILITIES (the app factory's one list).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import forewarn

ROOT = Path(forewarn.__file__).resolve().parent

# Modules any capability may import from another: the package itself (its __init__, which
# re-exports the typed interface), `service` (the Python interface), `models` (tables others
# join or reference) and `schemas` (the shapes of its JSON).
PUBLIC = {"", "service", "models", "schemas"}
# Shared layers every capability builds on, importable whole.
FOUNDATIONS = {
    "data": None, "store": None, "catalog": None,
    # forewarn.security: the access-control mechanism (CONVENTIONS "Access control"); its
    # `middleware` (principal per request, CSRF, security headers) is installed by the app
    # factory with one call.
    "security": {"", "deps", "audit", "crypto", "models", "testing", "exports", "derived",
                 "ownership", "originals", "sequence", "anchor", "outbound", "urls",
                 "middleware"},
    # forewarn.web: the framework capability pages use (CONVENTIONS "Templates", "The country
    # page", "Search groups", the scheduler).
    "web": {"deps", "render", "search", "sections", "charts", "scheduler", "fulltext", "menu"},
}

# (importing package, imported module) → why it is still allowed. Remove an entry when its
# import goes through the public interface; the test fails for entries no longer needed.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "migrations" in rel.parts:
            continue
        yield ".".join(("forewarn", *rel.with_suffix("").parts)).removesuffix(".__init__"), path


def _imports(path: Path):
    """(imported module, imported name or None) for every forewarn import in PATH."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.startswith("forewarn"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                if (ROOT / Path(*sub.split(".")[1:])).with_suffix(".py").exists() or \
                        (ROOT / Path(*sub.split(".")[1:]) / "__init__.py").exists():
                    yield sub, None
                else:
                    yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("forewarn"):
                    yield alias.name, None


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and
                                          (ROOT / parts[1]).is_dir()) else None


def _cross_imports():
    for module, path in _modules():
        src = _package(module)
        if src is None:
            continue  # forewarn/cli.py, settings.py, __init__.py: the assembly layer
        for target, name in _imports(path):
            dst = _package(target)
            if dst is not None and dst != src:
                yield module, src, target, dst, name


def _allowed(dst: str, target: str) -> bool:
    inner = ".".join(target.split(".")[2:])
    if dst in FOUNDATIONS:
        return FOUNDATIONS[dst] is None or inner in FOUNDATIONS[dst]
    return inner in PUBLIC


def test_capabilities_import_each_other_only_through_public_modules():
    bad, used = [], set()
    for module, src, target, dst, _name in _cross_imports():
        if _allowed(dst, target):
            continue
        if (src, target) in EXCEPTIONS:
            used.add((src, target))
            continue
        bad.append(f"{module} imports {target}")
    assert not bad, "imports past another capability's public modules (see " \
        "docs/CONVENTIONS.md):\n" + "\n".join(sorted(set(bad)))
    stale = set(EXCEPTIONS) - used
    assert not stale, f"exceptions no longer needed, remove them: {sorted(stale)}"


def test_no_private_names_cross_packages():
    bad = [f"{module} imports {target}{'.' + name if name else ''}"
           for module, _src, target, _dst, name in _cross_imports()
           if (name or "").startswith("_")
           or any(p.startswith("_") and p != "__init__" for p in target.split("."))]
    assert not bad, "\n".join(bad)


def test_no_security_web_cycle():
    graph = defaultdict(set)
    for module, path in _modules():
        for target, _ in _imports(path):
            graph[module].add(target)
    security_to_web = [f"{m} imports {t}" for m, ts in graph.items() for t in ts
                       if m.startswith("forewarn.security")
                           # its routes and scheduled jobs plug into the web layer
                           and m not in ("forewarn.security.pages", "forewarn.security.api",
                                         "forewarn.security.jobs")
                       and t.startswith("forewarn.web")]
    assert not security_to_web, "\n".join(security_to_web)

    # And no cycle at all through modules of both packages.
    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    cycles = [m for m in graph if m.startswith("forewarn.security") and m in reach(m)
              and any(x.startswith("forewarn.web") and m in reach(x) for x in reach(m))]
    assert not cycles, f"security ↔ web import cycles through {cycles}"


def test_every_sub_package_is_a_registered_capability():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(forewarn.CAPABILITIES), \
        f"add to forewarn.CAPABILITIES: {sorted(packages - set(forewarn.CAPABILITIES))}"


def test_no_sibling_fallbacks():
    """Sub-packages always ship together: no `except ImportError` stand-in for a sibling."""
    bad = []
    for module, path in _modules():
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Try):
                continue
            caught = {ast.unparse(h.type) for h in node.handlers if h.type is not None}
            if not any("ImportError" in c or "ModuleNotFoundError" in c for c in caught):
                continue
            guarded = {t for stmt in node.body for n in ast.walk(stmt)
                       for t in ([n.module] if isinstance(n, ast.ImportFrom) and n.module
                                 else [a.name for a in n.names] if isinstance(n, ast.Import)
                                 else [ast.unparse(n.args[0])] if isinstance(n, ast.Call)
                                 and ast.unparse(n.func).endswith("import_module") and n.args
                                 else [])}
            if any("forewarn" in t for t in guarded):
                bad.append(f"{module}:{node.lineno}")
    assert not bad, f"fallbacks for sibling sub-packages: {bad}"
