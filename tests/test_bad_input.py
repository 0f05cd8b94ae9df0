"""Every wrong thing a user can type or do, run as a user would: a message that names the
problem, exit code 2 (130 for Ctrl-C), no traceback, and not one byte changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_scaffold


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file and folder below `root`, with the bytes of each file."""
    return {
        p.relative_to(root).as_posix(): (None if p.is_dir() else p.read_bytes())
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad-input")
    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=folder).returncode == 0
    made = run_scaffold(
        "gen", "resource", "Blog.Post", "title:string", "--yes", cwd=folder / "shop"
    )
    assert made.returncode == 0, made.stderr
    return folder / "shop"


CASES = {
    # scaffold new
    "app name with a dash": (["new", "my-app"], "Invalid app name `my-app`"),
    "app name starting with a digit": (["new", "1app"], "cannot start with a digit"),
    "app name that is a keyword": (["new", "import"], "is a Python keyword"),
    "app name shadowing the standard library": (["new", "email"], "standard library"),
    "app name shadowing a dependency": (["new", "sqlalchemy"], "would shadow a package"),
    "app name with an accent": (["new", "Café"], "Try `cafe`."),
    "app name with a letter Unicode does not decompose": (["new", "straße"], "Try `strasse`."),
    "unknown database": (["new", "x_app", "--db", "mysql"], "mysql"),
    "unknown installer to add": (["new", "x_app", "--install", "payments"], "Unknown installer"),
    "--force with --skip": (["new", "x_app", "--force", "--skip"], "contradict"),
    # scaffold gen domain
    "lowercase domain": (["gen", "domain", "blog"], "use CamelCase"),
    "domain named like an app module": (["gen", "domain", "Settings"], "one of the app's own"),
    # scaffold gen resource: names
    "resource without a domain": (["gen", "resource", "Post"], "write it as Domain.Resource"),
    "resource name with three parts": (["gen", "resource", "A.B.C"], "Domain.Resource"),
    "lowercase resource": (["gen", "resource", "Blog.post"], "use CamelCase"),
    "resource shadowing a builtin": (["gen", "resource", "Blog.Type"], "would shadow"),
    "resource that is a keyword": (["gen", "resource", "Blog.Class"], "is a Python keyword"),
    "resource starting with a digit": (["gen", "resource", "Blog.2Post"], "cannot start with"),
    # scaffold gen resource: attributes
    "attribute without a type": (["gen", "resource", "Blog.Tag", "name"], "has no type"),
    "unknown type": (["gen", "resource", "Blog.Tag", "name:str"], "Unknown type `str`"),
    "unknown modifier": (["gen", "resource", "Blog.Tag", "n:string:uniq"], "Unknown modifier"),
    "attribute given twice": (["gen", "resource", "Blog.Tag", "n:string", "n:text"], "twice"),
    "reserved attribute": (["gen", "resource", "Blog.Tag", "id:integer"], "every resource has"),
    "attribute that is a keyword": (["gen", "resource", "Blog.Tag", "from:string"], "keyword"),
    "attribute starting with a digit": (["gen", "resource", "Blog.Tag", "1a:string"], "digit"),
    "enum without values": (["gen", "resource", "Blog.Tag", "kind:enum"], "needs its values"),
    "index on JSON": (["gen", "resource", "Blog.Tag", "meta:json:index"], "cannot be indexed"),
    "unique boolean": (["gen", "resource", "Blog.Tag", "ok:boolean:unique"], "no more than 2 rows"),
    "unique enum": (["gen", "resource", "Blog.Tag", "k:enum:a,b,c:unique"], "no more than 3 rows"),
    # ... named like what the generated code uses where attributes are bound (issue 18)
    **{
        f"attribute named {name}": (["gen", "resource", "Blog.Tag", f"{name}:string"], reason)
        for name, reason in {
            "sa": "reaches SQLAlchemy by that name",
            "mapped_column": "reaches SQLAlchemy by that name",
            "pydantic": "the schemas' class bodies use that name",
            "str": "Python's own type of that name",
            "utcnow": "the timestamps' default",
            "self": "the model's constructor takes `self` itself",
            "csrf_token": "send their CSRF token in the field of that name",
            "json": "pydantic's BaseModel has a method of that name",
        }.items()
    },
    "reference named like SQLAlchemy": (
        ["gen", "resource", "Blog.Tag", "sa:references:Blog.Post"],
        "Invalid attribute name `sa`",
    ),
    "Alembic's table": (
        ["gen", "resource", "Blog.Tag", "--table", "alembic_version"],
        "Alembic records which migrations have run",
    ),
    "SQLite's table names": (["gen", "resource", "Blog.Tag", "--table", "sqlite_tags"], "SQLite"),
    "a table another model has": (
        ["gen", "resource", "Blog.Entry", "--table", "posts"],
        "already creates a table of that name",
    ),
    "table name that is not ASCII": (
        ["gen", "resource", "Blog.Tag", "--table", "étiquettes"],
        "lowercase letters",
    ),
    # ... past PostgreSQL's 63 bytes in a name
    "resource name too long for PostgreSQL": (
        ["gen", "resource", "Blog." + "Long" * 16],
        "PostgreSQL allows 63 in a name",
    ),
    "domain name too long for PostgreSQL": (
        ["gen", "resource", "Long" * 16 + ".Post"],
        "PostgreSQL allows 63 in a name",
    ),
    "table too long for PostgreSQL": (
        ["gen", "resource", "Blog.T" + "a" * 62],  # 63 characters, and its plural 64
        "64 characters long, and PostgreSQL allows 63 in a name. Pass a shorter one with --table",
    ),
    "--table too long for PostgreSQL": (
        ["gen", "resource", "Blog.Tag", "--table", "t" * 64],
        "it is 64 characters long, and PostgreSQL allows 63 in a name. Choose a shorter one",
    ),
    "attribute too long for PostgreSQL": (
        ["gen", "resource", "Blog.Tag", "a" * 64 + ":string"],
        "PostgreSQL allows 63 in a name",
    ),
    "reference whose column is too long": (
        ["gen", "resource", "Blog.Tag", "p" * 61 + ":references:Blog.Post"],
        f"its column `{'p' * 61}_id` would be 64 characters long",
    ),
    # ... not ASCII: the suggestion keeps the letters
    "resource name with an accent": (["gen", "resource", "Blog.Café"], "(e.g. Cafe)"),
    "domain name with accents": (["gen", "domain", "Ünï"], "(e.g. Uni)"),
    "default of the wrong type": (
        ["gen", "resource", "Blog.Tag", "rank:integer:default=high"],
        "Invalid default `high`",
    ),
    "default on an enum outside its values": (
        ["gen", "resource", "Blog.Tag", "kind:enum:a,b:default=c"],
        "expected one of a, b",
    ),
    "reference to a missing resource": (
        ["gen", "resource", "Blog.Comment", "author:references:Accounts.User"],
        "Accounts.User",
    ),
    "reference without a target": (["gen", "resource", "Blog.Tag", "p:references"], "target"),
    "unknown primary key": (["gen", "resource", "Blog.Tag", "--primary-key", "serial"], "serial"),
    "unknown action": (["gen", "resource", "Blog.Tag", "--actions", "create,publish"], "publish"),
    # scaffold gen job
    "job without a domain": (["gen", "job", "Digest"], "write it as Domain.Job"),
    "job name with three parts": (["gen", "job", "Mail.Digest.Weekly"], "Domain.Job"),
    "lowercase job": (["gen", "job", "Mail.digest"], "use CamelCase"),
    "job name too long": (["gen", "job", "Mail." + "Very" * 10], "keep it to 40"),
    "job in an app without jobs": (["gen", "job", "Mail.Digest"], "scaffold install jobs"),
    # scaffold gen migration / install / undo
    "migration name with symbols": (["gen", "migration", "add;drop"], "Invalid migration name"),
    "rename without OLD:NEW": (["gen", "migration", "x", "--rename", "bio"], "Invalid --rename"),
    "rename of a column into another table": (
        ["gen", "migration", "x", "--rename", "posts.bio:users.bio"],
        "a column keeps its table",
    ),
    "unknown installer": (["install", "payments-that-do-not-exist/"], "is not a folder"),
    "unknown installer option": (["install", "domain", "--colour", "red"], "has no option"),
    "installer option without its value": (["install", "domain", "--name"], "needs a value"),
}


