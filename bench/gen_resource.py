"""Does `gen resource` cost grow with the project? And how does it compare with Django?

    python bench/gen_resource.py [--runs N] [--into DOMAIN]

Times `scaffold gen resource` (on a fresh copy each time) in an app with 5 resources and in
one with 100, and Django's `makemigrations --dry-run` in a project whose app has 100 models,
alternating so that noise on a shared machine falls on all of them. Goals: 100 resources at
most 1.25x the time of 5, and at or below Django's time.

Each is timed as a real run (written to disk: files, journal, fsync) and as a dry run, which
computes and previews everything and writes nothing, as Django's --dry-run does; the
comparison with Django is dry run against dry run, and the written run is shown beside it.
Each run's wall-clock time and its CPU time (user + system) are reported.

Run it in the virtual environment the README makes, as a user runs scaffold: a Python with
hundreds of other packages pays more to find the installers (every package's metadata is
read), which Django does not do.

The apps' resources are all in one domain, Catalog; the new resource goes into a domain of
its own (Shop.Product). `--into Catalog` adds it to Catalog instead: then the domain's own
files (its interface, routers, factories) have 5 or 100 resources to parse.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from scaffold import journal
from scaffold.project import Project

BIN = Path(sys.executable).parent
# Both tools run as a user's Python runs them, with their compiled modules cached (installed
# packages come with theirs; an editable install writes its own on the first run).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


class Timing(NamedTuple):
    wall: float
    cpu: float


ATTRIBUTES = ["name:string:required", "price:decimal", "--yes"]


def _app(folder: Path, resources: int) -> Path:
    """An app with `resources` resources, generated through the installer API (fast)."""
    scaffold = str(BIN / "scaffold")
    subprocess.run([scaffold, "new", "app", "--yes", "--no-git"], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    root = folder / "app"
    for number in range(resources):
        project = Project(root)
        project.compose(
            "resource",
            name=f"Catalog.Thing{number}",
            attributes=["title:string:required", "body:text", f"rank{number}:integer"],
        )
        assert not project.issues, project.issues
        journal.apply(root, project.changes(), command="bench")
    return root


def _django(folder: Path, models: int) -> Path:
    django = str(BIN / "django-admin")
    subprocess.run([django, "startproject", "mysite"], cwd=folder, check=True)
    root = folder / "mysite"
    subprocess.run([sys.executable, "manage.py", "startapp", "catalog"], cwd=root, check=True)
    settings = root / "mysite" / "settings.py"
    settings.write_text(settings.read_text().replace(
        "INSTALLED_APPS = [", "INSTALLED_APPS = [\n    'catalog',"))  # fmt: skip
    body = "from django.db import models\n\n" + "".join(
        f"\nclass Thing{n}(models.Model):\n    title = models.CharField(max_length=255)\n"
        f"    body = models.TextField(null=True)\n    rank{n} = models.IntegerField(null=True)\n"
        for n in range(models)
    )
    (root / "catalog" / "models.py").write_text(body)
    return root


def _timed_scaffold(app: Path, scratch: Path, domain: str, *flags: str) -> Timing:
    copy = scratch / f"copy-{time.monotonic_ns()}"
    shutil.copytree(app, copy, symlinks=True)
    os.sync()  # the copy's writes land on disk now, not during the timed run
    command = ["gen", "resource", f"{domain}.Product", *ATTRIBUTES, *flags]
    timing = _timed([str(BIN / "scaffold"), *command], copy)
    shutil.rmtree(copy)
    return timing


def _timed_django(site: Path) -> Timing:
    return _timed([sys.executable, "manage.py", "makemigrations", "--dry-run"], site)


def _timed(command: list[str], cwd: Path) -> Timing:
    """Wall-clock and CPU seconds (user + system) of one run of `command`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, env=ENV, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return Timing(wall, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--into", default="Shop", help="the new resource's domain")
    arguments = parser.parse_args()
    runs, domain = arguments.runs, arguments.into
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        for name in ("small", "large", "django", "scratch"):
            (base / name).mkdir()
        small, large = _app(base / "small", 5), _app(base / "large", 100)
        site = _django(base / "django", 100)
        steps: dict[str, Callable[[], Timing]] = {
            "5 resources": lambda: _timed_scaffold(small, base / "scratch", domain),
            "100 resources": lambda: _timed_scaffold(large, base / "scratch", domain),
            "5, --dry-run": lambda: _timed_scaffold(small, base / "scratch", domain, "--dry-run"),
            "100, --dry-run": lambda: _timed_scaffold(large, base / "scratch", domain, "--dry-run"),
            "django": lambda: _timed_django(site),
        }
        times: dict[str, list[Timing]] = {name: [] for name in steps}
        for _ in range(runs + 1):  # the first round warms the file cache, and is dropped
            for name, step in steps.items():
                times[name].append(step())
    for measure in Timing._fields:
        samples = {name: [getattr(t, measure) for t in ts[1:]] for name, ts in times.items()}
        _report(measure, {name: statistics.median(values) for name, values in samples.items()})


def _report(measure: str, medians: dict[str, float]) -> None:
    """The goals on one measure: wall-clock time, or CPU time (which the other work of a
    shared machine disturbs less, but which leaves out waiting for the disk)."""
    print(f"{measure}:")
    for name, value in medians.items():
        print(f"  {name:<16} {value * 1000:5.0f} ms")
    growth = medians["100 resources"] / medians["5 resources"]
    dry_growth = medians["100, --dry-run"] / medians["5, --dry-run"]
    # Django's --dry-run computes and prints the migration, writing nothing: so does ours.
    versus = medians["100, --dry-run"] / medians["django"]
    written = medians["100 resources"] / medians["django"]
    print(f"  growth 5 -> 100 resources: {growth:.2f}x, dry runs {dry_growth:.2f}x (goal <= 1.25)")
    print(f"  100 resources vs Django makemigrations --dry-run on 100 models: {versus:.2f} dry "
          f"run against dry run (goal <= 1.00); {written:.2f} written to disk")  # fmt: skip


if __name__ == "__main__":
    main()
