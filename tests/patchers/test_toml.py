from textwrap import dedent

import pytest

from scaffold.patchers import PatchError
from scaffold.patchers.toml import (
    add_dependency,
    ensure_tool_table,
    read_tool_config,
    set_tool_config,
)


def assert_patch(edit, before: str, after: str) -> None:
    """`edit` turns `before` into `after`, and applied again it changes nothing."""
    before, after = dedent(before), dedent(after)
    assert edit(before) == after
    assert edit(after) == after


# add_dependency


def test_add_dependency_to_a_multiline_array_keeps_its_layout_and_comments():
    assert_patch(
        lambda text: add_dependency(text, "fastapi>=0.110"),
        """\
        # Managed by hand.
        [project]
        name   =   "blog"   # the name
        dependencies = [
            "typer>=0.12",  # the CLI
            # keep sorted
            "rich>=13",
        ]

        [tool.ruff]
        line-length = 100
        """,
        """\
        # Managed by hand.
        [project]
        name   =   "blog"   # the name
        dependencies = [
            "typer>=0.12",  # the CLI
            # keep sorted
            "rich>=13",
            "fastapi>=0.110",
        ]

        [tool.ruff]
        line-length = 100
        """,
    )


def test_add_dependency_copies_the_indentation_and_adds_the_missing_trailing_comma():
    assert_patch(
        lambda text: add_dependency(text, "fastapi"),
        """\
        [project]
        dependencies = [
          "typer",
          "rich"  # pretty output
        ]
        """,
        """\
        [project]
        dependencies = [
          "typer",
          "rich",  # pretty output
          "fastapi",
        ]
        """,
    )


def test_add_dependency_after_a_comment_on_the_last_line_of_the_array():
    assert_patch(
        lambda text: add_dependency(text, "fastapi"),
        """\
        [project]
        dependencies = [
        \t"typer",
        \t# more to come
        ]
        """,
        """\
        [project]
        dependencies = [
        \t"typer",
        \t# more to come
        \t"fastapi",
        ]
        """,
    )


def test_add_dependency_to_an_empty_multiline_array_indents_by_four_spaces():
    assert_patch(
        lambda text: add_dependency(text, "fastapi"),
        """\
        [project]
        dependencies = [
        ]
        """,
        """\
        [project]
        dependencies = [
            "fastapi",
        ]
        """,
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('["typer", "rich"]  # runtime', '["typer", "rich", "fastapi"]  # runtime'),
        ("[]", '["fastapi"]'),
        ('[ "typer" ]', '[ "typer", "fastapi" ]'),
    ],
)
def test_add_dependency_keeps_a_one_line_array_on_one_line(before, after):
    assert_patch(
        lambda text: add_dependency(text, "fastapi"),
        f"[project]\ndependencies = {before}\n",
        f"[project]\ndependencies = {after}\n",
    )


@pytest.mark.parametrize(
    ("listed", "requirement"),
    [
        ("uvicorn[standard]>=0.30", "uvicorn"),
        ("uvicorn", "uvicorn[standard]>=0.30"),
        ("SQLAlchemy>=2", "sqlalchemy"),
        ("typing_extensions", "typing-extensions>=4"),
        ("Zope.Interface", "zope-interface"),
        ("alembic ; python_version >= '3.11'", "alembic>=1.13"),
        ("pydantic @ https://example.com/pydantic.whl", "pydantic"),
    ],
)
def test_add_dependency_leaves_the_users_entry_for_the_same_distribution_alone(listed, requirement):
    text = f'[project]\ndependencies = [\n    "{listed}",\n]\n'

    assert add_dependency(text, requirement) == text


def test_add_dependency_compares_whole_names_not_prefixes():
    assert_patch(
        lambda text: add_dependency(text, "fastapi"),
        '[project]\ndependencies = ["fastapi-users"]\n',
        '[project]\ndependencies = ["fastapi-users", "fastapi"]\n',
    )


