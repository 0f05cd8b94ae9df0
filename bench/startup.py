"""Time scaffold against Django's own generator, in one run, and print the ratios.

    python bench/startup.py [--runs N]

Compares `scaffold --help` with `django-admin --help`, and `scaffold new NAME --yes
--no-git` with `django-admin startproject NAME` followed by `django-admin startapp blog`
(Django's generator makes no git repository either). Runs alternate between the two tools
so that noise on a shared machine falls on both; medians are compared. Goal: both ratios
at or below 1.0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BIN = Path(sys.executable).parent
# Both tools run as a user's Python runs them, with their compiled modules cached (installed
# packages come with theirs; an editable install writes its own on the first run).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed: pip install -e '.[dev]'")
    return found


def _run(*command: str, cwd: Path) -> None:
    subprocess.run(command, cwd=cwd, check=True, env=ENV, stdout=subprocess.DEVNULL)


def _timed(step: Callable[[Path], None]) -> float:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        step(Path(folder))
        return time.perf_counter() - start


def _compare(label: str, ours: Callable, theirs: Callable, runs: int) -> float:
    _timed(ours), _timed(theirs)  # warm the file cache for both
    times: dict[str, list[float]] = {"scaffold": [], "django": []}
    for _ in range(runs):
        times["scaffold"].append(_timed(ours))
        times["django"].append(_timed(theirs))
    scaffold, django = (statistics.median(times[k]) for k in ("scaffold", "django"))
    ratio = scaffold / django
    print(f"{label:<28} scaffold {scaffold * 1000:7.0f} ms   django {django * 1000:7.0f} ms   "
          f"ratio {ratio:.2f}")  # fmt: skip
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    scaffold, django = _tool("scaffold"), _tool("django-admin")

    def django_new(cwd: Path) -> None:
        _run(django, "startproject", "mysite", cwd=cwd)
        _run(django, "startapp", "blog", cwd=cwd / "mysite")

    ratios = [
        _compare(
            "--help",
            lambda cwd: _run(scaffold, "--help", cwd=cwd),
            lambda cwd: _run(django, "--help", cwd=cwd),
            runs,
        ),
        _compare(
            "new app",
            lambda cwd: _run(scaffold, "new", "mysite", "--yes", "--no-git", cwd=cwd),
            django_new,
            runs,
        ),
    ]
    verdict = "met" if max(ratios) <= 1.0 else "not met"
    print(f"goal (every ratio <= 1.00): {verdict}")


if __name__ == "__main__":
    main()
