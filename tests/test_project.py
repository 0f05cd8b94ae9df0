"""The staged project: reads see staged content, nothing touches disk, composition is once."""

from pathlib import Path

import pytest

from scaffold.declare import Option, installer
from scaffold.errors import ProjectNotFound, UsageError
from scaffold.patchers import PatchError
from scaffold.project import Project, find_root


def test_reads_see_staged_content_and_disk_is_untouched(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("disk\n")
    project = Project(tmp_path)
    project.update_file("a.txt", lambda text: text + "more\n")
    project.create_file("new/b.txt", "b\n")

    assert project.read("a.txt") == "disk\nmore\n"
    assert project.read("new/b.txt") == "b\n"
    assert (tmp_path / "a.txt").read_text() == "disk\n"
    assert not (tmp_path / "new").exists()
    assert [(c.path, c.status) for c in project.changes()] == [
        ("a.txt", "update"),
        ("new/b.txt", "create"),
    ]


def test_creating_a_file_with_its_own_content_is_no_change(tmp_path: Path) -> None:
    (tmp_path / "same.txt").write_text("same\n")
    project = Project(tmp_path)
    project.create_file("same.txt", "same\n")
    assert project.changes() == []


def test_creating_over_other_content_is_a_conflict(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("mine\n")
    project = Project(tmp_path)
    project.create_file("mine.txt", "theirs\n")
    [change] = project.changes()
    assert (change.status, change.before, change.after) == ("conflict", "mine\n", "theirs\n")

    project.resolve("mine.txt", overwrite=False)
    assert project.changes() == []


def test_on_exists_skip_and_overwrite(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("mine\n")
    project = Project(tmp_path)
    project.create_file("x.txt", "theirs\n", on_exists="skip")
    assert project.changes() == []
    project.create_file("x.txt", "theirs\n", on_exists="overwrite")
    assert [c.status for c in project.changes()] == ["update"]


def test_staging_back_to_the_disk_content_is_no_change(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a\n")
    project = Project(tmp_path)
    project.update_file("a.txt", lambda text: "b\n")
    project.update_file("a.txt", lambda text: "a\n")
    assert project.changes() == []


def test_a_patch_error_becomes_an_issue_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    project = Project(tmp_path)
    ok = project.update_file("a.py", lambda text: PatchError("could not find `y`", "y = 2"))
    assert not ok
    assert project.issues == [
        "a.py: could not find `y`\n  Make this edit by hand, then run the command again:\n    y = 2"
    ]
    assert project.changes() == []


def test_updating_a_missing_file_is_an_issue(tmp_path: Path) -> None:
    project = Project(tmp_path)
    assert not project.update_file("nope.py", lambda text: text)
    assert "nope.py: file not found" in project.issues[0]


def test_delete(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").write_text("bye\n")
    project = Project(tmp_path)
    project.delete_file("gone.txt")
    project.delete_file("never-was.txt")  # deleting what is absent is success
    assert [(c.path, c.status) for c in project.changes()] == [("gone.txt", "delete")]
    assert project.read("gone.txt") is None


def test_paths_may_not_escape_the_root(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Project(tmp_path).read("../outside")


calls: list[dict] = []


@installer("greet", options=[Option("who", default="world"), Option("loud", default=False)])
def greet(project: Project, options: dict) -> None:
    calls.append(dict(options))
    project.create_file("hello.txt", f"hello {options['who']}\n")


@installer("site", options=[Option("kind", choices=("a", "b"), required=True)])
def site(project: Project, options: dict) -> None:
    project.compose("greet", who="site")
    project.compose("greet")


def _loader(name: str):
    return {"greet": greet, "site": site}[name]


def test_compose_runs_each_installer_once_with_validated_options(tmp_path: Path) -> None:
    calls.clear()
    project = Project(tmp_path, load=_loader)
    project.compose("site", kind="a")
    assert calls == [{"who": "site", "loud": False}]
    assert project.read("hello.txt") == "hello site\n"
    assert project.has_run("greet") and project.has_run("site")


def test_composing_again_with_other_options_is_an_issue(tmp_path: Path) -> None:
    project = Project(tmp_path, load=_loader)
    project.compose("greet", who="a")
    project.compose("greet", who="b")
    assert project.issues == ["Installer `greet` already ran in this run with other options."]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "needs the option `kind`"),
        ({"kind": "c"}, "Invalid value `c` for option `kind`"),
        ({"kind": "a", "colour": "red"}, "has no option `colour`"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        Project(tmp_path, load=_loader).compose("site", **options)


def test_find_root_walks_up_to_tool_scaffold(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.scaffold]\napp = "x"\n')
    deep = tmp_path / "src" / "x"
    deep.mkdir(parents=True)
    assert find_root(deep) == tmp_path
    assert Project(tmp_path).config() == {"app": "x"}


def test_find_root_outside_a_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    with pytest.raises(ProjectNotFound, match="No scaffold project found"):
        find_root(tmp_path)


def test_an_exception_inside_an_edit_is_an_issue_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a\n")
    project = Project(tmp_path)

    assert not project.update_file("a.txt", lambda text: str(1 / 0))

    [issue] = project.issues
    assert issue.startswith("a.txt: the edit failed with ZeroDivisionError: division by zero")
    assert project.changes() == []


def test_the_run_stages_with_one_time(tmp_path: Path) -> None:
    from datetime import datetime

    times = iter([datetime(2024, 1, 1), datetime(2025, 1, 1)])
    project = Project(tmp_path, clock=lambda: next(times))
    assert project.now() == project.now() == datetime(2024, 1, 1)
