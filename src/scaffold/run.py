"""The lifecycle of a run, after the installers have staged their changes:
issues, preview, data losses, check or dry run, conflicts, confirmation, atomic write, tasks,
notices."""

from __future__ import annotations

import shlex
import subprocess
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

from scaffold import diff, journal
from scaffold.errors import DataLossRefused, Declined, Interrupted, IssuesFound
from scaffold.project import Change, DataLoss, Project
from scaffold.prompt import Prompter

# New files longer than this many lines in all are summarised (one line a file); edits to
# files that exist are always shown whole.
PREVIEW_LIMIT = 400

CONFLICT_HELP = """\
Y - yes, overwrite this file (default)
n - no, keep the file as it is
a - overwrite this and every remaining conflicting file
q - quit; nothing is written
d - show the differences
h - show this help"""


@dataclass(frozen=True)
class RunOptions:
    """The flags every generating command takes."""

    yes: bool = False
    dry_run: bool = False
    check: bool = False
    force: bool = False
    skip: bool = False
    full_diff: bool = False
    command: str = "scaffold"
    undoes: str | None = None  # the journal entry this run undoes
    accept_data_loss: bool = False  # --yes then writes changes that lose data


def finish(project: Project, options: RunOptions, console: Console, prompter: Prompter) -> int:
    """Show, confirm and write what the installers staged, then run the tasks; return the
    exit code."""
    code = write(project, options, console, prompter)
    return after_write(project, console) if code is None else code


def write(
    project: Project, options: RunOptions, console: Console, prompter: Prompter
) -> int | None:
    """Show, confirm and write what the installers staged. None when it wrote; otherwise
    the exit code of a run that ends here (no changes, --check, --dry-run)."""
    _stop_on_issues(project)
    if options.force or options.skip:
        for path in project.conflicts():
            project.resolve(path, overwrite=options.force)
    changes = project.changes()
    if not changes:
        console.print("No changes")
        return 0
    _preview(changes, options.full_diff, console)
    _show_plans(project, console)
    _show_losses(project.losses(), console)
    if options.check:
        lost = ", and data would be lost (see above)" if project.losses() else ""
        console.print(f"{_files(len(changes))} would change{lost}.")
        return 1
    if options.dry_run:
        console.print("Dry run: nothing was written.")
        return 0
    changes = _settle_conflicts(project, console, prompter)
    if not changes:
        console.print("No changes")
        return 0
    _warn_if_dirty(project, console)
    losing = bool(project.losses()) and not options.accept_data_loss
    if options.yes and losing:
        raise DataLossRefused()
    if not options.yes and not _proceed(changes, console, prompter, losing=losing):
        raise Declined("Nothing was written.")
    journal.apply(
        project.root,
        changes,
        command=options.command,
        undoes=options.undoes,
        reads=project.reads(),
    )
    console.print(f"Wrote {_files(len(changes))}.")
    return None


def after_write(project: Project, console: Console) -> int:
    """Run the tasks, then print the notices; 1 if a task failed."""
    try:
        failed = _run_tasks(project, console)
    except KeyboardInterrupt:
        raise Interrupted(written=True) from None
    for notice in project.notices:
        console.print(notice, markup=False, soft_wrap=True)
    return 1 if failed else 0


def _stop_on_issues(project: Project) -> None:
    if project.issues:
        raise IssuesFound(issues=project.issues)


def _preview(changes: list[Change], full: bool, console: Console) -> None:
    """Every edit of a file that exists, whole; new files too, unless they are long."""
    created = [change for change in changes if change.status == "create"]
    total = sum(diff.size(change) for change in created)
    # One print for all: rich spends about a millisecond on each call.
    if total <= PREVIEW_LIMIT or full:
        console.print(Text("\n").join(map(diff.render, changes)), soft_wrap=True)
        return
    parts = [diff.summary_line(c) if c.status == "create" else diff.render(c) for c in changes]
    console.print(Text("\n").join(parts), soft_wrap=True)
    console.print(
        f"\n(New files summarised: {total} lines in {_files(len(created))}. Answer d at the "
        "prompt, or pass --full-diff, to see them whole.)\n"
    )