@pytest.mark.parametrize(("args", "message"), CASES.values(), ids=CASES.keys())
def test_bad_input(app: Path, args: list[str], message: str) -> None:
    before = _snapshot(app.parent)
    result = run_scaffold(*args, "--yes", cwd=app)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert _snapshot(app.parent) == before


def test_outside_a_project(tmp_path: Path) -> None:
    result = run_scaffold("gen", "resource", "Blog.Post", "title:string", "--yes", cwd=tmp_path)
    assert result.returncode == 2 and "No scaffold project found" in result.stderr
    assert _snapshot(tmp_path) == {}


def test_a_target_file_with_a_syntax_error(app: Path, tmp_path: Path) -> None:
    copy = tmp_path / "shop"
    subprocess.run(["cp", "-a", str(app), str(copy)], check=True)
    models = copy / "src/shop/models.py"
    models.write_text(models.read_text() + "\ndef broken(:\n")
    before = _snapshot(copy)
    result = run_scaffold("gen", "resource", "Blog.Tag", "name:string", "--yes", cwd=copy)
    assert result.returncode == 2
    assert "src/shop/models.py:" in result.stderr and "is not valid Python" in result.stderr
    assert _snapshot(copy) == before


def test_a_read_only_file(app: Path, tmp_path: Path) -> None:
    copy = tmp_path / "shop"
    subprocess.run(["cp", "-a", str(app), str(copy)], check=True)
    router = copy / "src/shop/web/router.py"
    router.chmod(0o444)
    before = _snapshot(copy)
    # A new domain: its pages are included in the app's router.
    result = run_scaffold("gen", "resource", "Wiki.Page", "text:string", "--yes", cwd=copy)
    assert result.returncode == 2
    assert "read-only: src/shop/web/router.py" in result.stderr
    assert _snapshot(copy) == before


