"""`scaffold install jobs` in a real app, auth installed after it: the app's own tests, ruff and
the migrations; a page that only enqueues its email, which a real worker then sends; and two
worker processes of the app sharing a real broker (Redis, then PostgreSQL), doing 1,000 jobs
the app enqueued exactly once each, and retrying a failing job later and later until it is
recorded as failed."""

from __future__ import annotations

import http.cookiejar
import itertools
import os
import re
import signal
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import run_scaffold
from tests.support.apps import AppEnvironment, fresh_database, redis_server

pytestmark = pytest.mark.slow

JOBS = 1000
# The test's own jobs, beside the app (not in it): each records its run in a file of its own.
TRIAL_JOBS = """\
import os
import time
from pathlib import Path

from workshop.jobs.queue import queue

RUNS = Path(os.environ["TRIAL_RUNS"])


@queue.task()
def record(number: int) -> None:
    # "x": a second run of the same job fails here, and is recorded as failed.
    with open(RUNS / str(number), "x") as out:
        out.write(str(os.getpid()))


@queue.task(retries=2, retry_delay=1, retry_backoff=2)
def always_fails() -> None:
    with open(RUNS / "attempts", "a") as out:
        out.write(f"{time.time()}\\n")
    raise RuntimeError("this job always fails")
"""
WORKER = "import trial_jobs; from workshop.cli import main; main(['worker', '--threads', '4'])"
ENQUEUE = f"""\
import trial_jobs
from workshop.main import create_app

create_app()  # the queue, set up from the settings, as the app's pages have it
for number in range({JOBS}):
    trial_jobs.record(number)
trial_jobs.always_fails()
"""


def _scaffold(app: Path, *args: str) -> str:
    result = run_scaffold(*args, cwd=app, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment) -> Path:
    folder = tmp_path_factory.mktemp("jobs")
    # Named apart from the other modules' apps: all are installed in one environment.
    _scaffold(folder, "new", "workshop", "--yes", "--no-git")
    app = folder / "workshop"
    assert "Background jobs are ready." in _scaffold(app, "install", "jobs", "--yes")
    _scaffold(
        app, "install", "auth", "--yes"
    )  # after jobs: its emails go through them all the same
    _scaffold(app, "gen", "job", "Mail.Digest", "--yes")
    app_env.install(app)
    app_env.run(app, "alembic", "upgrade", "head")
    return app


def test_installing_again_changes_nothing(app: Path) -> None:
    assert _scaffold(app, "install", "jobs", "--yes").strip() == "No changes"
    assert _scaffold(app, "install", "auth", "--yes").strip() == "No changes"
    assert _scaffold(app, "gen", "job", "Mail.Digest", "--yes").strip() == "No changes"


def test_the_apps_own_tests_pass(app_env: AppEnvironment, app: Path) -> None:
    result = app_env.run(app, "pytest", "-q", "-p", "no:cacheprovider")
    assert re.search(r"\b\d+ passed\b", result.stdout), result.stdout
    assert " failed" not in result.stdout and " error" not in result.stdout, result.stdout


def test_the_app_is_ruff_clean(app_env: AppEnvironment, app: Path) -> None:
    app_env.run(app, "ruff", "check", ".")
    app_env.run(app, "ruff", "format", "--check", ".")


def test_the_migrations_match_the_models(app_env: AppEnvironment, app: Path) -> None:
    check = app_env.run(app, "alembic", "check")
    assert "No new upgrade operations detected" in check.stdout + check.stderr


@contextmanager
def _workers(
    app_env: AppEnvironment, app: Path, command: list[str], env: dict[str, str], logs: Path
) -> Iterator[list[int]]:
    """Two worker processes of the app, started by `command` (`python -m workshop worker`, or
    with the test's jobs imported first), each logging to a file; their process ids. Stopped
    by SIGTERM, as a service manager stops them: they let their running jobs finish."""
    workers = []
    for number in range(2):
        with (logs / f"worker-{number}.log").open("w") as log:
            workers.append(
                subprocess.Popen(
                    [str(app_env.bin / "python"), *command],
                    cwd=app,
                    env={**os.environ, **env},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        for number, worker in enumerate(workers):
            log = logs / f"worker-{number}.log"

            def started(log: Path = log, worker: subprocess.Popen = worker) -> bool:
                assert worker.poll() is None, f"the worker exited:\n{log.read_text()}"
                return "Huey consumer started" in log.read_text()

            _wait(started, 60, lambda log=log: f"a worker starting:\n{log.read_text()}")
        yield [worker.pid for worker in workers]
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=30)
    for number, worker in enumerate(workers):
        assert worker.returncode == 0, (logs / f"worker-{number}.log").read_text()


def _wait(done: Callable[[], bool], seconds: float, what: str | Callable[[], str]) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"not done within {seconds} s: {what if isinstance(what, str) else what()}"
            )
        time.sleep(0.1)


