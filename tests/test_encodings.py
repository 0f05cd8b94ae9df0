"""Encodings and line endings: a file that is not UTF-8 is refused with a message, never a
traceback; every line of an edited file keeps its own ending, TOML included."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffold.line_endings import restore, to_lf
from scaffold.project import Project
from tests.conftest import run_scaffold


@pytest.fixture
def app(shop: Path) -> Path:
    return shop


def test_a_latin_1_file_is_refused_with_a_message(app: Path) -> None:
    models = app / "src/shop/models.py"
    latin = models.read_text().replace('"""', '"""Modèles: café.\n', 1).encode("latin-1")
    models.write_bytes(latin)

    result = run_scaffold("gen", "resource", "Blog.Post", "title:string", "--yes", cwd=app)

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "src/shop/models.py is not UTF-8 text (byte 0xe8 on line 1)" in result.stderr
    assert "iconv -f latin1 -t utf-8" in result.stderr
    assert models.read_bytes() == latin and not (app / "src/shop/blog").exists()


def test_a_mixed_pyproject_keeps_each_line_ending(app: Path) -> None:
    pyproject = app / "pyproject.toml"
    lines = pyproject.read_text().splitlines(keepends=True)
    # Every other line CRLF, as a file edited on two systems is.
    mixed = "".join(line[:-1] + "\r\n" if n % 2 else line for n, line in enumerate(lines))
    pyproject.write_bytes(mixed.encode())

    result = run_scaffold("install", "admin", "--yes", cwd=app)

    assert result.returncode == 0, result.stderr
    after = pyproject.read_bytes().decode().splitlines(keepends=True)
    added = [line for line in after if line not in lines and line not in mixed]
    assert [line.strip() for line in added] == [
        '"sqladmin>=0.32",', '"greenlet>=3",',
        'admin_guard = "dev"', "admin = true", 'installed = {admin = "0.1.0"}',
    ]  # fmt: skip
    # Every line that was there is there with its own ending, in its place.
    assert [line for line in after if line not in added] == mixed.splitlines(keepends=True)
    # The new lines end as the line above them.
    for line in added:
        above = after[after.index(line) - 1]
        assert line.endswith("\r\n") == above.endswith("\r\n")


def test_an_edit_of_a_crlf_file_adds_crlf_lines(tmp_path: Path) -> None:
    (tmp_path / "router.py").write_bytes(b"import os\r\n\r\nrouter = []\r\n")
    project = Project(tmp_path)
    project.update_file(
        "router.py", lambda text: text.replace("import os\n", "import os\nimport re\n")
    )
    assert project.read("router.py") == "import os\r\nimport re\r\n\r\nrouter = []\r\n"


@pytest.mark.parametrize(
    ("original", "edit", "expected"),
    [
        ("a\r\nb\nc\r\n", lambda t: t.replace("b\n", "b\nx\n"), "a\r\nb\nx\nc\r\n"),
        ("a\r\nb\nc\r\n", lambda t: "z\n" + t, "z\r\na\r\nb\nc\r\n"),
        ("a\r\nb\nc\r\n", lambda t: t.replace("b", "B"), "a\r\nB\nc\r\n"),
        ("a\r\nb", lambda t: t + "\nc\n", "a\r\nb\r\nc\r\n"),
        ("a\r\nb\r\n", lambda t: t.rstrip("\n"), "a\r\nb"),
        ("a\nb\n", lambda t: t + "c\n", "a\nb\nc\n"),
        ("a\r\nb\r\n", lambda t: t, "a\r\nb\r\n"),
    ],
)
def test_line_endings_are_kept_line_by_line(original: str, edit, expected: str) -> None:
    assert restore(original, edit(to_lf(original))) == expected
