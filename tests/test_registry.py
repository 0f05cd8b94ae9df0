"""Finding installers: built-ins by name, the rest through the entry-point group."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from scaffold import ScaffoldError, registry
from scaffold.errors import InstallerNotFound

PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"


def test_the_built_ins_are_the_entry_points_pyproject_declares() -> None:
    declared = tomllib.loads(PYPROJECT.read_text())["project"]["entry-points"][registry.GROUP]
    assert declared == registry.BUILT_IN


def test_every_built_in_loads_and_is_found_through_its_entry_point_too() -> None:
    found = registry.available()
    for name, target in registry.BUILT_IN.items():
        assert registry.load(name).name == name
        assert found[name].value == target


def test_an_unknown_name_lists_what_there_is() -> None:
    with pytest.raises(InstallerNotFound, match="resource"):
        registry.load("no_such_installer")


def test_a_broken_or_wrong_target_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.BUILT_IN, "broken", "scaffold.no_such_module:thing")
    monkeypatch.setitem(registry.BUILT_IN, "wrong", "scaffold.registry:load")
    with pytest.raises(ScaffoldError, match=r"could not be loaded: ModuleNotFoundError"):
        registry.load("broken")
    with pytest.raises(ScaffoldError, match="is not an installer"):
        registry.load("wrong")