def _proceed(
    changes: list[Change], console: Console, prompter: Prompter, *, losing: bool = False
) -> bool:
    """Ask whether to write; `d` shows the whole preview (through a pager when it is longer
    than the terminal) and asks again. When the changes lose data (`losing`), only a `y`
    writes: the default is no."""
    question, choices = "Proceed with changes?", "Ynd"
    if losing:
        question, choices = "Proceed, losing that data?", "yNd"
    while True:
        answer = prompter.ask(question, choices)
        if answer != "d":
            return answer == "y"
        whole = Text("\n").join(map(diff.render, changes))
        if console.is_terminal and whole.plain.count("\n") > console.height:
            with console.pager(styles=True):
                console.print(whole, soft_wrap=True)
        else:
            console.print(whole, soft_wrap=True)


def _show_plans(project: Project, console: Console) -> None:
    for warning in project.warnings:
        console.print(f"Warning: {warning}", style="yellow", markup=False)
    if project.tasks:
        console.print("After writing, scaffold will run:")
        for task in project.tasks:
            console.print(f"  - {task.description}: {shlex.join(task.command)}", markup=False)
        console.print()


def _show_losses(losses: list[DataLoss], console: Console) -> None:
    """Each data loss on its own line, apart from the warnings: what goes, and which file
    makes it go."""
    for loss in losses:
        line = f"Data loss: {loss.what} ({loss.path})."
        console.print(line, style="bold red", markup=False, soft_wrap=True)
        if loss.advice:
            console.print(f"  {loss.advice}", markup=False, soft_wrap=True)
    if losses:
        console.print()


def _settle_conflicts(project: Project, console: Console, prompter: Prompter) -> list[Change]:
    """Ask about each file that would be overwritten; without a terminal, refuse."""
    conflicts = project.conflicts()
    if conflicts and not prompter.interactive:
        for path in conflicts:
            project.issue(project.conflict_advice(path))
        _stop_on_issues(project)
    by_path = {change.path: change for change in project.changes()}
    answer = "y"
    for path in conflicts:
        if answer != "a":
            answer = _ask_conflict(by_path[path], console, prompter)
        project.resolve(path, overwrite=answer in ("y", "a"))
    return project.changes()


def _ask_conflict(change: Change, console: Console, prompter: Prompter) -> str:
    """Ask until the answer is y, n or a; q quits, d and h show more and ask again."""
    while True:
        answer = prompter.ask(f"Overwrite {change.path}?", "Ynaqdh")
        if answer == "q":
            raise Declined("Quit; nothing was written.")
        if answer == "d":
            console.print(diff.render(change), soft_wrap=True)
        elif answer == "h":
            console.print(CONFLICT_HELP, markup=False)
        else:
            return answer


def _warn_if_dirty(project: Project, console: Console) -> None:
    if not (project.root / ".git").exists():
        return
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=project.root, capture_output=True, text=True
    )
    if status.returncode == 0 and status.stdout.strip():
        console.print(
            "Warning: git shows uncommitted changes in this project. Committing them first "
            "lets you review scaffold's changes on their own.",
            style="yellow",
        )


def _run_tasks(project: Project, console: Console) -> bool:
    """Run each task; report failures with the command to run again. True if any failed."""
    failed = False
    for task in project.tasks:
        console.print(f"Running: {task.description}", markup=False)
        where = project.root / task.cwd
        try:
            result = subprocess.run(task.command, cwd=where, capture_output=True, text=True)
            output, ok = result.stdout + result.stderr, result.returncode == 0
        except OSError as error:
            output, ok = str(error), False
        if not ok:
            failed = True
            console.print(output, markup=False)
            console.print(
                f"Task failed: {task.description}. Run it again with:\n"
                f"  cd {shlex.quote(str(where))} && {shlex.join(task.command)}",
                style="red",
                markup=False,
            )
    return failed


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"
