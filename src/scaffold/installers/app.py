"""`app`: the base app that `scaffold new` makes, rendered from the copier template."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scaffold import __version__
from scaffold.installer import Option, installer
from scaffold.project import Project, iter_files, read_text

TEMPLATE = Path(__file__).parent.parent / "templates" / "app"


@installer(
    "app",
    summary="The base app: FastAPI, SQLAlchemy, Alembic, Jinja2 pages, settings and tests.",
    options=[
        Option("name", required=True, help="The app's Python package name."),
        Option("db", default="sqlite", choices=("sqlite", "postgres"), help="The database."),
    ],
)
def app(project: Project, options: Mapping[str, Any]) -> None:
    answers = {"app_name": options["name"], "db": options["db"], "scaffold_version": __version__}
    for path, content in render(answers).items():
        project.create_file(path, content)
    project.notice(_next_steps(project.root.name, options["name"]))


def render(answers: Mapping[str, str]) -> dict[str, str]:
    """The template rendered by copier (which also records the answers for later updates),
    as {relative path: content}, without touching the project's folder."""
    import copier  # slow to import: only when an app is made

    with tempfile.TemporaryDirectory(prefix="scaffold-") as folder:
        copier.run_copy(
            str(TEMPLATE), folder, data=dict(answers), defaults=True, quiet=True, unsafe=False
        )
        root = Path(folder)
        return {path.relative_to(root).as_posix(): read_text(path) or "" for path in iter_files(root)}


def _next_steps(folder: str, name: str) -> str:
    return (
        f"\nYour app is ready. Next:\n"
        f"  cd {folder}\n"
        f'  python -m venv .venv && . .venv/bin/activate && pip install -e ".[dev]"\n'
        f"  alembic upgrade head && uvicorn --factory {name}.main:create_app --reload\n"
        f"  pytest"
    )
