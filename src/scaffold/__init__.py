"""scaffold: make and grow FastAPI + SQLAlchemy web apps, safely.

The public API for installer authors: `installer`, `Option`, `Project`, and the errors.
Imports are lazy so that the command line starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Installer", "Option", "Project", "ScaffoldError", "UsageError", "installer"]

if TYPE_CHECKING:
    from scaffold.declare import Installer, Option, installer
    from scaffold.errors import ScaffoldError, UsageError
    from scaffold.project import Project

_WHERE = {
    "Installer": "scaffold.declare",
    "Option": "scaffold.declare",
    "installer": "scaffold.declare",
    "Project": "scaffold.project",
    "ScaffoldError": "scaffold.errors",
    "UsageError": "scaffold.errors",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'scaffold' has no attribute {name!r}")