def _browser() -> urllib.request.OpenerDirector:
    """A client that keeps its cookies, as a browser does."""
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _post_form(client: urllib.request.OpenerDirector, url: str, data: dict[str, str]) -> str:
    """Send a form with the CSRF token of its page; the page it leads to."""
    page = client.open(url).read().decode()
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    body = urllib.parse.urlencode({**data, "csrf_token": found[1]}).encode()
    return client.open(url, data=body).read().decode()


def test_a_page_only_enqueues_its_email_and_a_worker_sends_it(
    app_env: AppEnvironment, app: Path, tmp_path: Path
) -> None:
    env = {"APP_ENV": "dev"}  # with the default JOBS_URL: a SQLite file beside the app
    with app_env.serve(app, "workshop", env=env, log=tmp_path / "server.log") as base:
        client = _browser()
        data = {"email": "ann@example.com", "password": "correct horse battery staple"}
        assert "follow its link to confirm" in _post_form(client, base + "/users/register", data)
        mailbox = base + "/dev/mailbox"
        assert "ann@example.com" not in client.open(mailbox).read().decode()  # only enqueued

        with _workers(app_env, app, ["-m", "workshop", "worker"], env, tmp_path):
            _wait(
                lambda: "Confirm your email address" in client.open(mailbox).read().decode(),
                30,
                "the confirmation email in the dev mailbox",
            )


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str | None]:
    with redis_server() as url:
        yield url


@pytest.fixture(params=["redis", "postgres"])
def broker(
    request: pytest.FixtureRequest, redis_url: str | None, app_env: AppEnvironment, app: Path
) -> str:
    """JOBS_URL of a real broker: this test's own Redis server, or a database of its own on the
    PostgreSQL server."""
    if request.param == "redis":
        if redis_url is None:
            pytest.skip("redis-server is not installed")
        return redis_url
    server = request.getfixturevalue("postgres").replace("postgresql://", "postgresql+psycopg://")
    app_env.run(app, "pip", "install", "--quiet", "psycopg[binary]>=3.2")  # Huey's PostgreSQL
    return fresh_database(app_env, app, server, "scaffold_jobs_e2e")


def test_two_workers_do_each_job_once_and_retry_a_failing_one_until_it_is_recorded(
    app_env: AppEnvironment, app: Path, broker: str, tmp_path: Path
) -> None:
    (tmp_path / "trial_jobs.py").write_text(TRIAL_JOBS)
    runs = tmp_path / "runs"
    runs.mkdir()
    database = tmp_path / "app.db"
    env = {
        "APP_ENV": "dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "JOBS_URL": broker,
        "TRIAL_RUNS": str(runs),
        "PYTHONPATH": str(tmp_path),
    }
    app_env.run(app, "alembic", "upgrade", "head", env=env)

    def failures() -> list[tuple[str, str]]:
        with sqlite3.connect(database) as connection:
            return connection.execute("SELECT job, error FROM job_failures").fetchall()

    with _workers(app_env, app, ["-c", WORKER], env, tmp_path) as pids:
        started = time.monotonic()
        app_env.run(app, "python", "-c", ENQUEUE, env=env)
        _wait(lambda: len(list(runs.iterdir())) == JOBS + 1 and failures(), 240, "the jobs")
        took = time.monotonic() - started

    done = {path.name: path.read_text() for path in runs.iterdir() if path.name != "attempts"}
    assert sorted(done, key=int) == [str(number) for number in range(JOBS)]
    # Each worker did its share; neither ran a job the other had (that run would have failed).
    assert {int(pid) for pid in done.values()} == set(pids)
    assert failures() == [("trial_jobs.always_fails", "RuntimeError: this job always fails")]
    attempts = [float(line) for line in (runs / "attempts").read_text().split()]
    waits = [later - earlier for earlier, later in itertools.pairwise(attempts)]
    assert len(attempts) == 3, attempts  # the first run, then its two retries
    assert waits[0] >= 1 and waits[1] >= 2, waits  # after 1 second, then twice as long
    print(f"{JOBS} jobs on {broker.split(':')[0].split('+')[0]} with two workers: {took:.1f} s")


def test_an_app_on_postgres_with_auth_then_jobs_passes_its_tests(
    tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment, postgres: str
) -> None:
    folder = tmp_path_factory.mktemp("pg-jobs")
    _scaffold(folder, "new", "pg_workshop", "--db", "postgres", "--install", "auth,jobs", "--yes")
    app = folder / "pg_workshop"
    _scaffold(app, "gen", "job", "Mail.Digest", "--yes")
    app_env.install(app)
    server = postgres.replace("postgresql://", "postgresql+psycopg://")
    env = {"TEST_DATABASE_URL": f"{server}/scaffold_jobs_test"}
    result = app_env.run(app, "pytest", "-q", "-p", "no:cacheprovider", env=env)
    assert re.search(r"\b\d+ passed\b", result.stdout), result.stdout
    assert " failed" not in result.stdout and " error" not in result.stdout, result.stdout
    database = fresh_database(app_env, app, server, "scaffold_jobs_models")
    app_env.run(app, "alembic", "upgrade", "head", env={"DATABASE_URL": database})
    check = app_env.run(app, "alembic", "check", env={"DATABASE_URL": database})
    assert "No new upgrade operations detected" in check.stdout + check.stderr
