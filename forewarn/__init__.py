"""Forewarn: atrocity-crime early warning, assessment, response planning and documentation."""

from __future__ import annotations

import importlib
import importlib.util

__version__ = "0.1.0"

# Every capability sub-package, in the order their routers, commands, search groups, jobs,
# tables and seed factories are registered (name order: route matching depends on it).
# A new sub-package is added here; tests/core/test_layering.py fails for one that is missing.
CAPABILITIES = ("assess", "catalog", "data", "evidence", "forecast", "monitor", "reports",
                "respond", "security", "store", "web")


def capability_modules(name: str):
    """Each capability's module NAME (e.g. "web", "cli", "models"), in CAPABILITIES order,
    skipping capabilities without one; an import error inside a module is raised.
    Yields (package name, module)."""
    for pkg in CAPABILITIES:
        full = f"{__name__}.{pkg}.{name}"
        if importlib.util.find_spec(full) is not None:
            yield pkg, importlib.import_module(full)
