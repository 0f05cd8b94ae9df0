"""The run's lifecycle: issues, no changes, check, dry run, confirmation and conflicts."""

import io
from pathlib import Path

import pytest
from rich.console import Console

from scaffold.errors import DataLossRefused, Declined, IssuesFound
from scaffold.project import Project
from scaffold.prompt import Prompter
from scaffold.run import RunOptions, finish


def _run(project: Project, answers: str = "", interactive: bool = False, **flags) -> tuple:
    out = io.StringIO()
    console = Console(file=out, width=120)
    prompter = Prompter(console, io.StringIO(answers), interactive=interactive)
    code = finish(project, RunOptions(**flags), console, prompter)
    return code, out.getvalue()


def _project(root: Path) -> Project:
    project = Project(root)
    project.create_file("new.txt", "new\n")
    return project


def test_piped_yes_writes(tmp_path: Path) -> None:
    code, out = _run(_project(tmp_path), "y\n")
    assert code == 0
    assert "Create: new.txt" in out and "Proceed with changes? [Ynd]" in out
    assert (tmp_path / "new.txt").read_text() == "new\n"


def test_an_empty_answer_is_the_default_yes(tmp_path: Path) -> None:
    assert _run(_project(tmp_path), "\n")[0] == 0
    assert (tmp_path / "new.txt").exists()


def test_piped_no_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(Declined) as raised:
        _run(_project(tmp_path), "n\n")
    assert raised.value.exit_code == 1
    assert list(tmp_path.iterdir()) == []


def test_end_of_input_writes_nothing_and_names_yes(tmp_path: Path) -> None:
    with pytest.raises(Declined, match="Pass --yes"):
        _run(_project(tmp_path), "")
    assert list(tmp_path.iterdir()) == []


def test_an_unclear_answer_is_asked_again(tmp_path: Path) -> None:
    code, out = _run(_project(tmp_path), "maybe\nyes\n")
    assert code == 0 and "Please answer one of: y, n" in out


def test_yes_flag_does_not_ask(tmp_path: Path) -> None:
    code, out = _run(_project(tmp_path), yes=True)
    assert code == 0 and "Proceed" not in out


def test_check_exits_1_when_changes_are_pending_and_0_when_not(tmp_path: Path) -> None:
    assert _run(_project(tmp_path), check=True)[0] == 1
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "new.txt").write_text("new\n")
    code, out = _run(_project(tmp_path), check=True)
    assert (code, out.strip()) == (0, "No changes")


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    code, out = _run(_project(tmp_path), dry_run=True)
    assert code == 0 and "Dry run: nothing was written." in out
    assert list(tmp_path.iterdir()) == []


def test_issues_stop_the_run_before_anything_is_shown(tmp_path: Path) -> None:
    project = _project(tmp_path)
    project.issue("first")
    project.issue("second")
    with pytest.raises(IssuesFound) as raised:
        _run(project, "y\n")
    assert raised.value.issues == ["first", "second"]
    assert list(tmp_path.iterdir()) == []


def test_warnings_tasks_and_notices_are_shown(tmp_path: Path) -> None:
    project = _project(tmp_path)
    project.warn("careful")
    project.add_task("Say hello", "python", "-c", "print('hi')")
    project.notice("All done.")
    code, out = _run(project, yes=True)
    assert code == 0
    assert "Warning: careful" in out
    assert "After writing, scaffold will run:\n  - Say hello: python -c" in out
    assert out.index("Running: Say hello") < out.index("All done.")


def test_a_failing_task_is_reported_with_the_command_to_rerun(tmp_path: Path) -> None:
    project = _project(tmp_path)
    project.add_task("Fail", "python", "-c", "raise SystemExit(3)")
    code, out = _run(project, yes=True)
    assert code == 1
    assert "Task failed: Fail. Run it again with:" in out
    assert (tmp_path / "new.txt").exists()


def _conflicted(root: Path, *names: str) -> Project:
    for name in names:
        (root / name).write_text("mine\n")
    project = Project(root)
    for name in names:
        project.create_file(name, "theirs\n")
    return project


