"""`scaffold install auth` in real apps: their own tests on SQLite and PostgreSQL, ruff, the
migrations, and a person registering and logging in through a real browser."""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import run_scaffold
from tests.support.apps import AppEnvironment, free_port, fresh_database, redis_server
from tests.support.browser import watch_for_errors

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
        errors = watch_for_errors(page)
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
            # The link and the password confirm the address, and log in.
            page.goto(confirm)
            page.fill("#password", PASSWORD)
            page.click("text=Confirm my email")
            assert "confirmed" in page.inner_text(".flash")
            assert "ann@example.com" in header.inner_text()
            page.click("text=Log out")

            # Log in with the password, then out.
            page.goto(base + "/users/log-in")
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
            assert "invalid or has expired" in page.inner_text(".flash")
            assert "ann@example.com" not in header.inner_text()
        finally:
            page.close()
    assert errors == []  # the security headers' content policy blocked nothing
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


def test_served_in_production(app_env: AppEnvironment, app: Path, tmp_path: Path) -> None:
    """Over HTTP, as uvicorn serves it with APP_ENV=prod: what prod refuses to start without,
    links from APP_URL whatever the Host header, the security headers, HSTS, the body limit,
    and no API docs."""
    database = tmp_path / "prod.db"
    env = {
        "APP_ENV": "prod",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "a-production-secret-of-more-than-32-bytes",
        "APP_URL": "https://shop.example",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(free_port()),  # nothing listens: sending fails, which is not tested here
    }
    for missing, named in [("APP_URL", "APP_URL"), ("SECRET_KEY", "SECRET_KEY")]:
        refused = app_env.run(
            app,
            "python",
            "-c",
            "from shop.main import create_app; create_app()",
            env={**env, missing: "short" if missing == "SECRET_KEY" else ""},
            check=False,
        )
        assert refused.returncode != 0 and "APP_ENV=prod needs: " in refused.stderr
        assert named in refused.stderr
    app_env.run(app, "alembic", "upgrade", "head", env=env)
    with app_env.serve(app, "shop", env=env, log=tmp_path / "prod.log") as base:
        status, headers, _ = _request(base + "/users/log-in")
        assert status == 200
        assert headers["strict-transport-security"] == "max-age=31536000"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert _request(base + "/openapi.json")[0] == 404
        assert _request(base + "/docs")[0] == 404
        declared = f"Content-Length: {2 * 1024 * 1024 + 1}\r\n\r\n".encode()
        assert _post(base, declared).startswith(b"HTTP/1.1 413")  # answered before any body
        chunk = b"x" * 65536
        chunked = b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n" % (len(chunk), chunk)
        assert _post(base, chunked, repeat=48).startswith(b"HTTP/1.1 413")  # 3 MiB sent on


def _request(
    url: str, data: bytes | None = None, content_type: str | None = None
) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, data=data)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read().decode()


def _post(base: str, rest: bytes, repeat: int = 0) -> bytes:
    """POST to the JSON API over a socket: the request line and headers, `rest` (more headers
    and a body), then the body's last `repeat` times more; the first bytes of the answer."""
    port = int(base.rsplit(":", 1)[1])
    head = b"POST /api/posts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head + rest)
        chunk = rest.split(b"\r\n\r\n", 1)[1]
        try:
            for _ in range(repeat):
                connection.sendall(chunk)
        except OSError:  # the server answered and closed the connection, as it should
            pass
        return connection.recv(4096)
