"""Mutation testing of the generated accounts code: do the app's own tests catch what they claim?

    python bench/mutation.py [--into DIR] [--jobs N]

Makes an app with both log-in strategies (`scaffold new`, `scaffold install auth`), installs it
with mutmut (from PyPI) in a virtual environment of its own, and has mutmut change the
`accounts` package and `web/user_auth.py` one small edit at a time (a comparison turned, a
constant changed, a call dropped), each followed by the app's tests that run the code changed.
Prints mutmut's counts, the score (the share of mutants the tests killed) and every mutant
that survived, with its diff: each should be an equivalent mutant (one that changes nothing a
user could see). Takes some minutes on two cores.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

APP = "mut_app"
CONFIG = f"""
[tool.mutmut]
source_paths = ["src"]
only_mutate = ["src/{APP}/accounts/*", "src/{APP}/web/user_auth.py"]
# The migrations tests need alembic's files beside the code.
also_copy = ["alembic.ini", "migrations"]
"""


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"`{' '.join(map(str, command))}` failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def make_app(folder: Path) -> tuple[Path, Path]:
    """The app, installed with mutmut in `folder`/venv; its path and the venv's bin."""
    scaffold = (sys.executable, "-m", "scaffold")
    _run(*scaffold, "new", APP, "--yes", "--no-git", cwd=folder)
    app = folder / APP
    _run(*scaffold, "install", "auth", "--yes", cwd=app)
    with (app / "pyproject.toml").open("a") as pyproject:
        pyproject.write(CONFIG)
    _run(sys.executable, "-m", "venv", folder / "venv", cwd=folder)
    bin = folder / "venv" / "bin"
    _run(bin / "pip", "install", "--quiet", "-e", ".[dev]", "mutmut>=3.8", cwd=app)
    return app, bin


def mutate(app: Path, bin: Path, jobs: int) -> None:
    env = {"VIRTUAL_ENV": str(bin.parent), "PATH": f"{bin}:{os.environ['PATH']}"}
    subprocess.run([bin / "mutmut", "run", "--max-children", str(jobs)], cwd=app, env=env,
                   stdout=subprocess.DEVNULL, check=True)  # fmt: skip
    results = _run(bin / "mutmut", "results", "--all", "true", cwd=app, env=env)
    statuses = re.findall(r"^\s*(\S+): (\S+)$", results, re.MULTILINE)
    counts: dict[str, int] = {}
    for _, status in statuses:
        counts[status] = counts.get(status, 0) + 1
    killed = counts.get("killed", 0)
    survivors = [name for name, status in statuses if status == "survived"]
    print(", ".join(f"{status} {count}" for status, count in sorted(counts.items())))
    print(f"score: {killed}/{len(statuses)} killed ({killed / max(len(statuses), 1):.1%})")
    for name in survivors:
        print(_run(bin / "mutmut", "show", name, cwd=app, env=env))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--into", type=Path, help="make the app there (kept) rather than in a "
                        "temporary folder")  # fmt: skip
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if args.into:
        args.into.mkdir(parents=True, exist_ok=True)
        mutate(*make_app(args.into.resolve()), args.jobs)
        return
    with tempfile.TemporaryDirectory() as folder:
        mutate(*make_app(Path(folder)), args.jobs)


if __name__ == "__main__":
    main()
