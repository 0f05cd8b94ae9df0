"""`job`: a background job with its test, `scaffold gen job Mail.Digest`.

The job goes in src/APP/jobs/<domain>_<name>.py, its test in tests/jobs/, and the jobs'
package imports it, so that a worker knows it. Needs `scaffold install jobs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scaffold import Option, Project, UsageError, installer
from scaffold.installers.jobs import CONFIG_KEY
from scaffold.jobs.files import job_module, job_test
from scaffold.jobs.names import parse_job_name
from scaffold.wiring import ensure_exports


@installer(
    "job",
    summary="A background job with its test: gen job Mail.Digest (needs install jobs).",
    options=[Option("name", required=True, help="Domain.Job, e.g. Mail.Digest.")],
)
def job(project: Project, options: Mapping[str, Any]) -> None:
    name = parse_job_name(options["name"])
    app = project.app
    if not project.config().get(CONFIG_KEY):
        raise UsageError(
            f"Jobs are not installed in this app, so there is no queue for {name}: run "
            "`scaffold install jobs` first."
        )
    project.create_file(f"src/{app}/jobs/{name.function}.py", job_module(app, name))
    project.create_file(f"tests/jobs/test_{name.function}.py", job_test(app, name))
    ensure_exports(project, f"src/{app}/jobs/__init__.py", {f"{app}.jobs": [name.function]})
    project.notice(
        f"\n{name} is in src/{app}/jobs/{name.function}.py: `{name.function}()` enqueues it; "
        f"`python -m {app} worker` runs it. Fill in what it does, and its test."
    )
