"""`scaffold gen domain` through the real command line, in a real app."""

from pathlib import Path

import pytest

from tests.conftest import run_scaffold


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("domain")
    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=folder).returncode == 0
    return folder / "shop"


def test_gen_domain_creates_the_package_and_is_idempotent(app: Path) -> None:
    made = run_scaffold("gen", "domain", "Catalog", "--yes", cwd=app / "src")
    assert made.returncode == 0, made.stderr
    assert "Create: src/shop/catalog/__init__.py" in made.stdout
    init = (app / "src/shop/catalog/__init__.py").read_text()
    assert init.startswith('"""The Catalog domain') and "__all__: list[str] = []" in init

    again = run_scaffold("gen", "domain", "Catalog", "--yes", cwd=app)
    assert again.returncode == 0 and again.stdout.strip() == "No changes"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("catalog", "use CamelCase"),
        ("Web", "`web` is one of the app's own modules"),
        ("Class", "is a Python keyword"),
        ("2Shop", "cannot start with a digit"),
    ],
)
def test_bad_domain_names_exit_2(app: Path, name: str, message: str) -> None:
    before = sorted(p for p in app.rglob("*"))
    result = run_scaffold("gen", "domain", name, "--yes", cwd=app)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p for p in app.rglob("*")) == before


def test_outside_a_project_is_a_clear_error(tmp_path: Path) -> None:
    result = run_scaffold("gen", "domain", "Blog", "--yes", cwd=tmp_path)
    assert result.returncode == 2
    assert "No scaffold project found" in result.stderr
    assert list(tmp_path.iterdir()) == []
