"""`scaffold upgrade`: an app made by an older scaffold takes the current base template;
what the user edited is asked about, never silently overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffold import testing
from scaffold.declare import Upgrader, installer
from scaffold.journal import digest
from tests.conftest import copy_app, run_scaffold

CSS = "src/shop/web/static/app.css"
HOME = "src/shop/web/templates/home.html"
PAGES = "src/shop/web/pages.py"


def _age(app: Path) -> None:
    """Make `app` look as if an older template had made it: app.css untouched at its old
    version, home.html edited by the user over an old version, pages.py deleted, and
    error.html unknown to the old template."""
    manifest_path = app / ".scaffold/template.json"
    manifest = json.loads(manifest_path.read_text())
    files, texts = manifest["files"], manifest["texts"]
    (app / CSS).write_text("body { color: red; }\n")
    texts[CSS], files[CSS] = ["body { color: red; }\n"], digest("body { color: red; }\n")
    (app / HOME).write_text("<p>My own home page</p>\n")
    texts[HOME] = ["<p>The old home page</p>\n"]
    files[HOME] = digest("<p>The old home page</p>\n")
    (app / PAGES).unlink()
    del files["src/shop/web/templates/error.html"], texts["src/shop/web/templates/error.html"]
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
    assert f"{HOME} has edits of yours where the template changed too (line 1)" in refused.stderr
    assert "Pass --force to take the template's lines there" in refused.stderr
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


LAYOUT = "src/shop/web/templates/layout.html"
MAIN = '<main class="container">'


def _as_if_older(app: Path, path: str, now: str, then: str) -> None:
    """Make `path` look as if an older template, with `then` where it has `now`, had made
    it: in the file and in what scaffold recorded of the template."""
    manifest_path = app / ".scaffold/template.json"
    manifest = json.loads(manifest_path.read_text())
    old = "".join(manifest["texts"][path]).replace(now, then)
    assert old != "".join(manifest["texts"][path])
    manifest["texts"][path] = old.splitlines(keepends=True)
    manifest["files"][path] = digest(old)
    manifest_path.write_text(json.dumps(manifest))
    (app / path).write_text((app / path).read_text().replace(now, then))


@pytest.fixture(scope="module")
def installed(new_shop: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    app = copy_app(new_shop, tmp_path_factory.mktemp("installed") / "shop")
    for name in ("auth", "admin"):
        assert run_scaffold("install", name, "--yes", cwd=app).returncode == 0
    return app


@pytest.fixture
def copy(installed: Path, tmp_path: Path) -> Path:
    return copy_app(installed, tmp_path / "shop")


def test_the_same_version_after_installers_is_no_changes(copy: Path) -> None:
    result = run_scaffold("upgrade", "--yes", cwd=copy)
    assert (result.returncode, result.stdout.strip()) == (0, "No changes")


def test_an_app_that_kept_only_hashes_takes_nothing_back_out(copy: Path) -> None:
    manifest = json.loads((copy / ".scaffold/template.json").read_text())
    del manifest["texts"]  # as apps made before the texts were kept
    (copy / ".scaffold/template.json").write_text(json.dumps(manifest))
    result = run_scaffold("upgrade", "--yes", cwd=copy)
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith(("Update", "Conf"))] == [
        "Update: .scaffold/template.json"
    ]


def test_a_template_change_is_merged_into_a_file_installers_and_you_edited(copy: Path) -> None:
    _as_if_older(copy, LAYOUT, MAIN, "<main>")
    layout = copy / LAYOUT
    mine = layout.read_text().replace("<body>", '<body class="mine">')
    layout.write_text(mine)
    assert 'href="/users/log-in"' in mine  # auth's edit

    result = run_scaffold("upgrade", "--yes", cwd=copy)

    assert result.returncode == 0, result.stderr
    assert f"Update: {LAYOUT}" in result.stdout and "Conflict" not in result.stdout
    assert layout.read_text() == mine.replace("<main>", MAIN)
    again = run_scaffold("upgrade", "--yes", cwd=copy)
    assert again.stdout.strip() == "No changes"


def test_an_overlap_is_a_conflict_of_those_lines_only(copy: Path) -> None:
    _as_if_older(copy, LAYOUT, MAIN, "<main>")
    _as_if_older(copy, LAYOUT, '<html lang="en">', "<html>")
    layout = copy / LAYOUT
    mine = layout.read_text().replace("<main>", '<main id="top">')
    layout.write_text(mine)
    line = mine.splitlines().index('  <main id="top">') + 1

    refused = run_scaffold("upgrade", "--yes", cwd=copy)
    assert refused.returncode == 2 and layout.read_text() == mine
    assert f"{LAYOUT} has edits of yours where the template changed too (line {line})" in (
        refused.stderr
    )

    preview = run_scaffold("upgrade", "--dry-run", cwd=copy).stdout
    assert f"Conflict: {LAYOUT}  (has edits of yours" in preview
    assert '- |  <main id="top">\n' in preview and f"+ |  {MAIN}\n" in preview
    assert "+ |    <p class" not in preview  # not the whole file: its hunks

    kept = run_scaffold("upgrade", "--yes", "--skip", cwd=copy)
    assert kept.returncode == 0, kept.stderr
    assert layout.read_text() == mine.replace("<html>", '<html lang="en">')
    assert run_scaffold("undo", "--yes", cwd=copy).returncode == 0

    forced = run_scaffold("upgrade", "--yes", "--force", cwd=copy)
    assert forced.returncode == 0, forced.stderr
    assert layout.read_text() == mine.replace("<html>", '<html lang="en">').replace(
        '<main id="top">', MAIN
    )
