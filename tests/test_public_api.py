"""scaffold's own installers use its public API only, as a third-party installer must: the names
the `scaffold` package exports and the modules of `scaffold.PUBLIC_MODULES`, plus the private
package of their own installer. And docs/installers.md documents every public module."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import scaffold

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src"
GUIDE = ROOT / "docs" / "installers.md"

# Each built-in installer's private implementation: its package, and the modules that declare
# it. Anything in a family may import anything else in it, never another family's code. The
# admin's two installers (admin, admin_view) share one, as do jobs and job.
FAMILIES = (
    ("scaffold.resources", "scaffold.installers.resource"),
    ("scaffold.auth", "scaffold.installers.auth"),
    ("scaffold.admin", "scaffold.installers.admin", "scaffold.installers.admin_view"),
    ("scaffold.jobs", "scaffold.installers.jobs", "scaffold.installers.job"),
    ("scaffold.schema", "scaffold.installers.migration"),
)
# Not held to the public API: these two are part of scaffold's own lifecycle, not installers
# built on it. `app` renders the base copier template and records the baseline; `upgrade`
# renders the template again, reads that baseline and runs the installers' upgraders.
ENGINE = frozenset({"scaffold.installers.app", "scaffold.installers.upgrade"})


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _path(module: str) -> Path | None:
    """The file of `module` under src/, if there is one."""
    base = SRC / module.replace(".", "/")
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.exists()), None)


def _installer_modules() -> list[str]:
    """Every module of the built-in installers (the two of ENGINE aside)."""
    paths = list((SRC / "scaffold" / "installers").glob("*.py"))
    for package, *_ in FAMILIES:
        paths += (SRC / package.replace(".", "/")).rglob("*.py")
    return sorted({_module_name(path) for path in paths} - ENGINE)


def _family(module: str) -> tuple[str, ...]:
    for family in FAMILIES:
        if module in family or module.startswith(family[0] + "."):
            return family
    return ()


def _imports(module: str, source: str) -> Iterator[tuple[int, str, str | None]]:
    """`(line, module, name)` for every import of scaffold's code, at the top of the file or
    inside a function; `name` is None when a module is imported (`from scaffold import
    migrations` imports the module scaffold.migrations)."""
    path = _path(module)
    package = module if path and path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        found: list[tuple[str, str | None]] = []
        if isinstance(node, ast.Import):
            found = [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package, up `level - 1` packages
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}".rstrip(".")
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append((submodule, None) if _path(submodule) else (base, alias.name))
        for target, name in found:
            if target == "scaffold" or target.startswith("scaffold."):
                yield node.lineno, target, name


def _problems(module: str, source: str) -> list[str]:
    """Each import of `module` that is neither public nor of its own installer."""
    family = _family(module)
    problems = []
    for line, target, name in _imports(module, source):
        if any(target == own or target.startswith(own + ".") for own in family):
            continue
        what = f"{target}.{name}" if name else target
        if target not in scaffold.PUBLIC_MODULES:
            problems.append(f"{module}:{line}: {what} (the module {target} is not public)")
        elif target == "scaffold" and name is not None and name not in scaffold.__all__:
            problems.append(f"{module}:{line}: {what} (not among scaffold.__all__)")
        elif name is not None and name.startswith("_"):
            problems.append(f"{module}:{line}: {what} (a private name)")
    return problems


@pytest.mark.parametrize("module", _installer_modules())
def test_the_built_in_installers_use_only_the_public_api(module: str) -> None:
    path = _path(module)
    assert path is not None
    assert _problems(module, path.read_text()) == []


def test_every_built_in_installer_is_checked() -> None:
    modules = _installer_modules()
    declared = {_module_name(p) for p in (SRC / "scaffold" / "installers").glob("*.py")}
    assert declared - ENGINE <= set(modules)
    assert {"scaffold.auth.wiring", "scaffold.admin.views", "scaffold.resources.spec"} <= set(
        modules
    )


def test_the_check_finds_private_code_wherever_it_is_imported() -> None:
    source = """\
from scaffold import Project, migrations, __version__, journal
from scaffold.patchers.python import EnsureImport, _statement
from scaffold.installers.admin import stage_guard
from scaffold.auth import wiring
from scaffold.resources.keys import Target
import scaffold.run
from . import domain


def later():
    from scaffold.project import Project
"""
    problems = _problems("scaffold.installers.resource", source)

    assert [problem.split(" ")[1] for problem in problems] == [
        "scaffold.__version__",
        "scaffold.journal",
        "scaffold.patchers.python._statement",
        "scaffold.installers.admin.stage_guard",
        "scaffold.auth.wiring",
        "scaffold.run",
        "scaffold.installers.domain",
        "scaffold.project.Project",
    ]
    assert _problems("scaffold.installers.admin", "from scaffold.admin import views\n") == []


def _api_section() -> str:
    guide = GUIDE.read_text()
    return guide.split("\n## The API\n", 1)[1].split("\n## ", 1)[0]


def test_the_guide_documents_every_public_module_and_name() -> None:
    api = _api_section()
    for module in scaffold.PUBLIC_MODULES:
        assert _path(module) is not None, f"{module} is public, but there is no such module"
        assert module == "scaffold" or f"`{module}" in api, f"{GUIDE}: {module} is missing"
    for name in scaffold.__all__:
        assert f"`{name}" in api or f"{name}(" in api, f"{GUIDE}: scaffold.{name} is missing"
    for module in ENGINE:
        assert f"`{module.rpartition('.')[2]}`" in api, f"{GUIDE}: say that {module} is exempt"


def _public_definitions() -> Iterator[tuple[str, ast.FunctionDef | ast.ClassDef]]:
    for module in scaffold.PUBLIC_MODULES:
        path = _path(module)
        assert path is not None
        for node in ast.parse(path.read_text()).body:
            is_definition = isinstance(node, ast.FunctionDef | ast.ClassDef)
            if is_definition and not node.name.startswith("_"):  # type: ignore[union-attr]
                yield module, node  # type: ignore[misc]


def test_public_functions_and_classes_say_what_they_do() -> None:
    missing = [
        f"{module}.{node.name}"
        for module, node in _public_definitions()
        if ast.get_docstring(node) is None
    ]
    assert missing == []
