"""`app`: the base app that `scaffold new` makes, rendered from the copier template."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scaffold import Option, Project, __version__, baseline, installer
from scaffold.copier_template import render

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
    # Rendered like copier renders it, answers recorded, so the app can take updates later.
    files = render(TEMPLATE, answers)
    for path, content in files.items():
        project.create_file(path, content)
    project.create_file(baseline.PATH, baseline.manifest(files, __version__))
    project.notice(_next_steps(project.root.name, options["name"]))


def _next_steps(folder: str, name: str) -> str:
    return (
        f"\nYour app is ready. Next:\n"
        f"  cd {folder}\n"
        f'  python -m venv .venv && . .venv/bin/activate && pip install -e ".[dev]"\n'
        f"  alembic upgrade head && uvicorn --factory {name}.main:create_app --reload\n"
        f"  pytest"
    )
