"""Two scaffold runs at once in one app: the second is refused, naming the first, and never
rolls back a run that is still writing. Real processes, racing for real."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scaffold import lock
from scaffold.errors import ScaffoldError
from tests.conftest import read_until, run_scaffold, start_scaffold

# Applies three files, and after the first one waits until the file `go` appears: run A
# stalled mid-apply, as a slow disk or a big change would stall it.
STALLED_APPLY = """
import os, sys, time
from pathlib import Path
from scaffold import journal
from scaffold.project import Project

root = Path(sys.argv[1])
project = Project(root)
for name in ("one", "two", "three"):
    project.create_file(f"stalled/{name}.txt", name + "\\n")
real, written = os.replace, []

def stalling(source, target):
    real(source, target)
    if "stalled" in str(target):
        written.append(target)
        if len(written) == 1:
            (root / "first-written").touch()
            while not (root / "go").exists():
                time.sleep(0.05)

os.replace = stalling
journal.apply(root, project.changes(), command="stalled apply")
print("applied")
"""


@pytest.fixture
def app(shop: Path) -> Path:
    return shop


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.05)


def test_a_run_never_rolls_back_a_run_that_is_still_writing(app: Path) -> None:
    stalled = subprocess.Popen(
        [sys.executable, "-c", STALLED_APPLY, str(app)], stdout=subprocess.PIPE, text=True
    )
    _wait_for(app / "first-written", stalled)

    second = run_scaffold("gen", "domain", "Blog", "--yes", cwd=app)

    assert second.returncode == 2
    assert f"process {stalled.pid} (stalled apply)" in second.stderr
    assert (app / "stalled/one.txt").read_text() == "one\n"  # not rolled back
    assert not (app / "src/shop/blog").exists()
    (app / "go").touch()
    assert stalled.communicate(timeout=60)[0].strip() == "applied"
    assert sorted(p.name for p in (app / "stalled").iterdir()) == [
        "one.txt",
        "three.txt",
        "two.txt",
    ]
    manifests = sorted((app / ".scaffold/journal").glob("*/manifest.json"))
    assert json.loads(manifests[-1].read_text())["state"] == "applied"
    assert not (app / ".scaffold/lock").exists()
    assert run_scaffold("gen", "domain", "Blog", "--yes", cwd=app).returncode == 0


def test_a_run_waiting_at_the_prompt_holds_the_lock(app: Path) -> None:
    waiting = start_scaffold("gen", "domain", "Blog", cwd=app)
    read_until(waiting, "Proceed with changes?")

    refused = run_scaffold("gen", "domain", "Shop", "--yes", cwd=app)
    assert refused.returncode == 2
    assert f"process {waiting.pid} (scaffold gen domain Blog)" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (app / "src/shop/shop").exists()

    out, _ = waiting.communicate("y\n", timeout=60)
    assert waiting.returncode == 0 and "Wrote" in out
    assert run_scaffold("gen", "domain", "Shop", "--yes", cwd=app).returncode == 0


def test_the_lock_of_a_killed_run_is_taken_over(app: Path) -> None:
    waiting = start_scaffold("gen", "domain", "Blog", cwd=app)
    read_until(waiting, "Proceed with changes?")
    waiting.send_signal(signal.SIGKILL)
    waiting.communicate(timeout=60)
    assert str(waiting.pid) in (app / ".scaffold/lock").read_text()  # left behind

    taken = run_scaffold("gen", "domain", "Shop", "--yes", cwd=app)
    assert taken.returncode == 0, taken.stderr
    assert not (app / ".scaffold/lock").exists()


def test_a_lock_file_naming_a_live_process_does_not_lock(app: Path) -> None:
    # The pid in the file is only for messages: a reused pid (here, this very process's)
    # holds nothing; only the operating system's lock on the file does.
    (app / ".scaffold/lock").write_text(f"{os.getpid()} (scaffold gen domain Old)\n")
    taken = run_scaffold("gen", "domain", "Blog", "--yes", cwd=app)
    assert taken.returncode == 0, taken.stderr


RACER = """
import sys, time
from pathlib import Path
from scaffold import lock
from scaffold.errors import ScaffoldError

root, log, start = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
while time.time() < start:
    pass
try:
    with lock.held(root, "racer"):
        with log.open("a") as out:
            out.write(f"in {sys.argv[4]}\\n")
        time.sleep(0.2)
        with log.open("a") as out:
            out.write(f"out {sys.argv[4]}\\n")
except lock.Locked:
    sys.exit(3)
"""


def test_runs_racing_for_a_stale_lock_never_hold_it_together(tmp_path: Path) -> None:
    (tmp_path / ".scaffold").mkdir()
    (tmp_path / ".scaffold/lock").write_text("999999 (a run that died)\n")
    log = tmp_path / "log"
    start = time.time() + 1.5
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(tmp_path), str(log), str(start), str(number)]
        )
        for number in range(6)
    ]
    codes = [racer.wait(timeout=60) for racer in racers]

    assert set(codes) <= {0, 3} and 0 in codes
    lines = log.read_text().splitlines()
    assert len(lines) == 2 * codes.count(0)
    for entered, left in zip(lines[::2], lines[1::2], strict=True):  # never interleaved
        assert entered.startswith("in ") and left == "out " + entered[3:]
    assert not (tmp_path / ".scaffold/lock").exists()


def test_a_dry_run_leaves_no_lock_and_no_folder_behind(tmp_path: Path) -> None:
    with lock.held(tmp_path / "new_app", "scaffold new new_app"):
        assert (tmp_path / "new_app/.scaffold/lock").is_file()
        with lock.held(tmp_path / "new_app"):  # the apply takes it again: one process, one lock
            pass
        assert (tmp_path / "new_app/.scaffold/lock").is_file()
    assert list(tmp_path.iterdir()) == []


JOURNALER = """
import sys, time
from pathlib import Path
from scaffold import journal

journal_folder, start = Path(sys.argv[1]), float(sys.argv[2])
while time.time() < start:
    pass
print(journal._new_entry_folder(journal_folder).name)
"""


def test_journal_entries_are_made_exclusively(tmp_path: Path) -> None:
    start = time.time() + 1.5
    makers = [
        subprocess.Popen(
            [sys.executable, "-c", JOURNALER, str(tmp_path / "journal"), str(start)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    names = [maker.communicate(timeout=60)[0].strip() for maker in makers]
    assert sorted(names) == [f"{n:05d}" for n in range(1, 9)]


def test_a_lock_that_cannot_be_made_is_a_message(tmp_path: Path) -> None:
    (tmp_path / ".scaffold").write_text("a file where scaffold's folder goes\n")
    held = lock.held(tmp_path)
    with pytest.raises(ScaffoldError, match=r"Could not take scaffold's lock"):
        held.__enter__()
