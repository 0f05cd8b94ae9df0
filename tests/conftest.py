"""Shared fixtures: running scaffold as a user would, and one environment per test run in
which generated apps are installed and tested."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.apps import AppEnvironment, postgres_available


def run_scaffold(
    *args: str,
    cwd: Path,
    input: str | None = "",
    timeout: float = 120,
    env: dict[str, str] | None = None,
):
    """`scaffold ARGS` in `cwd`, stdin piped (empty unless `input`), never a terminal;
    `env` adds environment variables."""
    return subprocess.run(
        [sys.executable, "-m", "scaffold", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})},
    )


def start_scaffold(*args: str, cwd: Path) -> subprocess.Popen:
    """`scaffold ARGS` in `cwd`, running: its stdin, stdout and stderr are pipes."""
    return subprocess.Popen(
        [sys.executable, "-m", "scaffold", *args],
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )


def read_until(process: subprocess.Popen, text: str) -> str:
    """Read the process's output until `text` appears in it (a prompt, say)."""
    seen = ""
    while text not in seen:
        character = process.stdout.read(1)
        assert character, f"the process ended before printing {text!r}: {seen}"
        seen += character
    return seen


def copy_app(app: Path, to: Path) -> Path:
    """A copy of the folder `app` at `to`, modes and links as they are."""
    subprocess.run(["cp", "-a", str(app), str(to)], check=True)
    return to


@pytest.fixture
def scaffold() -> Callable[..., subprocess.CompletedProcess]:
    return run_scaffold


@pytest.fixture(scope="session")
def new_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app `scaffold new shop` makes, made once a run: tests copy it (`shop`)."""
    folder = tmp_path_factory.mktemp("new-shop")
    made = run_scaffold("new", "shop", "--yes", "--no-git", cwd=folder)
    assert made.returncode == 0, made.stderr
    return folder / "shop"


@pytest.fixture
def shop(new_shop: Path, tmp_path: Path) -> Path:
    """A fresh copy of the new app `shop`, for this test to change."""
    return copy_app(new_shop, tmp_path / "shop")


@pytest.fixture(scope="session")
def app_env(tmp_path_factory: pytest.TempPathFactory) -> AppEnvironment:
    """A virtual environment shared by every end-to-end test of this run."""
    return AppEnvironment.create(tmp_path_factory.mktemp("app-env"))


@pytest.fixture(scope="session")
def postgres() -> str:
    """The PostgreSQL server's URL; the test is skipped without one, unless CI requires it."""
    url = os.environ.get("SCAFFOLD_TEST_POSTGRES", "postgresql://postgres:postgres@localhost:5432")
    if not postgres_available(url):
        message = f"PostgreSQL is not reachable at {url} (start it: pg_ctlcluster 15 main start)"
        if os.environ.get("SCAFFOLD_REQUIRE_POSTGRES"):
            pytest.fail(message + "; SCAFFOLD_REQUIRE_POSTGRES is set")
        pytest.skip(message)
    return url


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the run."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import CHROMIUM_ARGS, chromium_path

    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