# Runs the real command line on a disk with `sys.argv[1]` bytes free in the app: writes
# into the app use space, and replacing or removing a file frees its size, as on a real
# disk; a write that does not fit fails with ENOSPC.
FULL_DISK = """
import builtins, errno, os, sys
from scaffold.cli import main

free = int(sys.argv.pop(1))
here = os.getcwd()
real_open, real_replace, real_unlink = builtins.open, os.replace, os.unlink

def size(path):
    return os.path.getsize(path) if os.path.exists(path) else 0

class Disk:
    def __init__(self, handle):
        self.handle = handle
    def write(self, data):
        global free
        if len(data) > free:
            raise OSError(errno.ENOSPC, "No space left on device")
        free -= len(data)
        return self.handle.write(data)
    def __getattr__(self, name):
        return getattr(self.handle, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return self.handle.__exit__(*exc)

def open_(file, mode="r", *args, **kwargs):
    handle = real_open(file, mode, *args, **kwargs)
    inside = os.path.abspath(str(file)).startswith(here)
    return Disk(handle) if "w" in mode and inside else handle

def replace(src, dst):
    global free
    free += size(dst)
    real_replace(src, dst)

def unlink(path, *args, **kwargs):
    global free
    free += size(path)
    real_unlink(path, *args, **kwargs)

builtins.open, os.replace, os.unlink = open_, replace, unlink
main()
"""


def _journal_aside(snapshot: dict[str, bytes | None]) -> dict[str, bytes | None]:
    return {k: v for k, v in snapshot.items() if not k.startswith(".scaffold/journal")}


@pytest.mark.parametrize("free", [0, 2_000, 6_000, 12_000, 20_000])
def test_a_full_disk(app: Path, tmp_path: Path, free: int) -> None:
    copy = tmp_path / "shop"
    subprocess.run(["cp", "-a", str(app), str(copy)], check=True)
    before = _journal_aside(_snapshot(copy))
    args = ["gen", "resource", "Blog.Tag", "name:string", "--yes"]
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(free), *args],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    if "the next scaffold command will restore them" in result.stderr:
        run_scaffold("history", cwd=copy)
        run_scaffold("gen", "domain", "Blog", "--yes", cwd=copy)  # any run recovers first
    assert _journal_aside(_snapshot(copy)) == before
