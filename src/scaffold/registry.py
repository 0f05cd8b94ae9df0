"""Finding installers: every installer, built-in or third-party, is an entry point in the
`scaffold.installers` group, so the built-ins prove the public mechanism.

The built-ins are also known here by name, as pyproject.toml declares them (a test holds the
two together): loading one needs no scan of every installed package's metadata, which costs a
generator run more than its own work (importlib.metadata alone takes ~15 ms to import). A
package that claims a built-in's name is refused wherever installers are listed.
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING

from scaffold.declare import Installer
from scaffold.errors import InstallerNotFound, ScaffoldError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

GROUP = "scaffold.installers"
BUILT_IN = {
    "app": "scaffold.installers.app:app",
    "domain": "scaffold.installers.domain:domain",
    "resource": "scaffold.installers.resource:resource",
    "migration": "scaffold.installers.migration:migration",
    "installer": "scaffold.installers.skeleton:skeleton",
    "upgrade": "scaffold.installers.upgrade:upgrade",
    "auth": "scaffold.installers.auth:auth",
    "mailer": "scaffold.installers.mailer:mailer",
    "admin": "scaffold.installers.admin:admin",
    "admin_view": "scaffold.installers.admin_view:admin_view",
    "admin_guard": "scaffold.installers.admin:admin_guard",
    "jobs": "scaffold.installers.jobs:jobs",
    "jobs_auth": "scaffold.installers.jobs:jobs_auth",
    "job": "scaffold.installers.job:job",
}


# Scanning every installed distribution's metadata is the slow part; one run may look up
# several installers, so it scans once (`refresh` after installing a package).
@functools.cache
def available() -> dict[str, EntryPoint]:
    """Every installer's entry point by name. Two packages claiming one name is an error."""
    from importlib.metadata import entry_points

    found: dict[str, EntryPoint] = {}
    for point in entry_points(group=GROUP):
        other = found.get(point.name)
        if other is not None and other.value != point.value:
            raise ScaffoldError(
                f"Two packages provide the installer `{point.name}`: "
                f"{other.value} and {point.value}. Uninstall one of them."
            )
        found[point.name] = point
    return found


def refresh() -> None:
    """Forget the installers found so far: a package was installed since."""
    available.cache_clear()


def load(name: str) -> Installer:
    """The installer called `name`: a built-in one, or one a package provides."""
    target = BUILT_IN.get(name)
    if target is None:
        points = available()
        if name not in points:
            raise InstallerNotFound(name=name, available=list(points))
        target = points[name].value
    try:
        module, _, attribute = target.partition(":")
        loaded = functools.reduce(getattr, attribute.split("."), importlib.import_module(module))
    except Exception as error:  # a broken third-party package must not crash scaffold
        raise ScaffoldError(
            f"The installer `{name}` ({target}) could not be loaded: "
            f"{type(error).__name__}: {error}"
        ) from error
    if not isinstance(loaded, Installer):
        raise ScaffoldError(
            f"The entry point `{name}` ({target}) is not an installer; "
            "declare it with @scaffold.installer(...)."
        )
    return loaded
