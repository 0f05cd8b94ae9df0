"""The edits that wire jobs into the app's own files (the app factory, the command line,
settings, models, `.env.example`, the README, `.gitignore`), and the parts jobs add for the
features installed: the mailer's email job, and auth's queued emails and purge.

Each step is idempotent, so every run makes them all: a feature installed later (auth after
jobs, say) gets its part when its installer composes `jobs_auth`.
"""

from __future__ import annotations

from scaffold import Project
from scaffold.patchers.python import EnsureDictEntry, EnsureImport, EnsureStatement
from scaffold.rendering import render, render_tree, stage_tree
from scaffold.wiring import ensure_env_block, ensure_exports, ensure_section, ensure_settings

JOBS_URL = """
# Where jobs wait for a worker: a SQLite file by default (workers on this machine only), or a
# broker that workers on several machines share: redis://host:6379/0 (the `redis` extra) or
# postgresql://user:password@host/database (a database of its own: Alembic would take Huey's
# tables in the app's for tables to drop).
jobs_url: str = "sqlite:///./{app}_jobs.db"
"""

ENV = """\
# Background jobs wait for `python -m {app} worker` in a SQLite file by default; for workers
# on several machines, point every one of them at a broker:
# JOBS_URL=redis://localhost:6379/0
# JOBS_URL=postgresql://postgres:postgres@localhost:5432/{app}_jobs
"""

WORKER_COMMAND = 'Command("Run the background jobs.", worker.run, worker.add_arguments)'

README_HEADING = "## Background jobs"
README = """\
{heading}

A job is a function a worker runs outside any request, on [Huey](https://huey.readthedocs.io):
calling it enqueues it and returns at once (src/{app}/jobs/). Run a worker beside the server:

```sh
python -m {app} worker
```

- `JOBS_URL` says where jobs wait: by default `sqlite:///./{app}_jobs.db`, a file, for workers
  on the same machine as the app. For workers on several machines, point the app and every
  worker at one broker: `redis://HOST:6379/0` (`pip install -e ".[redis]"`), or
  `postgresql://USER:PASSWORD@HOST/DATABASE` with a database of its own (in the app's, Alembic
  would take Huey's tables for tables to drop).
- A job that fails runs again later (each job says how often, and after how long); one that
  fails for good is recorded in the `job_failures` table, and its traceback in the worker's
  log.
- Under test (`APP_ENV=test`) a job runs in-line, as soon as it is enqueued.
- With auth, the account pages' emails are sent by the worker: with no worker running, none
  goes out. A periodic job purges expired tokens and rate-limit counters every hour.
- `scaffold gen job Domain.Name` adds a job, with its test.

In production, run the worker as a service of its own (systemd, a container), with the app's
settings: `--threads N` runs N jobs at once (default 4). With several workers, one runs the
scheduler of periodic jobs; start the others with `--no-scheduler`. On SIGTERM a worker lets
its running jobs finish. The broker keeps each job's arguments (an email's text, with its
link) until the job runs: guard it as you guard the database.
"""

# SQLite's write-ahead log beside the jobs' file, while the app or a worker has it open.
IGNORED = ("*.db-shm", "*.db-wal")


def wire_core(project: Project, app: str) -> None:
    """The queue in the app factory, the worker command, the settings and the docs."""
    first_party = frozenset({app})
    project.add_dependency("huey>=3.5")
    project.add_dependency("redis>=5", extra="redis")
    ensure_settings(project, app, [("jobs_url", JOBS_URL.format(app=app))])
    ensure_exports(project, f"src/{app}/models.py", {f"{app}.jobs.failures": ["JobFailure"]})
    project.patch_python(
        f"src/{app}/main.py",
        EnsureImport(f"{app}.jobs", "configure_jobs", first_party=first_party),
        EnsureStatement(
            "create_app",
            """
            # Jobs run for this app (its database, its mailer): in a worker, or in-line in tests.
            configure_jobs(app)
            """,
        ),
    )
    project.patch_python(
        f"src/{app}/cli.py",
        EnsureImport(f"{app}.jobs", "worker", first_party=first_party),
        EnsureDictEntry("COMMANDS", '"worker"', WORKER_COMMAND),
    )
    ensure_env_block(project, "JOBS_URL", ENV.format(app=app))
    ensure_section(
        project, "README.md", README_HEADING, README.format(heading=README_HEADING, app=app)
    )
    _ignore(project, IGNORED)


def stage_features(project: Project) -> None:
    """What jobs add for the features the app has: the email job with the mailer; with auth,
    the account pages' emails through it, and the purge."""
    app = project.app
    if project.exists(f"src/{app}/mailer/__init__.py"):
        _stage_part(project, "mail", f"src/{app}/jobs/emails.py")
        ensure_exports(project, f"src/{app}/jobs/__init__.py", {f"{app}.jobs": ["emails"]})
    if project.config().get("auth_strategies"):
        _stage_part(project, "auth", f"src/{app}/jobs/purge.py")
        ensure_exports(project, f"src/{app}/jobs/__init__.py", {f"{app}.jobs": ["purge"]})
        _queue_account_emails(project, app)


def _stage_part(project: Project, part: str, module: str) -> None:
    """The files of `part`; once its module is made, they are the user's: left as they are."""
    files = render_tree(f"jobs/{part}", project.app)
    stage_tree(project, files, files if project.exists(module) else {})


def _queue_account_emails(project: Project, app: str) -> None:
    """The account pages' emails through the queue: web/users/emails.py as auth makes it with
    jobs, if it is still as auth made it without (an edited one is a conflict, asked about)."""
    template = "auth/core/src/APP/web/users/emails.py.jinja"
    path = f"src/{app}/web/users/emails.py"
    plain = render(template, app=app)
    stage_tree(project, {path: render(template, app=app, jobs=True)}, {path: plain})


def _ignore(project: Project, patterns: tuple[str, ...]) -> None:
    """Each of `patterns` in .gitignore, once."""
    if not project.exists(".gitignore"):
        return

    def add(text: str) -> str:
        missing = [p for p in patterns if p not in text.splitlines()]
        if not missing:
            return text
        return text.rstrip("\n") + "\n" + "\n".join(missing) + "\n"

    project.update_file(".gitignore", add)
