"""scaffold: make and grow FastAPI + SQLAlchemy web apps, safely.

The public API for installer authors: `installer`, `Option`, `Project`, and the errors, from
this package; and the modules of PUBLIC_MODULES (docs/installers.md, "The API"). The rest is
scaffold's own and may change. Imports are lazy so that the command line starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Conflict", "Installer", "Option", "Project", "ScaffoldError", "Upgrader", "UsageError",
    "installer",
]  # fmt: skip

# What an installer may import: scaffold's own installers too, save the two that belong to its
# lifecycle (app, upgrade). tests/test_public_api.py holds them to it.
PUBLIC_MODULES = (
    "scaffold",
    "scaffold.migrations",
    "scaffold.naming",
    "scaffold.patchers",
    "scaffold.patchers.python",
    "scaffold.patchers.text",
    "scaffold.patchers.toml",
    "scaffold.pysource",
    "scaffold.rendering",
    "scaffold.testing",
    "scaffold.wiring",
)

if TYPE_CHECKING:
    from scaffold.declare import Installer, Option, Upgrader, installer
    from scaffold.errors import ScaffoldError, UsageError
    from scaffold.project import Conflict, Project

_WHERE = {
    "Installer": "scaffold.declare",
    "Option": "scaffold.declare",
    "installer": "scaffold.declare",
    "Upgrader": "scaffold.declare",
    "Project": "scaffold.project",
    "Conflict": "scaffold.project",
    "ScaffoldError": "scaffold.errors",
    "UsageError": "scaffold.errors",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'scaffold' has no attribute {name!r}")
