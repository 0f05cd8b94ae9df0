from textwrap import dedent

import pytest

from scaffold.patchers import PatchError
from scaffold.patchers.text import ensure_env_var, insert_at_marker


def assert_patch(edit, before: str, after: str) -> None:
    """`edit` turns `before` into `after`, and applied again it changes nothing."""
    before, after = dedent(before), dedent(after)
    assert edit(before) == after
    assert edit(after) == after


NAV = '<li><a href="/posts">Posts</a></li>'


# insert_at_marker


def test_insert_before_the_marker_indented_like_it():
    assert_patch(
        lambda text: insert_at_marker(text, "{# scaffold:nav #}", NAV),
        """\
        <nav>
          <ul>
            <li><a href="/">Home</a></li>
            {# scaffold:nav #}
          </ul>
        </nav>
        """,
        """\
        <nav>
          <ul>
            <li><a href="/">Home</a></li>
            <li><a href="/posts">Posts</a></li>
            {# scaffold:nav #}
          </ul>
        </nav>
        """,
    )


def test_insert_after_the_marker():
    assert_patch(
        lambda text: insert_at_marker(
            text, "# scaffold:routes", "app.include_router(posts.router)", after=True
        ),
        """\
        def create_app():
            app = FastAPI()
            # scaffold:routes  (new routers go below)
            app.include_router(home.router)
            return app
        """,
        """\
        def create_app():
            app = FastAPI()
            # scaffold:routes  (new routers go below)
            app.include_router(posts.router)
            app.include_router(home.router)
            return app
        """,
    )


def test_insert_keeps_the_relative_indentation_and_blank_lines_of_the_content():
    content = """
        if settings.admin:

            app.include_router(admin.router)
    """
    assert_patch(
        lambda text: insert_at_marker(text, "# scaffold:routes", content),
        """\
        def create_app():
            # scaffold:routes
            return app
        """,
        """\
        def create_app():
            if settings.admin:

                app.include_router(admin.router)
            # scaffold:routes
            return app
        """,
    )


def test_insert_does_nothing_when_the_block_is_anywhere_in_the_file():
    text = dedent(
        """\
        <ul>
        <li><a href="/posts">Posts</a></li>
            {# scaffold:nav #}
        </ul>
        """
    )

    assert insert_at_marker(text, "{# scaffold:nav #}", f"  {NAV}\n") == text


def test_insert_does_nothing_when_the_block_is_there_and_the_marker_is_gone():
    text = f"<ul>\n  {NAV}\n</ul>\n"

    assert insert_at_marker(text, "{# scaffold:nav #}", NAV) == text


def test_insert_adds_the_whole_block_when_only_part_of_it_is_there():
    assert_patch(
        lambda text: insert_at_marker(text, "# here", "import os\nimport sys"),
        "import os\n# here\n",
        "import os\nimport os\nimport sys\n# here\n",
    )


def test_insert_keeps_crlf_line_endings():
    before = "<ul>\r\n  {# scaffold:nav #}\r\n</ul>\r\n"
    after = f"<ul>\r\n  {NAV}\r\n  {{# scaffold:nav #}}\r\n</ul>\r\n"

    assert insert_at_marker(before, "{# scaffold:nav #}", NAV) == after
    assert insert_at_marker(after, "{# scaffold:nav #}", NAV) == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("a\n# here", "a\n# here\nb"),
        ("a\n# here\n", "a\n# here\nb\n"),
    ],
)
def test_insert_keeps_the_final_newline_or_its_absence(before, after):
    assert_patch(lambda text: insert_at_marker(text, "# here", "b", after=True), before, after)


def test_insert_without_the_marker_gives_the_edit_to_make_by_hand():
    error = insert_at_marker("<ul>\n</ul>\n", "{# scaffold:nav #}", f"{NAV}\n<li>Tags</li>\n")

    assert error == PatchError(
        problem="could not find the marker `{# scaffold:nav #}`",
        manual=(
            "Add these lines where they belong:\n"
            "\n"
            f"    {NAV}\n"
            "    <li>Tags</li>\n"
            "\n"
            "and leave exactly one line containing `{# scaffold:nav #}`,"
            " where later additions should go."
        ),
    )


def test_insert_refuses_to_choose_between_two_markers():
    error = insert_at_marker("# here\nx = 1\n# here too\n", "# here", "y = 2")

    assert isinstance(error, PatchError)
    assert error.problem == "the marker `# here` is on 2 lines (1, 3), expected one"
    assert error.line == 1
    assert error.manual.startswith("Add these lines where they belong:\n\n    y = 2\n")


# ensure_env_var


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("DEBUG=1\n", "DEBUG=1\nDATABASE_URL=sqlite:///app.db\n"),
        ("DEBUG=1", "DEBUG=1\nDATABASE_URL=sqlite:///app.db\n"),
        ("", "DATABASE_URL=sqlite:///app.db\n"),
        (
            "# DATABASE_URL=postgres://old\n",
            "# DATABASE_URL=postgres://old\nDATABASE_URL=sqlite:///app.db\n",
        ),
        (
            "OLD_DATABASE_URL=x\nDATABASE_URL_2=y\n",
            "OLD_DATABASE_URL=x\nDATABASE_URL_2=y\nDATABASE_URL=sqlite:///app.db\n",
        ),
    ],
)
def test_ensure_env_var_appends_the_assignment(before, after):
    assert_patch(
        lambda text: ensure_env_var(text, "DATABASE_URL", "sqlite:///app.db"), before, after
    )


def test_ensure_env_var_writes_the_comment_above_the_assignment():
    assert_patch(
        lambda text: ensure_env_var(text, "SECRET_KEY", "change-me", comment="Signs sessions."),
        "DEBUG=1  # local only\n",
        "DEBUG=1  # local only\n# Signs sessions.\nSECRET_KEY=change-me\n",
    )


@pytest.mark.parametrize(
    "line",
    [
        "DATABASE_URL=postgres://prod",
        "DATABASE_URL = postgres://prod",
        "export DATABASE_URL=postgres://prod",
        "  export\tDATABASE_URL  =",
    ],
)
def test_ensure_env_var_leaves_an_existing_assignment_alone(line):
    text = f"DEBUG=1\n{line}\nPORT=8000"

    assert ensure_env_var(text, "DATABASE_URL", "sqlite:///app.db", comment="DB") == text


def test_ensure_env_var_keeps_crlf_line_endings():
    before = "DEBUG=1\r\n"
    after = "DEBUG=1\r\n# Port.\r\nPORT=8000\r\n"

    assert ensure_env_var(before, "PORT", "8000", comment="Port.") == after
    assert ensure_env_var(after, "PORT", "8000", comment="Port.") == after
