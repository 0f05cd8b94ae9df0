"""`scaffold upgrade`: an app made by an older scaffold takes the current base template;
what the user edited is asked about, never silently overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffold import testing
from scaffold.declare import Upgrader, installer
from scaffold.journal import digest
from tests.conftest import run_scaffold

CSS = "src/shop/web/static/app.css"
HOME = "src/shop/web/templates/home.html"
PAGES = "src/shop/web/pages.py"


def _age(app: Path) -> None:
    """Make `app` look as if an older template had made it: app.css untouched at its old
    version, home.html edited by the user over an old version, pages.py deleted, and
    error.html unknown to the old template."""
    manifest_path = app / ".scaffold/template.json"
    manifest = json.loads(manifest_path.read_text())
    files = manifest["files"]
    (app / CSS).write_text("body { color: red; }\n")
    files[CSS] = digest("body { color: red; }\n")
    (app / HOME).write_text("<p>My own home page</p>\n")
    files[HOME] = digest("<p>The old home page</p>\n")
    (app / PAGES).unlink()
    del files["src/shop/web/templates/error.html"]
    (app / "src/shop/web/templates/error.html").unlink()
    manifest_path.write_text(json.dumps(manifest))


@pytest.fixture
def app(tmp_path: Path) -> Path:
    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=tmp_path).returncode == 0
    return tmp_path / "shop"


def test_an_up_to_date_app_has_nothing_to_upgrade(app: Path) -> None:
    result = run_scaffold("upgrade", "--yes", cwd=app)
    assert (result.returncode, result.stdout.strip()) == (0, "No changes")


def test_untouched_files_are_updated_and_edited_ones_are_conflicts(app: Path) -> None:
    _age(app)
    refused = run_scaffold("upgrade", "--yes", cwd=app)
    assert refused.returncode == 2
    assert f"{HOME} exists with other content. Pass --force" in refused.stderr
    assert (app / CSS).read_text() == "body { color: red; }\n"  # nothing written

    result = run_scaffold("upgrade", "--yes", "--skip", cwd=app)
    assert result.returncode == 0, result.stderr
    assert f"Update: {CSS}" in result.stdout
    assert "Create: src/shop/web/templates/error.html" in result.stdout
    assert f"Left out {PAGES}: you deleted it" in result.stdout
    assert (app / HOME).read_text() == "<p>My own home page</p>\n"
    assert "body" in (app / CSS).read_text() and "red" not in (app / CSS).read_text()
    assert not (app / PAGES).exists()


def test_upgraders_run_for_apps_that_installed_an_older_version(monkeypatch) -> None:
    from types import SimpleNamespace

    from scaffold import baseline
    from scaffold.copier_template import render
    from scaffold.installers import upgrade
    from scaffold.installers.app import TEMPLATE

    def add_marker(project, options) -> None:
        project.create_file("MIGRATED.txt", "yes\n")

    @installer("widget", upgraders=[Upgrader("0.2", add_marker), Upgrader("0.1", print)])
    def widget(project, options) -> None:
        pass

    point = SimpleNamespace(dist=SimpleNamespace(version="0.3.0"))
    monkeypatch.setattr(upgrade, "available", lambda: {"widget": point})
    monkeypatch.setattr(upgrade, "load", lambda name: widget)
    files = render(TEMPLATE, {"app_name": "shop", "db": "sqlite", "scaffold_version": "0.1.0"})
    files[baseline.PATH] = baseline.manifest(files, "0.1.0")
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        'scaffold_version = "0.1.0"\n',
        'scaffold_version = "0.1.0"\ninstalled = { widget = "0.1.5" }\n',
    )

    project = testing.run(testing.project(files), upgrade.upgrade)
    testing.assert_creates(project, "MIGRATED.txt", "yes\n")
    testing.assert_has_patch(
        project,
        "pyproject.toml",
        """
        - |installed = { widget = "0.1.5" }
        + |installed = { widget = "0.3.0" }
        """,
    )
    again = testing.written(files, project)
    testing.assert_unchanged(testing.run(testing.project(again), upgrade.upgrade))
