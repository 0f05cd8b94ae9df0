"""A job's name, `Mail.Digest`: parsed once, into what the files and the code are called."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scaffold import UsageError
from scaffold.naming import check_domain_name, snake

_CAMEL = re.compile(r"[A-Z][A-Za-z0-9]*")
# Long enough for any job, short enough that the lines naming it fit the generated code's.
MAX_FUNCTION = 40


@dataclass(frozen=True)
class JobName:
    domain: str  # Mail
    name: str  # Digest

    @property
    def function(self) -> str:  # mail_digest: the job, and its module in src/APP/jobs/
        return f"{snake(self.domain)}_{snake(self.name)}"

    def __str__(self) -> str:
        return f"{self.domain}.{self.name}"


def parse_job_name(text: str) -> JobName:
    """`Mail.Digest` -> JobName; raise UsageError naming the problem otherwise."""
    domain, dot, name = text.partition(".")
    if not dot or "." in name:
        raise UsageError(f"Invalid job name `{text}`: write it as Domain.Job, e.g. Mail.Digest.")
    check_domain_name(domain)
    if not _CAMEL.fullmatch(name):
        raise UsageError(
            f"Invalid job name `{name}` in `{text}`: use CamelCase letters and digits, "
            "starting with a capital (e.g. Digest)."
        )
    job = JobName(domain, name)
    if len(job.function) > MAX_FUNCTION:
        raise UsageError(
            f"Invalid job name `{text}`: `{job.function}` (the job's function and module) is "
            f"{len(job.function)} characters long; keep it to {MAX_FUNCTION}."
        )
    return job
