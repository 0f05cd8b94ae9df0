"""`scaffold install PKG` with a package that ships an installer through the
`scaffold.installers` entry point: added to the app, installed, previewed, applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_scaffold
from tests.support.apps import AppEnvironment, fetch

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).parent / "fixtures" / "scaffold_hello"


def test_a_package_installer_is_found_previewed_and_applied(
    tmp_path: Path, app_env: AppEnvironment
) -> None:
    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=tmp_path).returncode == 0
    app = tmp_path / "shop"
    app_env.install(app)
    app_env.install_scaffold()

    result = app_env.run(app, "scaffold", "install", str(EXAMPLE), "--greeting", "Bonjour", "--yes")
    out = result.stdout
    assert "Update: pyproject.toml" in out and "scaffold-hello @ file://" in out
    assert "Create: src/shop/web/hello.py" in out and "Update: src/shop/web/router.py" in out
    assert "Open /hello to be greeted." in out
    assert "scaffold-hello @ file://" in (app / "pyproject.toml").read_text()

    listed = app_env.run(app, "scaffold", "list").stdout
    assert "hello" in listed and "[scaffold-hello]" in listed
    again = app_env.run(app, "scaffold", "install", "hello", "--greeting", "Bonjour", "--yes")
    assert again.stdout.strip() == "No changes"

    tests = app_env.run(app, "pytest", "-q", "-p", "no:cacheprovider").stdout
    assert " passed" in tests and "failed" not in tests
    app_env.run(app, "ruff", "check", ".")
    with app_env.serve(app, "shop") as base:
        status, page = fetch(base + "/hello")
        assert status == 200 and "<h1>Bonjour</h1>" in page
        assert 'href="/hello"' in fetch(base + "/")[1]


def test_a_package_without_installers_is_a_clear_error(tmp_path: Path) -> None:
    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=tmp_path).returncode == 0
    result = run_scaffold("install", "./no-such-folder", "--yes", cwd=tmp_path / "shop")
    assert result.returncode == 2
    assert "is not a folder with a pyproject.toml" in result.stderr


PACKAGE = """\
[project]
name = "my-ext"
version = "0.1.0"
dependencies = []

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
"""


def test_gen_installer_makes_a_working_installer_with_its_test(
    tmp_path: Path, app_env: AppEnvironment
) -> None:
    package = tmp_path / "my-ext"
    (package / "src/my_ext").mkdir(parents=True)
    (package / "pyproject.toml").write_text(PACKAGE)
    (package / "src/my_ext/__init__.py").write_text("")
    made = run_scaffold("gen", "installer", "hello_page", "--yes", cwd=package)
    assert made.returncode == 0, made.stderr
    assert (
        'hello_page = "my_ext.installers.hello_page:hello_page"'
        in (package / "pyproject.toml").read_text()
    )

    app_env.install_scaffold()
    app_env.run(package, "pip", "install", "--quiet", "-e", ".")
    own_tests = app_env.run(package, "pytest", "-q", "-p", "no:cacheprovider").stdout
    assert "2 passed" in own_tests
    app_env.run(package, "ruff", "check", ".")

    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=tmp_path).returncode == 0
    app = tmp_path / "shop"
    app_env.install(app)
    app_env.run(app, "scaffold", "install", "hello_page", "--title", "Hi", "--yes")
    assert "<h1>Hi</h1>" in (app / "src/shop/web/hello_page.py").read_text()
    result = app_env.run(app, "pytest", "-q", "-p", "no:cacheprovider").stdout
    assert " passed" in result and "failed" not in result