def test_conflicts_without_a_terminal_or_flag_are_issues(tmp_path: Path) -> None:
    with pytest.raises(IssuesFound) as raised:
        _run(_conflicted(tmp_path, "a.txt"), "y\n")
    assert "a.txt exists with other content. Pass --force" in raised.value.issues[0]
    assert (tmp_path / "a.txt").read_text() == "mine\n"


@pytest.mark.parametrize(("flag", "expected"), [("force", "theirs\n"), ("skip", "mine\n")])
def test_force_and_skip_settle_conflicts(tmp_path: Path, flag: str, expected: str) -> None:
    _run(_conflicted(tmp_path, "a.txt"), **{flag: True, "yes": True})
    assert (tmp_path / "a.txt").read_text() == expected


def test_conflict_answers_no_then_yes(tmp_path: Path) -> None:
    code, out = _run(_conflicted(tmp_path, "a.txt", "b.txt"), "n\ny\ny\n", interactive=True)
    assert code == 0
    assert out.count("Overwrite") == 2
    assert (tmp_path / "a.txt").read_text() == "mine\n"
    assert (tmp_path / "b.txt").read_text() == "theirs\n"


def test_conflict_answer_all_overwrites_the_rest(tmp_path: Path) -> None:
    code, out = _run(_conflicted(tmp_path, "a.txt", "b.txt", "c.txt"), "a\ny\n", interactive=True)
    assert code == 0 and out.count("Overwrite") == 1
    assert {p.read_text() for p in tmp_path.glob("*.txt")} == {"theirs\n"}


def test_conflict_answers_diff_and_help_then_ask_again(tmp_path: Path) -> None:
    code, out = _run(_conflicted(tmp_path, "a.txt"), "d\nh\ny\ny\n", interactive=True)
    assert code == 0 and out.count("Overwrite a.txt?") == 3
    assert "a - overwrite this and every remaining" in out


def test_conflict_answer_quit_writes_nothing(tmp_path: Path) -> None:
    project = _conflicted(tmp_path, "a.txt")
    project.create_file("other.txt", "other\n")
    with pytest.raises(Declined, match="Quit"):
        _run(project, "q\n", interactive=True)
    assert not (tmp_path / "other.txt").exists()


def test_skipping_every_conflict_leaves_no_changes(tmp_path: Path) -> None:
    code, out = _run(_conflicted(tmp_path, "a.txt"), "n\n", interactive=True)
    assert code == 0 and out.rstrip().endswith("No changes")


