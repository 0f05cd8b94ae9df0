"""The files of a job that `gen job` makes: the job, and its test. Lines that hold the job's
names are written as ruff formats them, whatever the names' lengths."""

from __future__ import annotations

from scaffold.jobs.names import JobName
from scaffold.pysource import Call, Imports, assertion, line, signature
from scaffold.rendering import render


def job_module(app: str, name: JobName) -> str:
    return render(
        "jobs/job/job.py.jinja",
        app=app,
        job=str(name),
        signature=signature(name.function, [], "None"),
        log=line("    ", Call("logger.info", [f'"{name} ran"'])),
    )


def job_test(app: str, name: JobName) -> str:
    imports = Imports(frozenset({app}))
    imports.add(f"{app}.jobs", "JobFailure").add(f"{app}.jobs.{name.function}", name.function)
    params = ["caplog: pytest.LogCaptureFixture", "session: Session"]
    return render(
        "jobs/job/test_job.py.jinja",
        app=app,
        job=str(name),
        function=name.function,
        imports=imports.render(),
        signature=signature(f"test_{name.function}_runs", params, "None"),
        assertion=assertion(f'"{name} ran"', "in caplog.messages"),
    )