def test_add_dependency_to_an_existing_extra():
    assert_patch(
        lambda text: add_dependency(text, "pytest-asyncio", extra="dev"),
        """\
        [project]
        dependencies = ["fastapi"]

        [project.optional-dependencies]
        dev = [
            "pytest>=8",  # tests
        ]
        """,
        """\
        [project]
        dependencies = ["fastapi"]

        [project.optional-dependencies]
        dev = [
            "pytest>=8",  # tests
            "pytest-asyncio",
        ]
        """,
    )


def test_add_dependency_creates_a_missing_extra_in_the_existing_table():
    assert_patch(
        lambda text: add_dependency(text, "mkdocs>=1.6", extra="docs"),
        """\
        [project]
        dependencies = ["fastapi"]

        [project.optional-dependencies]
        dev = ["pytest"]  # tests

        [tool.ruff]
        line-length = 100
        """,
        """\
        [project]
        dependencies = ["fastapi"]

        [project.optional-dependencies]
        dev = ["pytest"]  # tests
        docs = ["mkdocs>=1.6"]

        [tool.ruff]
        line-length = 100
        """,
    )


def test_add_dependency_creates_the_optional_dependencies_table_at_the_end():
    assert_patch(
        lambda text: add_dependency(text, "pytest", extra="dev"),
        """\
        [project]
        dependencies = ["fastapi"]

        [tool.ruff]
        line-length = 100""",
        """\
        [project]
        dependencies = ["fastapi"]

        [tool.ruff]
        line-length = 100

        [project.optional-dependencies]
        dev = ["pytest"]
        """,
    )


def test_add_dependency_keeps_crlf_line_endings():
    before = '[project]\r\n# deps\r\ndependencies = [\r\n    "typer",\r\n]\r\n'
    after = '[project]\r\n# deps\r\ndependencies = [\r\n    "typer",\r\n    "fastapi",\r\n]\r\n'

    assert add_dependency(before, "fastapi") == after
    assert add_dependency(after, "fastapi") == after


def test_add_dependency_keeps_mixed_line_endings_line_by_line():
    before = '[project]\r\n# deps\ndependencies = [\r\n    "typer",\n]\r\n'
    after = '[project]\r\n# deps\ndependencies = [\r\n    "typer",\n    "fastapi",\n]\r\n'

    assert add_dependency(before, "fastapi") == after
    assert add_dependency(after, "fastapi") == after


def test_add_dependency_without_a_project_table_says_what_to_add():
    error = add_dependency("[tool.ruff]\nline-length = 100\n", "fastapi>=0.110")

    assert error == PatchError(
        problem="could not add `fastapi>=0.110`: there is no `[project]` table",
        manual='[project]\ndependencies = [\n    "fastapi>=0.110",\n]',
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[project]\nname = "blog"\n', "`dependencies` in `[project]` is missing"),
        ('[project]\ndependencies = "fastapi"\n', "`dependencies` in `[project]` is not an array"),
    ],
)
def test_add_dependency_without_a_dependencies_array_says_what_to_add(text, problem):
    error = add_dependency(text, "fastapi")

    assert error == PatchError(
        problem=f"could not add `fastapi`: {problem}",
        manual='[project]\ndependencies = [\n    "fastapi",\n]',
    )


def test_add_dependency_to_an_extra_that_is_not_an_array():
    text = '[project]\ndependencies = []\n\n[project.optional-dependencies]\ndev = "pytest"\n'

    error = add_dependency(text, "pytest", extra="dev")

    assert error == PatchError(
        problem=(
            "could not add `pytest`: `dev` in `[project.optional-dependencies]` is not an array"
        ),
        manual='[project.optional-dependencies]\ndev = [\n    "pytest",\n]',
    )


def test_add_dependency_to_invalid_toml_points_at_the_line():
    error = add_dependency('[project]\ndependencies = [\n    "typer"\n    "rich",\n]\n', "fastapi")

    assert isinstance(error, PatchError)
    assert error.problem.startswith("the file is not valid TOML: ")
    assert error.line == 4
    assert error.manual == '[project]\ndependencies = [\n    "fastapi",\n]'


