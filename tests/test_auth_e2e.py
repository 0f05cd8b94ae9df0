"""`scaffold install auth` in real apps: their own tests on SQLite and PostgreSQL, ruff, the
migrations, and a person registering and logging in through a real browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import run_scaffold
from tests.support.apps import AppEnvironment, fresh_database, redis_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery staple"


def _scaffold(app: Path, *args: str) -> str:
    result = run_scaffold(*args, cwd=app, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _assert_tests_pass(app_env: AppEnvironment, app: Path, env: dict[str, str]) -> str:
    result = app_env.run(app, "pytest", "-q", "-rs", "-p", "no:cacheprovider", env=env)
    assert re.search(r"\b\d+ passed\b", result.stdout), result.stdout
    assert " failed" not in result.stdout and " error" not in result.stdout, result.stdout
    return result.stdout


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str | None]:
    """A Redis server of this test's own, if redis-server is installed (else None: the apps'
    Redis tests skip, saying why)."""
    with redis_server() as url:
        yield url


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment) -> Path:
    """One app with both strategies, installed, for most of the checks."""
    folder = tmp_path_factory.mktemp("auth")
    _scaffold(folder, "new", "shop", "--yes", "--no-git")
    app = folder / "shop"
    out = _scaffold(app, "install", "auth", "--yes")
    assert "Log-in by password and magic link is ready." in out
    # A resource that belongs to users: its tests make users with auth's factory.
    post = ["Blog.Post", "title:string:required", "author:references:Accounts.User"]
    made = _scaffold(app, "gen", "resource", *post, "--yes")
    assert "Warning" not in made
    app_env.install(app)
    return app


def test_installing_again_changes_nothing(app: Path) -> None:
    assert _scaffold(app, "install", "auth", "--yes").strip() == "No changes"


def test_the_apps_own_tests_pass(app_env: AppEnvironment, app: Path, redis_url: str | None) -> None:
    env = {"TEST_REDIS_URL": redis_url} if redis_url else {}
    out = _assert_tests_pass(app_env, app, env)
    if redis_url:  # the Redis counters were tested against the real server
        assert "no Redis server" not in out


def test_the_app_is_ruff_clean(app_env: AppEnvironment, app: Path) -> None:
    app_env.run(app, "ruff", "check", ".")
    app_env.run(app, "ruff", "format", "--check", ".")


def test_the_migrations_match_the_models(app_env: AppEnvironment, app: Path) -> None:
    app_env.run(app, "alembic", "upgrade", "head")
    check = app_env.run(app, "alembic", "check")
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def _latest_link(page: Page, base: str, path: str) -> str:
    """The link to `path` in the newest email of the dev mailbox."""
    page.goto(base + "/dev/mailbox")
    link = page.locator(f'.mailbox li:first-child a[href*="{path}"]').first
    return link.get_attribute("href") or ""


def test_a_person_registers_confirms_and_logs_in_both_ways(
    app_env: AppEnvironment, app: Path, browser: Browser, tmp_path: Path
) -> None:
    app_env.run(app, "alembic", "upgrade", "head")
    log = tmp_path / "server.log"
    shots = app / "screenshots"
    shots.mkdir(exist_ok=True)
    with app_env.serve(app, "shop", env={"APP_ENV": "dev"}, log=log) as base:
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        try:
            header = page.locator("header .account")

            # Register with a password: not logged in until the address is confirmed.
            page.goto(base + "/users/register")
            page.fill("#email", "ann@example.com")
            page.fill("#password", PASSWORD)
            page.click("form[action='/users/register'] button")
            assert "follow its link to confirm" in page.inner_text(".flash")
            page.screenshot(path=str(shots / "registered.png"), full_page=True)

            confirm = _latest_link(page, base, "/users/confirm/")
            page.screenshot(path=str(shots / "mailbox.png"), full_page=True)
            page.goto(confirm)
            page.click("text=Confirm my email")
            assert "confirmed" in page.inner_text(".flash")

            # Log in with the password, then out.
            page.fill("#password-email", "ann@example.com")
            page.fill("#password", PASSWORD)
            page.click("form[action='/users/log-in'] button")
            assert "ann@example.com" in header.inner_text()
            page.screenshot(path=str(shots / "logged-in.png"), full_page=True)
            page.click("text=Log out")
            assert "Log in" in header.inner_text()

            # Ask for a link; opening it shows a button and logs no one in; the button does.
            page.goto(base + "/users/log-in")
            page.screenshot(path=str(shots / "log-in.png"), full_page=True)
            page.fill("#magic-link-email", "ann@example.com")
            page.click("text=Email me a log-in link")
            link = _latest_link(page, base, "/users/log-in/")
            page.goto(link)
            assert "ann@example.com" not in header.inner_text()
            page.screenshot(path=str(shots / "magic-link.png"), full_page=True)
            page.click("main button")
            assert "ann@example.com" in header.inner_text()
            page.goto(base + "/users/settings")
            assert page.locator("h1").inner_text() == "Account settings"
            page.screenshot(path=str(shots / "settings.png"), full_page=True)

            # The same link a second time: refused.
            page.click("text=Log out")
            page.goto(link)
            page.click("main button")
            assert "invalid or has expired" in page.inner_text(".flash")
            assert "ann@example.com" not in header.inner_text()
        finally:
            page.close()
    served = log.read_text()
    token = link.rsplit("/", 1)[1]
    assert "POST /users/log-in/[redacted]" in served
    assert token not in served and confirm.rsplit("/", 1)[1] not in served


def test_magic_link_alone_then_password_on_postgres(
    tmp_path_factory: pytest.TempPathFactory,
    app_env: AppEnvironment,
    postgres: str,
    redis_url: str | None,
) -> None:
    folder = tmp_path_factory.mktemp("pg-auth")
    _scaffold(folder, "new", "pg_shop", "--yes", "--no-git", "--db", "postgres")
    app = folder / "pg_shop"
    out = _scaffold(app, "install", "auth", "--strategy", "magic_link", "--yes")
    assert "Create: src/pg_shop/accounts/passwords.py" not in out
    app_env.install(app)
    server = postgres.replace("postgresql://", "postgresql+psycopg://")
    test_url = f"{server}/scaffold_auth_test"
    env = {"TEST_DATABASE_URL": test_url, **({"TEST_REDIS_URL": redis_url} if redis_url else {})}
    _assert_tests_pass(app_env, app, env)

    # Password added later: only what it needs, and no new migration.
    added = _scaffold(app, "install", "auth", "--strategy", "password", "--yes")
    assert "Create: src/pg_shop/accounts/passwords.py" in added
    assert (
        "migrations/versions" not in added and "Create: src/pg_shop/accounts/user.py" not in added
    )
    app_env.install(app)  # argon2-cffi
    _assert_tests_pass(app_env, app, env)
    app_env.run(app, "ruff", "check", ".")
    app_env.run(app, "ruff", "format", "--check", ".")
    database = fresh_database(app_env, app, server, "scaffold_auth_e2e")
    app_env.run(app, "alembic", "upgrade", "head", env={"DATABASE_URL": database})
    check = app_env.run(app, "alembic", "check", env={"DATABASE_URL": database})
    assert "No new upgrade operations detected" in check.stdout + check.stderr
