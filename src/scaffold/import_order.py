"""Where ruff's isort rule puts an import: its section, and its order within the section.

The one place that knows it: the patchers (new imports in existing files), `pysource.Imports`
(import blocks of generated modules) and `rendering.sorted_imports` (blocks in templates) all
sort with the keys here. They follow ruff's defaults and the app's own `[tool.ruff]`
settings that change the order: `line-length`, and in `[tool.ruff.lint.isort]`
`known-first-party`, `known-third-party`, `known-local-folder`, `extra-standard-library`,
`order-by-type` and `case-sensitive`. A run uses the app's settings while its installers
stage (`using`); other isort settings are named in a warning, as not followed.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import string
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass, field
from typing import Any, TypeAlias

FUTURE, STANDARD_LIBRARY, THIRD_PARTY, FIRST_PARTY, LOCAL_FOLDER = range(5)
Key: TypeAlias = tuple[object, ...]
_NATURAL = re.compile(r"[0-9]+|.", re.DOTALL)
_FOLLOWED = {
    "known-first-party", "known-third-party", "known-local-folder", "extra-standard-library",
    "order-by-type", "case-sensitive",
    # The same order whatever these say: they only matter to code scaffold does not write.
    "split-on-trailing-comma", "combine-straight-imports",
}  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """The settings of ruff that decide where an import goes."""

    line_length: int = 100
    first_party: frozenset[str] = frozenset()
    third_party: frozenset[str] = frozenset()
    local_folder: frozenset[str] = frozenset()
    standard_library: frozenset[str] = frozenset()
    order_by_type: bool = True
    case_sensitive: bool = False
    ignored: tuple[str, ...] = field(default=())  # isort settings of the app not followed

    @classmethod
    def of(cls, pyproject: str | None) -> Settings:
        """The settings in a pyproject.toml's `[tool.ruff]` (ruff's defaults for the rest,
        and scaffold's line length, 100, when it gives none)."""
        try:
            ruff = tomllib.loads(pyproject or "").get("tool", {}).get("ruff", {})
        except tomllib.TOMLDecodeError:
            return cls()
        isort: Mapping[str, Any] = {
            **ruff.get("isort", {}),
            **ruff.get("lint", {}).get("isort", {}),
        }
        return cls(
            line_length=int(ruff.get("line-length", 100)),
            first_party=frozenset(isort.get("known-first-party", ())),
            third_party=frozenset(isort.get("known-third-party", ())),
            local_folder=frozenset(isort.get("known-local-folder", ())),
            standard_library=frozenset(isort.get("extra-standard-library", ())),
            order_by_type=bool(isort.get("order-by-type", True)),
            case_sensitive=bool(isort.get("case-sensitive", False)),
            ignored=tuple(sorted(set(isort) - _FOLLOWED)),
        )


DEFAULT = Settings()
_current: contextvars.ContextVar[Settings | None] = contextvars.ContextVar("settings", default=None)


def current() -> Settings:
    """The settings of the app whose run is staging (ruff's defaults outside a run)."""
    return _current.get() or DEFAULT


@contextlib.contextmanager
def using(settings: Settings) -> Iterator[None]:
    token = _current.set(settings)
    try:
        yield
    finally:
        _current.reset(token)


def section(module: str, first_party: Set[str] = frozenset()) -> int:
    """The section of `module` (`.x` for a relative import): future, standard library,
    third party, first party or local folder. As in ruff, the app's own `known-*` settings
    come first, then the standard library, then the packages of the app (`first_party`:
    ruff finds them in its folders)."""
    settings = current()
    top = module.partition(".")[0]
    if module == "__future__":
        return FUTURE
    if not top:
        return LOCAL_FOLDER
    for known, found in (
        (settings.local_folder, LOCAL_FOLDER),
        (settings.first_party, FIRST_PARTY),
        (settings.third_party, THIRD_PARTY),
        (settings.standard_library | sys.stdlib_module_names, STANDARD_LIBRARY),
        (first_party, FIRST_PARTY),
    ):
        if top in known:
            return found
    return THIRD_PARTY


def statement_key(
    module: str,
    first_party: Set[str] = frozenset(),
    *,
    names: Iterable[tuple[str, str | None]] | None = None,
    asname: str | None = None,
) -> Key:
    """Where a statement sorts: by section, then `import module [as asname]` (`names` None)
    before `from module import names` (each `(name, asname)`; none for `*`), then by module
    (relative ones furthest first: `..` before `.`), then by the first name (a module can be
    imported in several statements, one per aliased name)."""
    where = section(module, first_party)
    if names is None:
        return (where, 0, _name_key(module), _asname_key(asname))
    distance = -(len(module) - len(module.lstrip(".")))
    first = min((member_key(name, alias) for name, alias in names), default=(-1,))
    return (where, 1, distance, _name_key(module.lstrip(".")), first)


def block(statements: Iterable[tuple[Key, str]]) -> str:
    """Statements (each with its `statement_key`) sorted, a blank line between sections."""
    sections: dict[object, list[str]] = {}
    for key, code in sorted(statements):
        sections.setdefault(key[0], []).append(code)
    return "\n\n".join("\n".join(lines) for lines in sections.values())


def member_key(name: str, asname: str | None = None) -> Key:
    """The order of a name in `from x import ...`: by type (CONSTANTS, Classes, the rest)
    unless `order-by-type` is off, then by name."""
    kind = 0
    if current().order_by_type:
        # Like ruff, `len` in bytes: "É" is a constant.
        kind = 0 if len(name.encode()) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    return (kind, _name_key(name), _asname_key(asname))


def sorted_members(names: Iterable[str]) -> list[str]:
    return sorted(names, key=member_key)


def _asname_key(asname: str | None) -> Key:
    return (natural(asname),) if asname else ()


def _name_key(name: str) -> Key:
    """Case-insensitive first (unless `case-sensitive`), then case breaks ties: "A" < "a" < "B"."""
    if current().case_sensitive:
        return (natural(name),)
    return (natural(name.lower()), natural(name))


def natural(text: str) -> Key:
    """Ruff's "natural" order (the natord crate): runs of digits compare by value, "a2" < "a10".

    A run with a leading zero compares digit by digit, any other run by length first; other
    characters compare by code point, so "a.b" < "a0" < "a_b" < "ab".
    """
    return tuple(map(_natural_part, _NATURAL.findall(text)))


def _natural_part(part: str) -> Key:
    if part[0] not in string.digits:
        return (ord(part),)
    return (ord("0"), 0, part) if part[0] == "0" else (ord("0"), 1, len(part), part)