def test_add_dependency_rejects_what_is_not_a_requirement():
    text = "[project]\ndependencies = []\n"

    assert add_dependency(text, ">=1.0") == PatchError(
        problem="`>=1.0` is not a PEP 508 requirement"
    )


# read_tool_config


def test_read_tool_config_returns_plain_python_data():
    text = dedent(
        """\
        [tool.scaffold]
        app = "blog"  # the package
        features = ["auth", 'admin']

        [tool.scaffold.database]
        url = "sqlite:///app.db"

        [tool.ruff]
        line-length = 100
        """
    )

    config = read_tool_config(text)

    assert config == {
        "app": "blog",
        "features": ["auth", "admin"],
        "database": {"url": "sqlite:///app.db"},
    }
    assert type(config) is dict
    assert type(config["app"]) is str
    assert read_tool_config(text, tool="ruff") == {"line-length": 100}


def test_read_tool_config_is_empty_when_the_table_is_absent():
    assert read_tool_config('[project]\nname = "blog"\n') == {}
    assert read_tool_config("[tool.ruff]\nline-length = 100\n") == {}
    assert read_tool_config("") == {}


def test_read_tool_config_of_a_tool_key_that_is_not_a_table():
    assert read_tool_config('tool = "scaffold"\n') == PatchError(
        problem="`tool` should be a table, but it is string"
    )
    assert read_tool_config("[tool]\nscaffold = 1\n") == PatchError(
        problem="`tool.scaffold` should be a table, but it is integer"
    )


def test_read_tool_config_of_invalid_toml_points_at_the_line():
    error = read_tool_config('[tool.scaffold]\napp = "blog\n')

    assert isinstance(error, PatchError)
    assert error.problem.startswith("the file is not valid TOML: ")
    assert error.line == 2


# set_tool_config


def test_set_tool_config_replaces_a_value_and_keeps_its_comment():
    assert_patch(
        lambda text: set_tool_config(text, "app", "shop"),
        """\
        [tool.scaffold]
        app   = "blog"  # the package
        """,
        """\
        [tool.scaffold]
        app   = "shop"  # the package
        """,
    )


def test_set_tool_config_adds_a_key_at_the_end_of_the_existing_table():
    assert_patch(
        lambda text: set_tool_config(text, "features", ["auth"]),
        """\
        [tool.scaffold]
        app = "blog"  # the package

        [tool.ruff]
        line-length = 100
        """,
        """\
        [tool.scaffold]
        app = "blog"  # the package
        features = ["auth"]

        [tool.ruff]
        line-length = 100
        """,
    )


def test_set_tool_config_writes_a_dict_as_an_inline_table():
    assert_patch(
        lambda text: set_tool_config(text, "database", {"url": "sqlite:///app.db"}),
        """\
        [tool.scaffold]
        app = "blog"

        [tool.ruff]
        """,
        """\
        [tool.scaffold]
        app = "blog"
        database = {url = "sqlite:///app.db"}

        [tool.ruff]
        """,
    )


@pytest.mark.parametrize("ending", ["\n", "", "\n\n"])
def test_set_tool_config_creates_the_table_at_the_end_of_the_file(ending):
    assert_patch(
        lambda text: set_tool_config(text, "app", "blog"),
        '[tool.ruff]\nline-length = 100\n\n[project]\nname = "blog"' + ending,
        '[tool.ruff]\nline-length = 100\n\n[project]\nname = "blog"\n'
        '\n[tool.scaffold]\napp = "blog"\n',
    )


def test_set_tool_config_in_an_empty_file():
    assert_patch(
        lambda text: set_tool_config(text, "app", "blog"), "", '[tool.scaffold]\napp = "blog"\n'
    )


def test_set_tool_config_tells_true_from_one():
    assert_patch(
        lambda text: set_tool_config(text, "strict", True),
        "[tool.scaffold]\nstrict = 1\n",
        "[tool.scaffold]\nstrict = true\n",
    )


