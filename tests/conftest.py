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


@pytest.fixture
def scaffold() -> Callable[..., subprocess.CompletedProcess]:
    return run_scaffold


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
