"""One import order, held to ruff: the import blocks scaffold writes, by each of its three
routes (new modules, imports added to existing files, template blocks), for tricky names, pass
ruff's isort rule, with its defaults and with an app's own settings."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from scaffold import import_order
from scaffold.patchers.python import EnsureImport, apply_edits
from scaffold.pysource import Imports
from scaffold.rendering import sorted_imports

FIRST_PARTY = frozenset({"shop", "tests"})
TOPS = ["shop", "tests", "os", "collections", "sqlalchemy", "fastapi", "Jinja2", "__future__"]
PARTS = ["thing2", "thing10", "thing02", "Thing", "a_b", "ab", "a0", "A", "x1", "item_10", "école"]
MEMBERS = ["Thing2", "Thing10", "CONST", "Const", "const", "make_thing2", "make_thing10", "A",
           "a", "_private", "HTTP", "Http", "É", "élan", "Z9", "z10"]  # fmt: skip
EXISTING = '"""A module the user wrote."""\n\nVALUE = 1\n'

STRICT = """
[tool.ruff]
line-length = 80

[tool.ruff.lint]
select = ["I"]

[tool.ruff.lint.isort]
order-by-type = false
case-sensitive = true
known-third-party = ["tests"]
known-first-party = ["fastapi"]
extra-standard-library = ["sqlalchemy"]
"""
DEFAULTS = '[tool.ruff]\nline-length = 100\n\n[tool.ruff.lint]\nselect = ["I"]\n'


def _statements(rng: random.Random) -> list[tuple[str, str, str]]:
    """(module, name, alias) triples: `import module [as alias]` when name is empty."""
    found = []
    for _ in range(rng.randint(1, 7)):
        top = rng.choice(TOPS)
        module = ".".join([top, *rng.sample(PARTS, rng.randint(0, 2))])
        if top == "__future__":
            found.append(("__future__", "annotations", ""))
        elif rng.random() < 0.25:
            found.append((module, "", rng.choice(["", "", "alias_" + rng.choice(PARTS)])))
        else:
            found += [(module, name, "") for name in rng.sample(MEMBERS, rng.randint(1, 4))]
    return found


def _by_imports(statements) -> str:
    imports = Imports(FIRST_PARTY)
    for module, name, alias in statements:
        imports.add(module, name, alias=alias)
    return imports.render() + "\n"


def _by_patcher(statements, rng: random.Random) -> str:
    shuffled = list(statements)
    rng.shuffle(shuffled)
    edits = [
        EnsureImport(module, name or None, alias or None, first_party=FIRST_PARTY)
        for module, name, alias in shuffled
    ]
    result = apply_edits(EXISTING, edits)
    assert isinstance(result, str), result
    return result


def _by_template_filter(statements, rng: random.Random) -> str:
    """One section only, as the templates use it: the app's and the tests' imports."""
    own: dict[str, list[str]] = {}
    for module, name, _ in statements:
        if module.split(".")[0] in FIRST_PARTY and name:
            own.setdefault(module, []).append(name)
    lines = [
        f"from {module} import {', '.join(import_order.sorted_members(set(names)))}"
        for module, names in own.items()
    ]
    rng.shuffle(lines)
    return sorted_imports("\n".join(lines), FIRST_PARTY) if lines else ""


def _make_modules(root: Path, statements) -> None:
    """The app's modules that the statements import: ruff counts a module as first party
    when it finds it in the app (`src/shop/...`, `tests/...`)."""
    for module, _, _ in statements:
        top, *parts = module.split(".")
        if top in FIRST_PARTY:
            folder = root / ("src" if top == "shop" else "") / top
            for part in parts:
                folder = folder / part
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "__init__.py").touch()


def _ruff_findings(folder: Path) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--output-format", "json", "--no-cache", "."],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("config", [DEFAULTS, STRICT], ids=["defaults", "app settings"])
def test_every_route_sorts_as_ruff_does(tmp_path: Path, config: str) -> None:
    (tmp_path / "pyproject.toml").write_text(config)
    for package in ("src/shop", "tests"):  # first party, as ruff finds it in an app
        (tmp_path / package).mkdir(parents=True)
        (tmp_path / package / "__init__.py").write_text("")
    out = tmp_path / "generated"
    out.mkdir()
    rng = random.Random(13)
    with import_order.using(import_order.Settings.of(config)):
        for number in range(120):
            statements = _statements(rng)
            _make_modules(tmp_path, statements)
            (out / f"imports_{number}.py").write_text(_by_imports(statements))
            (out / f"patched_{number}.py").write_text(_by_patcher(statements, rng))
            if block := _by_template_filter(statements, rng):
                (out / f"template_{number}.py").write_text(block)

    findings = _ruff_findings(tmp_path)

    assert [(Path(f["filename"]).name, f["code"]) for f in findings] == []


def test_the_settings_are_read_from_the_app_s_pyproject() -> None:
    settings = import_order.Settings.of(
        STRICT + "force-single-line = true\nlines-after-imports = 2\n"
    )
    assert settings.line_length == 80 and not settings.order_by_type and settings.case_sensitive
    assert settings.first_party == {"fastapi"} and settings.standard_library == {"sqlalchemy"}
    assert settings.ignored == ("force-single-line", "lines-after-imports")
    assert import_order.Settings.of(None) == import_order.Settings()


def test_digits_sort_by_value() -> None:
    imports = Imports(FIRST_PARTY).add("shop.catalog.thing10", "Thing10")
    imports.add("shop.catalog.thing2", "Thing2")
    assert imports.render() == (
        "from shop.catalog.thing2 import Thing2\nfrom shop.catalog.thing10 import Thing10"
    )
