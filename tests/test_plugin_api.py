"""The public installer API, through the example package in tests/fixtures/scaffold_hello,
tested with scaffold.testing as a third-party author would."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scaffold import UsageError, testing
from scaffold.copier_template import render
from scaffold.declare import Option, installer, parse_arguments
from scaffold.installers.app import TEMPLATE

sys.path.insert(0, str(Path(__file__).parent / "fixtures/scaffold_hello/src"))
from scaffold_hello import hello


def _app() -> dict[str, str]:
    return render(TEMPLATE, {"app_name": "shop", "db": "sqlite"})


def test_the_example_installer_creates_and_patches() -> None:
    project = testing.run(testing.project(_app()), hello, greeting="Hi there")
    testing.assert_creates(project, "src/shop/web/hello.py")
    testing.assert_creates(project, "tests/test_hello.py")
    testing.assert_has_patch(
        project,
        "src/shop/web/router.py",
        """
        - |from shop.web import pages
        + |from shop.web import hello, pages
        """,
    )
    testing.assert_has_patch(
        project, "src/shop/web/router.py", "+ |router.include_router(hello.router)"
    )
    testing.assert_has_patch(
        project,
        "src/shop/web/templates/layout.html",
        '+ |          <li><a href="/hello">Hello</a></li>',
    )
    testing.assert_notice(project, "Open /hello")
    assert "<h1>Hi there</h1>" in project.read("src/shop/web/hello.py")


def test_running_it_again_changes_nothing() -> None:
    first = testing.run(testing.project(_app()), hello)
    again = testing.run(testing.project(testing.written(_app(), first)), hello)
    testing.assert_unchanged(again)


def test_a_missing_anchor_is_an_issue_with_the_manual_edit() -> None:
    files = _app()
    files["src/shop/web/templates/layout.html"] = "<nav></nav>\n"
    project = testing.run(testing.project(files), hello)
    testing.assert_issue(project, "could not find the marker `{# scaffold:nav #}`")
    testing.assert_issue(project, '<li><a href="/hello">Hello</a></li>')


def test_options_are_validated() -> None:
    with pytest.raises(UsageError, match="has no option `colour`"):
        testing.run(testing.project(_app()), hello, colour="red")


def test_a_project_on_disk(tmp_path: Path) -> None:
    project = testing.run(testing.project(_app(), root=tmp_path), hello)
    testing.assert_creates(project, "src/shop/web/hello.py")
    assert not (tmp_path / "src/shop/web/hello.py").exists()  # staged, not written


def test_assertions_fail_with_a_useful_message() -> None:
    project = testing.run(testing.project(_app()), hello)
    with pytest.raises(AssertionError, match="is not in the preview"):
        testing.assert_has_patch(project, "src/shop/web/router.py", "+ |something else")
    with pytest.raises(AssertionError, match="changed: "):
        testing.assert_unchanged(project)
    with pytest.raises(AssertionError, match="is not created"):
        testing.assert_creates(project, "nope.py")


@installer(
    "demo",
    options=[
        Option("strategy", multiple=True, default=["a", "b"], choices=("a", "b")),
        Option("web", default=True),
        Option("table"),
    ],
)
def demo(project, options) -> None:
    pass


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], {}),
        (["--strategy", "a"], {"strategy": ["a"]}),
        (["--strategy=a", "--strategy", "b"], {"strategy": ["a", "b"]}),
        (["--no-web", "--table", "posts"], {"web": False, "table": "posts"}),
        (["--web"], {"web": True}),
    ],
)
def test_command_line_options(words: list[str], expected: dict) -> None:
    assert parse_arguments(demo, words) == expected


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["--colour", "red"], "has no option --colour"),
        (["--table"], "needs a value"),
        (["stray"], "Unexpected argument `stray`"),
    ],
)
def test_bad_command_line_options(words: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_arguments(demo, words)


def test_the_guide_shows_the_example_as_it_is() -> None:
    guide = (Path(__file__).parents[1] / "docs/installers.md").read_text()
    source = Path(__file__).parent / "fixtures/scaffold_hello/src/scaffold_hello/__init__.py"
    assert f"```python\n{source.read_text()}```" in guide
