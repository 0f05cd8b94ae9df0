"""Auth served as in production: two uvicorn worker processes on PostgreSQL, rate limits in
Redis. Two sign-up links for one address followed at the same moment, and Redis going away
and coming back, against the running server."""

from __future__ import annotations

import functools
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.conftest import run_scaffold
from tests.support.apps import AppEnvironment, free_port, fresh_database

pytestmark = pytest.mark.slow

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_MESSAGE = re.compile(r"To (\S+) ·.*?<pre>(.*?)</pre>", re.DOTALL)
_LINK = re.compile(r"/users/log-in/([A-Za-z0-9_-]{43})\b")
Response = tuple[int, str, str]  # status, Location header, body


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """A visitor with cookies of its own, from a client address of its own (the server
    trusts X-Forwarded-For from 127.0.0.1, uvicorn's default): redirects are not followed."""

    def __init__(self, base: str, address: str) -> None:
        self.base, self.address = base, address
        handlers = (urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirects())
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, form: dict[str, str] | None = None) -> Response:
        """(status, Location header, body) of a GET, or of a POST of `form`."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data)
        request.add_header("X-Forwarded-For", self.address)
        request.add_header("Accept", "text/html")
        try:
            with self.opener.open(request, timeout=30) as response:
                return (
                    response.status,
                    response.headers.get("Location", ""),
                    response.read().decode(),
                )
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def form_token(self, page: str) -> str:
        """Open `page`, and return the CSRF token its forms carry."""
        found = _CSRF.search(self.request(page)[2])
        assert found, f"no CSRF token on {page}"
        return found[1]

    def post_form(self, page: str, path: str, form: dict[str, str]) -> Response:
        """Open `page`, then send its form to `path` with the CSRF token it carries."""
        return self.request(path, {**form, "csrf_token": self.form_token(page)})


class RedisServer:
    """A Redis server of the test's own, on loopback, that the test stops and starts."""

    def __init__(self, executable: str) -> None:
        self.executable, self.port = executable, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/15"

    def start(self) -> None:
        command = [self.executable, "--port", str(self.port), "--bind", "127.0.0.1"]
        self.process = subprocess.Popen(
            [*command, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"redis-server did not listen on {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    executable = shutil.which("redis-server")
    if executable is None:
        if os.environ.get("SCAFFOLD_REQUIRE_REDIS"):
            pytest.fail("redis-server is not installed; SCAFFOLD_REQUIRE_REDIS is set")
        pytest.skip("redis-server is not installed")
    server = RedisServer(executable)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
    app_env: AppEnvironment,
    postgres: str,
    redis_server: RedisServer,
) -> Iterator[tuple[str, Path]]:
    """(base URL, server log) of an app with log-in by link, on PostgreSQL, two workers."""
    folder = tmp_path_factory.mktemp("auth-workers")
    made = run_scaffold("new", "busy_shop", "--db", "postgres", "--yes", "--no-git", cwd=folder)
    assert made.returncode == 0, made.stdout + made.stderr
    app = folder / "busy_shop"
    installed = run_scaffold("install", "auth", "--strategy", "magic_link", "--yes", cwd=app)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    app_env.install(app)
    database = fresh_database(app_env, app, postgres, "busy_shop_workers")
    app_env.run(app, "alembic", "upgrade", "head", env={"DATABASE_URL": database})
    env = {"APP_ENV": "dev", "DATABASE_URL": database, "RATE_LIMIT_URL": redis_server.url}
    log = folder / "server.log"
    with app_env.serve(app, "busy_shop", env=env, log=log, workers=2) as base:
        yield base, log


def _sign_up_links(base: str, email: str) -> list[str]:
    """The sign-up links the dev mailbox holds for `email`."""
    page = urllib.request.urlopen(base + "/dev/mailbox", timeout=30).read().decode()
    tokens = [
        token for to, body in _MESSAGE.findall(page) if to == email for token in _LINK.findall(body)
    ]
    return [f"/users/log-in/{token}" for token in dict.fromkeys(tokens)]  # each is linked


def _at_once(calls: list[Callable[[], Response]]) -> list[Response]:
    """What each of `calls` returns, made in threads released at the same moment."""
    together = threading.Barrier(len(calls))
    results: list[Response] = [(0, "", "")] * len(calls)

    def run(index: int) -> None:
        together.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_sign_up_links_followed_at_once_log_in_to_one_account(
    served: tuple[str, Path],
) -> None:
    base, _ = served
    for attempt in range(10):  # before the fix, 9 tries in 10 gave one of the two a 500
        email = f"race{attempt}@example.com"
        asking = Browser(base, f"10.0.1.{attempt}")
        for _ in range(2):
            sent = asking.post_form("/users/log-in", "/users/magic-link", {"email": email})
            assert sent[:2] == (303, "/users/log-in"), sent
        links = _sign_up_links(base, email)
        assert len(links) == 2, links
        # Two browsers open a link each (the page with the button), then press at once.
        browsers = {link: Browser(base, f"10.0.2.{attempt}") for link in links}
        pressed = _at_once(
            [
                functools.partial(browser.request, link, {"csrf_token": browser.form_token(link)})
                for link, browser in browsers.items()
            ]
        )

        for (status, location, body), browser in zip(pressed, browsers.values(), strict=True):
            assert (status, location) == (303, "/"), (attempt, status, body[:3000])
            assert browser.request("/users/settings")[0] == 200, (attempt, "not logged in")


def test_rate_limits_refuse_while_redis_is_down_and_health_says_so(
    served: tuple[str, Path], redis_server: RedisServer
) -> None:
    base, log = served
    visitor = Browser(base, "10.0.3.1")
    form = {"email": "outage@example.com"}
    assert visitor.post_form("/users/log-in", "/users/magic-link", form)[0] == 303
    assert visitor.request("/health")[0] == 200

    redis_server.stop()
    try:
        status, _, page = visitor.post_form("/users/log-in", "/users/magic-link", form)
        health = [visitor.request("/health") for _ in range(4)]  # either worker may answer
    finally:
        redis_server.start()

    assert status == 503, page[:2000]
    assert "This form cannot be sent just now. Try again in a few minutes." in page
    assert "Traceback" not in page
    assert f"Rate limits: Redis at 127.0.0.1:{redis_server.port}/15 is unreachable" in (
        log.read_text()
    )
    for code, _, body in health:
        assert code == 503 and '"rate_limits":"unreachable"' in body, body
    # Redis is back: the forms and /health are too.
    assert visitor.post_form("/users/log-in", "/users/magic-link", form)[0] == 303
    code, _, body = visitor.request("/health")
    assert code == 200 and '"rate_limits":"ok"' in body, body
