"""`scaffold install jobs` (with `jobs_auth`, which auth composes) and `scaffold gen job`: what
they stage, in memory on the files of a new app, whichever of jobs and auth comes first; and
`gen job` through the command line (its bad input is in test_bad_input.py). The generated
apps are installed and run, workers and all, in test_jobs_e2e.py."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from scaffold import UsageError, __version__, testing
from scaffold.copier_template import render
from scaffold.installers.admin import admin
from scaffold.installers.app import TEMPLATE
from scaffold.installers.auth import auth
from scaffold.installers.job import job
from scaffold.installers.jobs import jobs, jobs_auth
from scaffold.project import Project
from tests.conftest import run_scaffold

APP = "shop"
EMAILS = "src/shop/web/users/emails.py"
# Files that each installer patches in its own place: their words, not their order, agree.
PATCHED = {
    "README.md",  # each installer appends its section
    "pyproject.toml",
    ".env.example",
    "src/shop/main.py",
    "src/shop/models.py",
    "src/shop/settings.py",
}


@cache
def _base() -> dict[str, str]:
    return render(TEMPLATE, {"app_name": APP, "db": "sqlite", "scaffold_version": __version__})


def _after(files: dict[str, str], *installers: object) -> dict[str, str]:
    """`files` once each installer, in its own run, has written what it staged."""
    for one in installers:
        project = testing.run(testing.project(files), one)  # type: ignore[arg-type]
        assert not project.issues, project.issues
        files = testing.written(files, project)
    return files


def _text(project: Project, path: str) -> str:
    change = testing.change(project, path)
    assert change is not None and change.after is not None, f"{path} is not staged"
    return change.after


def _paths(project: Project) -> list[str]:
    return [change.path for change in project.changes()]


def _words(text: str) -> list[str]:
    return sorted(text.replace(",", " ").replace("]", " ").split())


def _without_migrations(files: dict[str, str]) -> dict[str, str]:
    return {path: text for path, text in files.items() if not path.startswith("migrations/")}


def test_install_stages_the_queue_the_worker_and_the_failures_table() -> None:
    project = testing.run(testing.project(_base()), jobs)

    for path in [
        "src/shop/jobs/__init__.py",
        "src/shop/jobs/queue.py",
        "src/shop/jobs/failures.py",
        "src/shop/jobs/worker.py",
        "tests/jobs/conftest.py",
        "tests/jobs/test_queue.py",
    ]:
        testing.assert_creates(project, path)
    # No mailer, no auth: nothing of theirs.
    for path in ["src/shop/jobs/emails.py", "src/shop/jobs/purge.py"]:
        assert testing.change(project, path) is None
    testing.assert_has_patch(project, "src/shop/main.py", "+ |    configure_jobs(app)")
    testing.assert_has_patch(project, "src/shop/main.py", "+ |from shop.jobs import configure_jobs")
    worker = 'Command("Run the background jobs.", worker.run, worker.add_arguments),'
    testing.assert_has_patch(project, "src/shop/cli.py", f'+ |    "worker": {worker}')
    testing.assert_has_patch(
        project, "src/shop/settings.py", '+ |    jobs_url: str = "sqlite:///./shop_jobs.db"'
    )
    testing.assert_has_patch(
        project, "src/shop/models.py", "+ |from shop.jobs.failures import JobFailure"
    )
    testing.assert_has_patch(project, "pyproject.toml", '+ |    "huey>=3.5",')
    testing.assert_has_patch(project, "pyproject.toml", "+ |jobs = true")
    testing.assert_has_patch(project, ".env.example", "+ |# JOBS_URL=redis://localhost:6379/0")
    testing.assert_has_patch(project, "README.md", "+ |## Background jobs")
    testing.assert_has_patch(project, "README.md", "+ |python -m shop worker")
    testing.assert_has_patch(project, ".gitignore", "+ |*.db-wal")
    [revision] = [path for path in _paths(project) if path.startswith("migrations/")]
    assert 'op.create_table(\n        "job_failures",' in _text(project, revision)
    testing.assert_notice(project, "python -m shop worker")


def test_running_again_changes_nothing() -> None:
    once = _after(_base(), jobs)

    testing.assert_unchanged(testing.run(testing.project(once), jobs))


def test_with_auth_the_account_emails_are_queued_and_the_expired_purged() -> None:
    project = testing.run(testing.project(_after(_base(), auth)), jobs)

    for path in [
        "src/shop/jobs/emails.py",
        "src/shop/jobs/purge.py",
        "tests/jobs/test_emails.py",
        "tests/jobs/test_account_emails.py",
        "tests/jobs/test_purge.py",
    ]:
        testing.assert_creates(project, path)
    testing.assert_has_patch(project, EMAILS, "+ |    return QueuedMailer()")
    testing.assert_has_patch(project, EMAILS, "- |    return request.app.state.mailer")
    assert "from shop.jobs import emails, purge\n" in _text(project, "src/shop/jobs/__init__.py")
    testing.assert_notice(project, "The account pages' emails now go out through the worker.")


@pytest.mark.parametrize("order", ["auth,jobs", "jobs,auth"])
def test_jobs_and_auth_make_the_same_app_whichever_comes_first(order: str) -> None:
    first, second = (auth, jobs) if order == "auth,jobs" else (jobs, auth)
    in_two_runs = _without_migrations(_after(_base(), first, second))
    project = testing.project(_base())
    testing.run(testing.run(project, first), second)
    in_one_run = _without_migrations(testing.written(_base(), project))
    expected = _without_migrations(_after(_base(), auth, jobs))

    for files in (in_two_runs, in_one_run):
        assert files.keys() == expected.keys()
        for path, text in files.items():
            if path in PATCHED:
                assert _words(text) == _words(expected[path]), path
            else:
                assert text == expected[path], path
    assert "return QueuedMailer()" in in_one_run[EMAILS]


def test_a_strategy_added_later_leaves_the_jobs_as_they_are() -> None:
    files = _after(_base(), jobs)
    files = testing.written(
        files, testing.run(testing.project(files), auth, strategy=["magic_link"])
    )

    project = testing.run(testing.project(files), auth, strategy=["password"])

    for path in [EMAILS, "src/shop/jobs/purge.py", "src/shop/jobs/__init__.py"]:
        assert testing.change(project, path) is None, path


def test_account_emails_edited_by_hand_are_a_conflict_not_overwritten() -> None:
    files = _after(_base(), auth)
    files[EMAILS] += "\n# edited by hand\n"

    project = testing.run(testing.project(files), jobs)

    assert project.conflicts() == [EMAILS]


def test_jobs_auth_needs_jobs() -> None:
    project = testing.run(testing.project(_after(_base(), auth)), jobs_auth)

    testing.assert_issue(project, "Jobs are not installed in this app")
    testing.assert_unchanged(project)


def test_the_admin_has_no_view_of_the_failures() -> None:
    project = testing.run(testing.project(_after(_base(), auth, jobs)), admin)

    assert not project.warnings, project.warnings
    assert not any("job" in path for path in _paths(project) if "/admin/" in path)


# gen job ------------------------------------------------------------------------------------


def test_gen_job_adds_the_job_its_test_and_registers_it() -> None:
    project = testing.run(testing.project(_after(_base(), jobs)), job, name="Mail.Digest")

    source = _text(project, "src/shop/jobs/mail_digest.py")
    assert (
        "@queue.task(retries=3, retry_delay=10, retry_backoff=2)\ndef mail_digest() -> None:"
        in source
    )
    test = _text(project, "tests/jobs/test_mail_digest.py")
    assert "from shop.jobs.mail_digest import mail_digest" in test
    assert 'assert "Mail.Digest ran" in caplog.messages' in test
    testing.assert_has_patch(
        project, "src/shop/jobs/__init__.py", "+ |from shop.jobs import mail_digest"
    )
    testing.assert_has_patch(project, "src/shop/jobs/__init__.py", '"queue", "mail_digest"]')
    again = testing.written(_after(_base(), jobs), project)
    testing.assert_unchanged(testing.run(testing.project(again), job, name="Mail.Digest"))


def test_gen_job_needs_jobs() -> None:
    with pytest.raises(UsageError, match="scaffold install jobs"):
        testing.run(testing.project(_base()), job, name="Mail.Digest")


def test_gen_job_through_the_command_line_then_no_changes(tmp_path: Path) -> None:
    assert run_scaffold("new", APP, "--yes", "--no-git", cwd=tmp_path).returncode == 0
    shop = tmp_path / APP
    assert run_scaffold("install", "jobs", "--yes", cwd=shop).returncode == 0

    made = run_scaffold("gen", "job", "Mail.Digest", "--yes", cwd=shop)
    again = run_scaffold("gen", "job", "Mail.Digest", "--yes", cwd=shop)

    assert made.returncode == 0 and "Create: src/shop/jobs/mail_digest.py" in made.stdout
    assert again.returncode == 0 and again.stdout.strip() == "No changes"
