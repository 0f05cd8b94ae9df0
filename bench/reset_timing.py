"""Does a password-reset request tell a registered address from an unknown one by its time?

    python bench/reset_timing.py [--requests N] [--smtp-delay SECONDS] [--jobs-url URL]

Makes two apps with auth, `plain` and `queued` (which also has `scaffold install jobs`),
installs them in a virtual environment of their own, and serves each under uvicorn, its
emails going to an SMTP server on loopback that takes --smtp-delay seconds (default 0.05) to
accept each message, as a provider far away does. The queued app's worker runs beside it.

Then it sends N reset requests (default 300) for registered addresses and N for unknown
ones, alternating, over one kept-alive connection, each from a client address of its own
(X-Forwarded-For, which uvicorn trusts from loopback here) and for an address of its own, so
that the rate limits let every one through. It reports, per app, the median time of each
kind, their difference with a 95% bootstrap interval, and the spread of the unknown ones.

Without jobs the request waits for the mail server: the difference is about --smtp-delay.
With jobs it only enqueues the email. What difference remains is the work the reset flow does
for a registered address alone, whether or not jobs are installed: writing the link's token
(a commit, on SQLite a sync to disk), then the enqueue.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent
PASSWORD_FORM = "/users/reset-password"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="of each kind, per app")
    parser.add_argument("--smtp-delay", type=float, default=0.05, help="seconds per message")
    parser.add_argument("--jobs-url", help="the queued app's JOBS_URL (default: its SQLite file)")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="reset-timing-") as folder,
        _smtp(args.smtp_delay) as smtp_port,
    ):
        root = Path(folder)
        python = _environment(root)
        print(f"{args.requests} requests of each kind per app; SMTP takes {args.smtp_delay} s.")
        for app, installers in [("plain", "auth"), ("queued", "auth,jobs")]:
            folder_of_app = _make_app(root, python, app, installers, args.requests)
            env = {
                "APP_ENV": "dev",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(smtp_port),
                "SMTP_STARTTLS": "false",
                **({"JOBS_URL": args.jobs_url} if args.jobs_url else {}),
            }
            with _served(python, folder_of_app, app, env, worker=app == "queued") as port:
                known, unknown = _measure(port, args.requests)
            _report(app, known, unknown)


def _environment(root: Path) -> Path:
    """A virtual environment for the apps; its Python."""
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    return root / "venv" / "bin" / "python"


def _make_app(root: Path, python: Path, app: str, installers: str, users: int) -> Path:
    """`scaffold new APP --install INSTALLERS`, installed, migrated, with `users` users."""
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    command = [str(BIN / "scaffold"), "new", app, "--install", installers, "--yes", "--no-git"]
    subprocess.run(command, cwd=root, **quiet)
    folder = root / app
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-e", f"{folder}[redis]"], **quiet)  # Redis, for --jobs-url
    subprocess.run([str(python.parent / "alembic"), "upgrade", "head"], cwd=folder,
                   stderr=subprocess.DEVNULL, **quiet)  # fmt: skip
    script = f"""\
from {app}.accounts import User
from {app}.db import utcnow
from {app}.main import create_app

app = create_app()
with app.state.session_factory() as session:
    session.add_all(
        User(email=f"known{{number}}@example.com", confirmed_at=utcnow())
        for number in range({users})
    )
    session.commit()
"""
    subprocess.run([str(python), "-c", script], cwd=folder, **quiet)
    return folder


@contextmanager
def _served(python: Path, folder: Path, app: str, env: dict[str, str], worker: bool):
    """The app under uvicorn (and its worker, if `worker`); yields the server's port."""
    port = _free_port()
    uvicorn = [str(python.parent / "uvicorn"), "--factory", f"{app}.main:create_app"]
    options = ["--port", str(port), "--no-access-log", "--log-level", "warning"]
    proxy = ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]
    environment = {**os.environ, **env}
    processes = [subprocess.Popen([*uvicorn, *options, *proxy], cwd=folder, env=environment)]
    if worker:
        command = [str(python), "-m", app, "worker"]
        processes.append(
            subprocess.Popen(command, cwd=folder, env=environment, stderr=subprocess.DEVNULL)
        )
    try:
        _wait_for(port, processes[0])
        yield port
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def _measure(port: int, requests: int) -> tuple[list[float], list[float]]:
    """The seconds each reset request took: for registered addresses, for unknown ones."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", PASSWORD_FORM)
    page = connection.getresponse()
    cookie = page.getheader("set-cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode())
    assert token, "no CSRF token on the reset page"
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    warm_up = 20
    for number in range(-warm_up, requests):
        for kind in ("known", "unknown"):
            address = f"{kind}{number % requests}@example.com"
            body = urllib.parse.urlencode({"email": address, "csrf_token": token[1]})
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                # A client of its own each time: 10.<kind>.<n>.<n>.
                "X-Forwarded-For": f"10.{kind == 'known':d}.{number // 250 + 1}.{number % 250}",
            }
            started = time.perf_counter()
            connection.request("POST", PASSWORD_FORM, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            took = time.perf_counter() - started
            assert response.status == 303, (response.status, kind, number)
            if number >= 0:
                times[kind].append(took)
    connection.close()
    return times["known"], times["unknown"]


def _report(app: str, known: list[float], unknown: list[float]) -> None:
    difference = statistics.median(known) - statistics.median(unknown)
    low, high = _bootstrap(known, unknown)
    quartiles = statistics.quantiles(unknown, n=4)
    print(
        f"{app:>6}: registered {_ms(statistics.median(known))}, unknown "
        f"{_ms(statistics.median(unknown))} (median); difference {_ms(difference)} "
        f"(95% interval {_ms(low)} to {_ms(high)}); unknown's quartiles "
        f"{_ms(quartiles[0])} to {_ms(quartiles[2])}"
    )


def _bootstrap(known: list[float], unknown: list[float], rounds: int = 2000) -> tuple[float, float]:
    """A 95% interval of the difference of the medians, by resampling each kind."""
    chance = random.Random(17)
    differences = sorted(
        statistics.median(chance.choices(known, k=len(known)))
        - statistics.median(chance.choices(unknown, k=len(unknown)))
        for _ in range(rounds)
    )
    return differences[int(rounds * 0.025)], differences[int(rounds * 0.975)]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


@contextmanager
def _smtp(delay: float) -> Iterator[int]:
    """An SMTP server on loopback that accepts every message after `delay` seconds."""
    port = _free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 localhost ESMTP\r\n")
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                while (await reader.readline()) not in (b".\r\n", b""):
                    pass
                await asyncio.sleep(delay)  # the server at work, far away
                writer.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        await writer.drain()
        writer.close()

    def serve() -> None:
        server = loop.run_until_complete(asyncio.start_server(session, "127.0.0.1", port))
        ready.set()
        loop.run_forever()
        server.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the app did not start on port {port}")


if __name__ == "__main__":
    main()
