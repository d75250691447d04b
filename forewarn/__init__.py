"""Forewarn: atrocity-crime early warning, assessment, response planning and documentation."""

from __future__ import annotations

__version__ = "0.1.0"


def capability_modules(name: str):
    """Each capability sub-package's module NAME (e.g. "web", "cli", "models"), in package
    name order, skipping packages without one; an import error inside a module is raised.
    Yields (package name, module)."""
    import importlib
    import pkgutil

    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not mod.ispkg:
            continue
        full = f"{__name__}.{mod.name}.{name}"
        try:
            yield mod.name, importlib.import_module(full)
        except ModuleNotFoundError as exc:
            if exc.name != full:
                raise