def test_a_long_preview_is_summarised(tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.create_file("big.txt", "line\n" * 500)
    code, out = _run(project, dry_run=True)
    assert code == 0
    assert "Create: big.txt  +500 -0" in out and "pass --full-diff" in out
    _, out = _run(project, dry_run=True, full_diff=True)
    assert "500 |line" in out


def test_edits_of_existing_files_are_shown_whole_beside_long_new_files(tmp_path: Path) -> None:
    (tmp_path / "router.py").write_text("".join(f"line {n}\n" for n in range(300)))
    project = Project(tmp_path)
    project.create_file("big.txt", "line\n" * 500)
    project.update_file("router.py", lambda text: text.replace("line 150\n", "line 150\nnew\n"))
    _, out = _run(project, dry_run=True)
    assert "Create: big.txt  +500 -0" in out and " 1 |line" not in out
    assert "Update: router.py\n" in out and "152 + |new" in out


def test_d_at_the_prompt_shows_the_whole_preview_and_asks_again(tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.create_file("big.txt", "line\n" * 500)
    code, out = _run(project, "d\ny\n")
    assert code == 0 and out.count("Proceed with changes? [Ynd]") == 2
    first, second = out.split("Proceed with changes? [Ynd]")[:2]
    assert "500 |line" not in first and "500 |line" in second
    assert (tmp_path / "big.txt").exists()


# Data loss ---------------------------------------------------------------------------------


def _losing(root: Path) -> Project:
    project = Project(root)
    project.create_file("drop.py", "drop\n")
    project.data_loss("drop.py", "posts.bio is dropped, with its data", "Rename it instead.")
    return project


def test_data_loss_is_shown_apart_and_asked_with_no_as_the_default(tmp_path: Path) -> None:
    with pytest.raises(Declined):
        _run(_losing(tmp_path), "\n")
    assert not (tmp_path / "drop.py").exists()
    code, out = _run(_losing(tmp_path), "y\n")
    assert code == 0 and (tmp_path / "drop.py").exists()
    assert "Data loss: posts.bio is dropped, with its data (drop.py).\n  Rename it instead." in out
    assert "Proceed, losing that data? [yNd]" in out and "Proceed with changes?" not in out


def test_check_and_dry_run_report_data_loss(tmp_path: Path) -> None:
    code, out = _run(_losing(tmp_path), check=True)
    assert code == 1
    assert "Data loss: posts.bio" in out
    assert out.rstrip().endswith("1 file would change, and data would be lost (see above).")
    code, out = _run(_losing(tmp_path), dry_run=True)
    assert code == 0 and "Data loss: posts.bio" in out
    assert list(tmp_path.iterdir()) == []


def test_yes_alone_does_not_lose_data(tmp_path: Path) -> None:
    with pytest.raises(DataLossRefused, match="--accept-data-loss") as raised:
        _run(_losing(tmp_path), yes=True)
    assert raised.value.exit_code == 2
    assert list(tmp_path.iterdir()) == []
    code, _ = _run(_losing(tmp_path), yes=True, accept_data_loss=True)
    assert code == 0 and (tmp_path / "drop.py").read_text() == "drop\n"


def test_accepted_data_loss_is_asked_as_any_change(tmp_path: Path) -> None:
    code, out = _run(_losing(tmp_path), "\n", accept_data_loss=True)
    assert code == 0 and "Proceed with changes? [Ynd]" in out


def test_a_file_kept_as_it_is_loses_no_data(tmp_path: Path) -> None:
    (tmp_path / "drop.py").write_text("mine\n")
    project = _losing(tmp_path)
    project.create_file("other.txt", "other\n")
    assert [loss.path for loss in project.losses()] == ["drop.py"]
    code, out = _run(project, "n\ny\n", interactive=True)  # keep drop.py, then proceed
    assert code == 0 and "Proceed with changes? [Ynd]" in out
    assert (tmp_path / "drop.py").read_text() == "mine\n"
    assert project.losses() == []


def test_the_same_loss_said_twice_is_shown_once(tmp_path: Path) -> None:
    project = _losing(tmp_path)
    project.data_loss("drop.py", "posts.bio is dropped, with its data", "Rename it instead.")
    _, out = _run(project, dry_run=True)
    assert out.count("Data loss:") == 1


# Questions from installers -----------------------------------------------------------------


def test_no_one_to_ask_is_a_no(tmp_path: Path) -> None:
    assert Project(tmp_path).ask("Was posts.bio renamed to posts.biography?") is False
    assert Project(tmp_path, ask=lambda question: True).ask("Renamed?") is True


@pytest.mark.parametrize(
    ("answers", "expected"),
    [("y\n", True), ("Yes\n", True), ("n\n", False), ("\n", False), ("", False)],
)
def test_yes_no_is_no_unless_yes(answers: str, expected: bool) -> None:
    out = io.StringIO()
    prompter = Prompter(Console(file=out, width=120), io.StringIO(answers))
    assert prompter.yes_no("Was posts.bio renamed to posts.biography?") is expected
    assert out.getvalue().startswith("Was posts.bio renamed to posts.biography? [y/N] ")


def test_yes_no_asks_again_when_unclear() -> None:
    out = io.StringIO()
    prompter = Prompter(Console(file=out, width=120), io.StringIO("perhaps\ny\n"))
    assert prompter.yes_no("Renamed?") is True
    assert out.getvalue().count("Renamed? [y/N]") == 2 and "Please answer y or n." in out.getvalue()
