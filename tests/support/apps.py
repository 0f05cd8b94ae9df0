"""Installing and exercising generated apps for real: a shared virtual environment, the
app's own test suite and linters, and its server under uvicorn."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class AppEnvironment:
    """One virtual environment into which generated apps are installed (editable)."""

    folder: Path

    @classmethod
    def create(cls, folder: Path) -> AppEnvironment:
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
        return cls(folder)

    @property
    def bin(self) -> Path:
        return self.folder / "bin"

    def install(self, app: Path) -> None:
        """`pip install -e ".[dev]"`, exactly as the app's README says."""
        self.run(app, "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[dev]")

    def install_scaffold(self) -> Path:
        """scaffold itself in this environment (as users have it beside their app)."""
        if not (self.bin / "scaffold").exists():
            repository = Path(__file__).resolve().parents[2]
            self.run(repository, "pip", "install", "--quiet", "-e", str(repository))
        return self.bin / "scaffold"

    def run(
        self, app: Path, *command: str, env: dict[str, str] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            cwd=app,
            capture_output=True,
            text=True,
            env={**os.environ, "VIRTUAL_ENV": str(self.folder), **(env or {})},
            timeout=900,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"`{' '.join(command)}` failed in {app} ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    @contextlib.contextmanager
    def serve(
        self,
        app: Path,
        module: str,
        env: dict[str, str] | None = None,
        log: Path | None = None,
    ) -> Iterator[str]:
        """The app under uvicorn, as the README starts it; yields its base URL. Its output
        (the access log among it) goes to `log`: a file, never a pipe that could fill up."""
        log = log or app.parent / f"{app.name}-server.log"
        port = free_port()
        command = [str(self.bin / "uvicorn"), "--factory", f"{module}.main:create_app"]
        with log.open("w") as output:
            server = subprocess.Popen(
                [*command, "--port", str(port)],
                cwd=app,
                env={**os.environ, **(env or {})},
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
            )
            base = f"http://127.0.0.1:{port}"
            try:
                wait_for(base + "/health", server, log)
                yield base
            finally:
                server.terminate()
                server.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer {url} within {seconds} s")


def fetch(url: str, data: bytes | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, data=data, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def postgres_available(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "localhost", parts.port or 5432), 2):
            return True
    except OSError:
        return False


def fresh_postgres_database(app_env: AppEnvironment, app: Path, server: str, name: str) -> str:
    """The URL of database `name` on the PostgreSQL `server` (a psycopg URL), made anew empty,
    by the app's own Python."""
    script = (
        "import sys\n"
        "import sqlalchemy as sa\n"
        "engine = sa.create_engine(sys.argv[1] + '/postgres', isolation_level='AUTOCOMMIT')\n"
        "with engine.connect() as connection:\n"
        f"    connection.execute(sa.text('DROP DATABASE IF EXISTS {name} WITH (FORCE)'))\n"
        f"    connection.execute(sa.text('CREATE DATABASE {name}'))\n"
    )
    app_env.run(app, "python", "-c", script, server)
    return f"{server}/{name}"
