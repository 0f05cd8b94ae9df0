"""Finding installers: every installer, built-in or third-party, is an entry point in the
`scaffold.installers` group, so the built-ins prove the public mechanism."""

from __future__ import annotations

import functools
from importlib.metadata import EntryPoint, entry_points

from scaffold.declare import Installer
from scaffold.errors import InstallerNotFound, ScaffoldError

GROUP = "scaffold.installers"


# Scanning every installed distribution's metadata is the slow part; one run composes several
# installers, so it scans once (`refresh` after installing a package).
@functools.cache
def available() -> dict[str, EntryPoint]:
    """Every installer's entry point by name. Two packages claiming one name is an error."""
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
    points = available()
    if name not in points:
        raise InstallerNotFound(name=name, available=list(points))
    try:
        loaded = points[name].load()
    except Exception as error:  # a broken third-party package must not crash scaffold
        raise ScaffoldError(
            f"The installer `{name}` ({points[name].value}) could not be loaded: "
            f"{type(error).__name__}: {error}"
        ) from error
    if not isinstance(loaded, Installer):
        raise ScaffoldError(
            f"The entry point `{name}` ({points[name].value}) is not an installer; "
            "declare it with @scaffold.installer(...)."
        )
    return loaded