def test_set_tool_config_keeps_crlf_line_endings():
    before = '[tool.scaffold]\r\napp = "blog"\r\n'
    after = '[tool.scaffold]\r\napp = "blog"\r\nadmin = true\r\n'

    assert set_tool_config(before, "admin", True) == after
    assert set_tool_config(after, "admin", True) == after


def test_set_tool_config_when_tool_is_not_a_table():
    error = set_tool_config("tool = 3\n", "app", "blog")

    assert error == PatchError(
        problem="`tool` should be a table, but it is integer",
        manual='[tool.scaffold]\napp = "blog"',
    )


def test_set_tool_config_never_writes_invalid_toml():
    error = set_tool_config("tool = {ruff = {line-length = 100}}\n", "app", "blog")

    assert isinstance(error, PatchError)
    assert error.problem.startswith("could not make the edit without breaking the file")
    assert error.manual == '[tool.scaffold]\napp = "blog"'


def test_set_tool_config_when_only_sub_tables_are_written_out():
    assert_patch(
        lambda text: set_tool_config(text, "app", "blog"),
        """\
        [tool.scaffold.database]
        url = "sqlite:///app.db"
        """,
        """\
        [tool.scaffold]
        app = "blog"

        [tool.scaffold.database]
        url = "sqlite:///app.db"
        """,
    )


def test_set_tool_config_updates_an_inline_table_in_place() -> None:
    before = '[tool.scaffold]\ninstalled = { auth = "0.1.0", admin = "0.1.0" }  # kept\n'
    after = '[tool.scaffold]\ninstalled = { auth = "0.2.0", admin = "0.1.0" }  # kept\n'
    value = {"auth": "0.2.0", "admin": "0.1.0"}
    assert set_tool_config(before, "installed", value) == after
    assert set_tool_config(after, "installed", value) == after


def test_add_entry_point() -> None:
    from scaffold.patchers.toml import add_entry_point

    before = '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n'
    after = add_entry_point(before, "scaffold.installers", "hello", "x.hello:hello")
    assert (
        after
        == before + '\n[project.entry-points."scaffold.installers"]\nhello = "x.hello:hello"\n'
    )
    assert add_entry_point(after, "scaffold.installers", "hello", "x.other:other") == after
    assert isinstance(add_entry_point("a = 1\n", "g", "n", "v"), PatchError)


# ensure_tool_table

SCOPE = {"default": True, "column": "user_id"}


def test_ensure_tool_table_writes_a_table_of_its_own_between_the_others():
    assert_patch(
        lambda text: ensure_tool_table(text, ("scopes", "user"), SCOPE),
        """\
        [tool.scaffold]
        app = "shop"  # the package

        [tool.ruff]
        line-length = 100
        """,
        """\
        [tool.scaffold]
        app = "shop"  # the package

        [tool.scaffold.scopes.user]
        default = true
        column = "user_id"

        [tool.ruff]
        line-length = 100
        """,
    )


def test_ensure_tool_table_adds_the_missing_keys_and_keeps_the_users_values():
    assert_patch(
        lambda text: ensure_tool_table(text, ("scopes", "user"), SCOPE),
        """\
        [tool.scaffold]
        app = "shop"

        [tool.scaffold.scopes.team]
        column = "team_id"

        [tool.scaffold.scopes.user]
        column = "person_id"  # renamed
        """,
        """\
        [tool.scaffold]
        app = "shop"

        [tool.scaffold.scopes.team]
        column = "team_id"

        [tool.scaffold.scopes.user]
        column = "person_id"  # renamed
        default = true
        """,
    )


def test_ensure_tool_table_where_an_inline_table_is():
    result = ensure_tool_table("[tool.scaffold]\nscopes = {user = {}}\n", ("scopes", "user"), SCOPE)

    assert isinstance(result, PatchError)
    assert (
        result.problem
        == "`tool.scaffold.scopes` should be a table of its own (`[tool.scaffold.scopes]`)"
    )
    assert result.manual == '[tool.scaffold.scopes.user]\ndefault = true\ncolumn = "user_id"'
