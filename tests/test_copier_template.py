"""scaffold renders its copier templates itself (importing copier is too slow for
`scaffold new`); the output must be exactly what copier makes, answers file included."""

from pathlib import Path

import copier
import pytest

from scaffold.copier_template import render
from scaffold.installers.app import TEMPLATE
from scaffold.project import read_text


def _copier(answers: dict, folder: Path) -> dict[str, str]:
    copier.run_copy(str(TEMPLATE), str(folder), data=answers, defaults=True, quiet=True)
    return {
        path.relative_to(folder).as_posix(): read_text(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("db", ["sqlite", "postgres"])
@pytest.mark.parametrize("name", ["my_app", "shop"])
def test_render_matches_copier_byte_for_byte(tmp_path: Path, name: str, db: str) -> None:
    answers = {"app_name": name, "db": db, "scaffold_version": "0.1.0"}
    ours = render(TEMPLATE, answers)
    assert ours == _copier(answers, tmp_path)
    assert f"app_name: {name}" in ours[".copier-answers.yml"]
    assert f"src/{name}/main.py" in ours


def test_defaults_fill_unanswered_questions() -> None:
    rendered = render(TEMPLATE, {"app_name": "shop"})
    assert "db: sqlite" in rendered[".copier-answers.yml"]
