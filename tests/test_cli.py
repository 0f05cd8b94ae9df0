"""`scaffold` through its real command line, in temporary folders: bad input, prompts,
flags. Nothing here installs the generated app (see test_new_app_e2e.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest


def _listing(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def test_version_and_help(scaffold, tmp_path: Path) -> None:
    assert scaffold("--version", cwd=tmp_path).stdout.strip() == "scaffold 0.1.0"
    helped = scaffold("new", "--help", cwd=tmp_path)
    assert helped.returncode == 0
    assert "--db" in helped.stdout and "scaffold new my_app" in helped.stdout


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("My-App", "use lowercase letters, digits and underscores only"),
        ("1app", "cannot start with a digit"),
        ("class", "is a Python keyword"),
        ("json", "would shadow the standard library module"),
        ("fastapi", "would shadow a package or folder the app depends on"),
    ],
)
def test_bad_app_names_exit_2_and_write_nothing(scaffold, tmp_path, name, message) -> None:
    result = scaffold("new", name, "--yes", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert _listing(tmp_path) == []


def test_bad_name_gets_a_suggestion(scaffold, tmp_path: Path) -> None:
    result = scaffold("new", "My-App", cwd=tmp_path)
    assert "Try `my_app`." in result.stderr


def test_bad_options_exit_2(scaffold, tmp_path: Path) -> None:
    for args, message in [
        (["new", "shop", "--db", "oracle"], "oracle"),
        (["new", "shop", "--install", "nope", "--yes"], "Unknown installer `nope`"),
        (["new", "shop", "--force", "--skip"], "--force and --skip contradict"),
    ]:
        result = scaffold(*args, cwd=tmp_path)
        assert result.returncode == 2, result
        assert message in result.stderr and "Traceback" not in result.stderr
    assert _listing(tmp_path) == []


def test_a_non_empty_folder_is_refused(scaffold, tmp_path: Path) -> None:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "notes.txt").write_text("mine\n")
    result = scaffold("new", "shop", "--yes", cwd=tmp_path)
    assert result.returncode == 2 and "is not empty" in result.stderr
    assert _listing(tmp_path) == ["shop", "shop/notes.txt"]


def test_end_of_input_writes_nothing(scaffold, tmp_path: Path) -> None:
    result = scaffold("new", "shop", cwd=tmp_path, input="")
    assert result.returncode == 1
    assert "Proceed with changes? [Ynd]" in result.stdout
    assert "Pass --yes" in result.stdout + result.stderr
    assert _listing(tmp_path) == []


def test_piped_no_writes_nothing(scaffold, tmp_path: Path) -> None:
    result = scaffold("new", "shop", cwd=tmp_path, input="n\n")
    assert result.returncode == 1 and _listing(tmp_path) == []


def test_dry_run_and_check_write_nothing(scaffold, tmp_path: Path) -> None:
    dry = scaffold("new", "shop", "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0 and "Create: src/shop/main.py" in dry.stdout
    assert "pass --full-diff" in dry.stdout
    check = scaffold("new", "shop", "--check", cwd=tmp_path)
    assert check.returncode == 1 and "would change" in check.stdout
    assert _listing(tmp_path) == []


def test_gen_resource_shows_every_edit_of_an_existing_file_whole(scaffold, tmp_path) -> None:
    assert scaffold("new", "shop", "--yes", "--no-git", cwd=tmp_path).returncode == 0
    app = tmp_path / "shop"
    dry = scaffold("gen", "resource", "Blog.Post", "title:string", "--dry-run", cwd=app)
    assert dry.returncode == 0, dry.stderr
    assert "New files summarised" in dry.stdout  # the long new files are
    for edited in (
        "src/shop/models.py",
        "src/shop/web/router.py",
        "src/shop/web/templates/layout.html",
    ):
        assert f"Update: {edited}\n\n" in dry.stdout, edited
    assert "+ |from shop.blog.post import Post" in dry.stdout


def test_piped_yes_creates_the_app_and_a_second_run_changes_nothing(scaffold, tmp_path) -> None:
    made = scaffold("new", "shop", "--no-git", cwd=tmp_path, input="y\n")
    assert made.returncode == 0, made.stderr
    app = tmp_path / "shop"
    assert (app / "src/shop/main.py").is_file()
    assert "[tool.scaffold]" in (app / "pyproject.toml").read_text()
    assert "app_name: shop" in (app / ".copier-answers.yml").read_text()
    files = {p: p.read_bytes() for p in app.rglob("*") if p.is_file()}

    again = scaffold("new", "shop", "--no-git", "--force", "--yes", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout.strip().endswith("No changes")
    assert files == {p: p.read_bytes() for p in app.rglob("*") if p.is_file()}


def test_new_makes_a_git_repository_with_a_first_commit(scaffold, tmp_path: Path) -> None:
    result = scaffold("new", "shop", "--yes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    log = subprocess.run(
        ["git", "log", "--oneline"], cwd=tmp_path / "shop", capture_output=True, text=True
    )
    assert log.stdout.strip().endswith("New app from scaffold")
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=tmp_path / "shop", capture_output=True, text=True
    )
    assert status.stdout == ""  # the journal under .scaffold/ is ignored


def test_generated_code_never_imports_scaffold(scaffold, tmp_path: Path) -> None:
    scaffold("new", "shop", "--yes", "--no-git", cwd=tmp_path)
    for path in (tmp_path / "shop").rglob("*.py"):
        text = path.read_text()
        assert "import scaffold" not in text and "from scaffold" not in text, path


def test_ctrl_c_at_the_prompt_exits_130_and_writes_nothing(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "scaffold", "new", "shop"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    seen = ""
    while "Proceed with changes?" not in seen:
        chunk = process.stdout.read(1)
        assert chunk, "scaffold ended before asking"
        seen += chunk
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Interrupted; nothing was written." in err
    assert _listing(tmp_path) == []


def test_ctrl_c_during_the_tasks_says_the_files_were_written(tmp_path: Path) -> None:
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    (bin_folder / "git").write_text("#!/bin/sh\nexec sleep 60\n")  # a git that hangs
    (bin_folder / "git").chmod(0o755)
    process = subprocess.Popen(
        [sys.executable, "-m", "scaffold", "new", "shop", "--yes"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PATH": f"{bin_folder}:{os.environ['PATH']}", "NO_COLOR": "1"},
    )
    seen = ""
    while "Running: Initialise a git repository" not in seen:
        chunk = process.stdout.read(1)
        assert chunk, f"scaffold ended before its tasks: {seen}"
        seen += chunk
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "nothing was written" not in err
    assert "Interrupted while running the tasks. The files were written" in err
    assert (tmp_path / "shop/pyproject.toml").is_file()


@pytest.mark.parametrize("db", ["sqlite", "postgres"])
@pytest.mark.parametrize("name", ["a", "abcdefghijklmnopqrstuvwxyz0123"])
def test_apps_of_any_allowed_name_length_are_ruff_clean(scaffold, tmp_path, name, db) -> None:
    assert scaffold("new", name, "--db", db, "--yes", "--no-git", cwd=tmp_path).returncode == 0
    app = tmp_path / name
    for command in (["check", "--quiet", "."], ["format", "--check", "--quiet", "."]):
        result = subprocess.run(["ruff", *command], cwd=app, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_app_names_are_at_most_30_characters(scaffold, tmp_path: Path) -> None:
    result = scaffold("new", "a" * 31, "--yes", cwd=tmp_path)
    assert result.returncode == 2 and "30 characters or fewer" in result.stderr


def test_installing_a_package_pip_cannot_find_writes_nothing(scaffold, tmp_path) -> None:
    assert scaffold("new", "shop", "--yes", "--no-git", cwd=tmp_path).returncode == 0
    app = tmp_path / "shop"
    before = {p: p.read_bytes() for p in app.rglob("*") if p.is_file()}
    empty_index = tmp_path / "index"
    empty_index.mkdir()
    offline = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(empty_index)}

    result = scaffold("install", "no_such_pkg", "--yes", cwd=app, env=offline)

    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "pip cannot find the package `no_such_pkg`" in result.stderr
    assert {p: p.read_bytes() for p in app.rglob("*") if p.is_file()} == before


def test_install_help_shows_the_installer_s_own_options(scaffold, tmp_path) -> None:
    helped = scaffold("install", "auth", "--help", cwd=tmp_path)
    assert helped.returncode == 0
    assert "Options of the installer `auth`" in helped.stdout
    assert (
        "--strategy password|magic_link  How people log in. Repeat it for several values. "
        "Default: password, magic_link." in helped.stdout
    )
    resource = scaffold("install", "resource", "-h", cwd=tmp_path).stdout
    assert "--primary-key uuid|uuid7|int" in resource and "--web/--no-web" in resource
    assert "Domain.Resource, e.g. Blog.Post. Required." in resource
    assert "--force" not in resource.split("Options of the installer")[1]
    unknown = scaffold("install", "no_such_thing", "--help", cwd=tmp_path).stdout
    assert "`no_such_thing` is not an installer here" in unknown
    listed = scaffold("list", cwd=tmp_path).stdout
    assert "--strategy password|magic_link  How people log in." in listed
    assert "--db sqlite|postgres  The database. Default: sqlite." in listed
