"""`jobs`: background jobs on Huey, and `jobs_auth`, what they do for auth.

The app gets a job queue configured from its settings (a SQLite file by default, a Redis or
PostgreSQL broker once JOBS_URL names one), `python -m APP worker`, retries with backoff, a
table of the jobs that failed for good, jobs run in-line under test, and README text on
running workers. With the mailer, an email job; with auth, the account pages' emails go
through the queue, and a periodic job purges expired tokens and rate-limit counters. Auth
composes `jobs_auth`, so that which of the two is installed first never matters.

Recorded in `[tool.scaffold]`: `jobs = true`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scaffold import Project, installer, migrations
from scaffold.jobs import migration
from scaffold.jobs.wiring import stage_features, wire_core
from scaffold.rendering import render_tree, stage_tree

CONFIG_KEY = "jobs"


@installer(
    "jobs",
    summary="Background jobs on Huey: a worker command, retries, and auth's emails through it.",
)
def jobs(project: Project, options: Mapping[str, Any]) -> None:
    app = project.app
    installed = bool(project.config().get(CONFIG_KEY))
    core = render_tree("jobs/core", app)
    # Once made, these files are the user's: running again leaves them as they are.
    stage_tree(project, core, core if installed else {})
    if not installed:
        migrations.add_revision(project, migration.MESSAGE, migration.UPGRADE, migration.DOWNGRADE)
    wire_core(project, app)
    # Called, not composed: auth composes `jobs_auth` after this in the same run
    # (`scaffold new --install jobs,auth`), and a composed installer runs once per run.
    stage_features(project)
    project.set_config(CONFIG_KEY, True)
    project.notice(_next_steps(app, auth=bool(project.config().get("auth_strategies"))))


@installer(
    "jobs_auth",
    summary="What jobs do for auth: emails sent by a worker, an hourly purge of what expired.",
)
def jobs_auth(project: Project, options: Mapping[str, Any]) -> None:
    """The auth installer composes this one, so that jobs follow auth."""
    if not project.config().get(CONFIG_KEY):
        project.issue(
            "Jobs are not installed in this app: `scaffold install jobs` installs them, with "
            "what they do for auth."
        )
        return
    stage_features(project)


def _next_steps(app: str, *, auth: bool) -> str:
    lines = [
        "\nBackground jobs are ready. Next:",
        '  pip install -e ".[dev]"     (new dependency: huey)',
        "  alembic upgrade head         (table job_failures)",
        f"  python -m {app} worker       (runs the jobs: keep one running beside the server)",
    ]
    if auth:
        lines.append("The account pages' emails now go out through the worker.")
    lines += [
        "Add a job with its test: scaffold gen job Mail.Digest",
        'Workers on several machines: JOBS_URL=redis://... (pip install -e ".[redis]") or '
        "postgresql://..., the same for the app and every worker.",
    ]
    return "\n".join(lines)
