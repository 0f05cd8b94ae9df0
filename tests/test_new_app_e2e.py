"""`scaffold new`, then the generated app as its README says: installed, its own tests and
linters, its migrations, its server, and its home page in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run_scaffold
from tests.support.apps import AppEnvironment, fetch

pytestmark = pytest.mark.slow


def _new(folder: Path, name: str, *args: str) -> Path:
    result = run_scaffold("new", name, "--yes", *args, cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / name


def _assert_tests_pass(app_env: AppEnvironment, app: Path, env: dict | None = None) -> None:
    result = app_env.run(app, "pytest", "-q", "-p", "no:cacheprovider", env=env)
    assert re.search(r"\b\d+ passed\b", result.stdout), result.stdout
    assert "failed" not in result.stdout and "error" not in result.stdout.lower()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment) -> Path:
    made = _new(tmp_path_factory.mktemp("new"), "my_app")
    app_env.install(made)
    return made


def test_the_apps_own_tests_pass(app_env: AppEnvironment, app: Path) -> None:
    _assert_tests_pass(app_env, app)


def test_the_app_is_ruff_clean(app_env: AppEnvironment, app: Path) -> None:
    app_env.run(app, "ruff", "check", ".")
    app_env.run(app, "ruff", "format", "--check", ".")


def test_migrations_run_and_the_server_answers(app_env: AppEnvironment, app: Path) -> None:
    app_env.run(app, "alembic", "upgrade", "head")
    assert (app / "my_app.db").is_file()
    with app_env.serve(app, "my_app") as base:
        status, home = fetch(base + "/")
        assert status == 200 and "My App" in home
        assert fetch(base + "/health")[0] == 200
        status, css = fetch(base + "/static/app.css")
        assert status == 200 and "body" in css
        assert fetch(base + "/no-such-page")[0] == 404


def test_the_apps_own_cli(app_env: AppEnvironment, app: Path) -> None:
    routes = app_env.run(app, "python", "-m", "my_app", "routes")
    assert "/health" in routes.stdout
    assert "/health" in app_env.run(app, "my_app", "routes").stdout


def test_the_home_page_in_a_browser(app_env: AppEnvironment, app: Path, browser) -> None:
    with app_env.serve(app, "my_app") as base:
        page = browser.new_page()
        try:
            response = page.goto(base + "/")
            assert response is not None and response.status == 200
            assert "My App" in page.title()
            assert page.locator("nav").count() == 1
            # The stylesheet loaded: the page does not use the browser's default serif font.
            font = page.evaluate("getComputedStyle(document.body).fontFamily")
            assert "Times" not in font and font != "serif"
            page.screenshot(path=str(app / "home.png"), full_page=True)
        finally:
            page.close()


def test_a_postgres_app_passes_its_tests_and_serves(
    tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment, postgres: str
) -> None:
    app = _new(tmp_path_factory.mktemp("pg"), "pg_app", "--db", "postgres", "--no-git")
    app_env.install(app)
    url = postgres.replace("postgresql://", "postgresql+psycopg://") + "/pg_app_test"
    _assert_tests_pass(app_env, app, env={"TEST_DATABASE_URL": url})
    app_env.run(app, "ruff", "check", ".")
    env = {"DATABASE_URL": url}
    app_env.run(app, "alembic", "upgrade", "head", env=env)
    with app_env.serve(app, "pg_app", env=env) as base:
        status, body = fetch(base + "/health")
        assert status == 200 and "ok" in body
