import subprocess
from pathlib import Path
from textwrap import dedent
from typing import cast

import libcst as cst
import pytest
from ruff.__main__ import find_ruff_bin

from scaffold.patchers import PatchError
from scaffold.patchers.python import (
    AppendToList,
    Edit,
    EnsureClass,
    EnsureClassAttribute,
    EnsureDictEntry,
    EnsureFunction,
    EnsureImport,
    EnsureKeywordArgument,
    EnsureModuleStatement,
    EnsureStatement,
    RemoveFromList,
    RemoveImport,
    ReplaceFunction,
    WrapLongList,
    apply_edits,
)


def assert_edit(edit: Edit, before: str, after: str) -> None:
    """`edit` turns `before` into `after`, and leaves `after` alone (the "does nothing" twin)."""
    assert apply_edits(dedent(before), [edit]) == dedent(after)
    done = cst.parse_module(dedent(after))
    assert edit(done) is done


def assert_fails(edit: Edit, source: str) -> PatchError:
    result = apply_edits(dedent(source), [edit])
    assert isinstance(result, PatchError)
    return result


# EnsureImport
#
# Each expected file is also checked with ruff: isort (`I`) with the generated apps' settings
# and, where the file is formatted, `ruff format --check`.

APP = """\
    \"\"\"The app.\"\"\"

    from __future__ import annotations

    import os

    from fastapi import FastAPI
    from fastapi.staticfiles import StaticFiles

    from my_app.api import users as users_api
    from my_app.web import pages

    from .settings import settings

    app = FastAPI()
"""

POSTS_API = """\
    from fastapi import APIRouter, Depends, HTTPException
    from sqlalchemy.orm import Session

    from my_app.blog.post import Post, PostCreate, PostRead, list_posts
    from my_app.db import get_session

    router = APIRouter()
"""


RUFF = find_ruff_bin()  # not `python -m ruff`: Python's start-up would triple the time


def ensure_import(module: str, name: str | None = None, alias: str | None = None) -> EnsureImport:
    return EnsureImport(module, name, alias, first_party=frozenset({"my_app"}))


def assert_ruff_passes(source: str, tmp_path: Path, formatted: bool = True) -> None:
    """ruff's isort, set up as in a generated app, passes `source`; so does its formatter."""
    path = tmp_path / "module.py"
    path.write_text(dedent(source))
    settings = ["--isolated", "--no-cache", "--line-length", "100"]
    isort = ["--select", "I", "--config", "lint.isort.known-first-party=['my_app']"]
    commands = [["check", *settings, *isort], ["format", "--check", *settings]]
    for command in commands[: 1 + formatted]:
        ruff = [RUFF, *command, str(path)]
        result = subprocess.run(ruff, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_example_files_are_sorted_and_formatted(tmp_path: Path) -> None:
    assert_ruff_passes(APP, tmp_path)
    assert_ruff_passes(POSTS_API, tmp_path)


@pytest.mark.parametrize(
    ("edit", "follows"),
    [
        # In a section, `import x` statements come before `from x import y`, each by module.
        (ensure_import("json"), "annotations\n\n"),
        (ensure_import("typing", "Any"), "import os\n"),
        (ensure_import("uvicorn"), "import os\n\n"),
        (ensure_import("fastapi.responses", "HTMLResponse"), "import FastAPI\n"),
        (ensure_import("sqlalchemy.orm", "Session"), "import StaticFiles\n"),
        # "my_app" < "my_app.api" < "my_app.api.blog" < "my_app.api_v2" < "my_app.web"
        (ensure_import("my_app", "db"), "StaticFiles\n\n"),
        (ensure_import("my_app.api.blog", "posts", alias="blog_posts_api"), "users_api\n"),
        (ensure_import("my_app.api_v2", "router"), "users_api\n"),
        # The furthest relative import first.
        (ensure_import("..core", "config"), "import pages\n\n"),
        (ensure_import(".blog", "router"), "import pages\n\n"),
    ],
)
def test_import_goes_where_isort_sorts_it(edit: EnsureImport, follows: str, tmp_path: Path) -> None:
    new = f"from {edit.module} import {edit.name}" if edit.name else f"import {edit.module}"
    alias = f" as {edit.alias}" if edit.alias else ""
    after = APP.replace(follows, f"{follows}    {new}{alias}\n", 1)
    assert_edit(edit, APP, after)
    assert_ruff_passes(after, tmp_path)


def test_import_starts_its_section_with_a_blank_line(tmp_path: Path) -> None:
    before = """\
        \"\"\"The app.\"\"\"

        import os

        from my_app.web import pages

        app = make_app()
    """
    after = """\
        \"\"\"The app.\"\"\"

        import os

        from fastapi import FastAPI

        from my_app.web import pages

        app = make_app()
    """
    assert_edit(ensure_import("fastapi", "FastAPI"), before, after)
    assert_ruff_passes(after, tmp_path)
    future = after.replace(
        "\n\n        import os",
        "\n\n        from __future__ import annotations\n\n        import os",
    )
    assert_edit(ensure_import("__future__", "annotations"), after, future)
    assert_ruff_passes(future, tmp_path)
    local = after.replace("pages\n", "pages\n\n        from .blog import router\n")
    assert_edit(ensure_import(".blog", "router"), after, local)
    assert_ruff_passes(local, tmp_path)


def test_comments_above_imports_stay_where_isort_keeps_them(tmp_path: Path) -> None:
    # isort leaves the comments above a block at its top, and moves the others with their
    # import, a blank line above them.
    before = """\
        # The app's routes.
        import os

        # Blog routes.
        from my_app.blog import router as blog_router  # the blog
        from my_app.web import pages
    """
    after = """\
        # The app's routes.
        import json
        import os

        from my_app.auth import router as auth_router

        # Blog routes.
        from my_app.blog import router as blog_router  # the blog
        from my_app.web import pages
    """
    edits = [ensure_import("my_app.auth", "router", alias="auth_router"), ensure_import("json")]
    assert apply_edits(dedent(before), edits) == dedent(after)
    assert apply_edits(dedent(after), edits) == dedent(after)
    assert_ruff_passes(after, tmp_path)


@pytest.mark.parametrize(
    ("edit", "names"),
    [
        # CONSTANTS, then Classes, then the rest.
        (ensure_import("my_app.blog.post", "create_post"), "PostRead, create_post, list_posts"),
        (ensure_import("my_app.blog.post", "count_posts"), "PostRead, count_posts, list_posts"),
        (ensure_import("my_app.blog.post", "PostUpdate"), "PostRead, PostUpdate, list_posts"),
        (ensure_import("my_app.blog.post", "PostBase"), "Post, PostBase, PostCreate"),
        (ensure_import("my_app.blog.post", "MAX_POSTS"), "import MAX_POSTS, Post, PostCreate"),
        (ensure_import("my_app.blog.post", "Base"), "import Base, Post, PostCreate"),
        (ensure_import("fastapi", "Body"), "APIRouter, Body, Depends"),
        (ensure_import("fastapi", "status"), "HTTPException, status\n"),
    ],
)
def test_name_goes_where_isort_sorts_it(edit: EnsureImport, names: str, tmp_path: Path) -> None:
    name = cast(str, edit.name)
    after = POSTS_API.replace(names.replace(f"{name}, ", "").replace(f", {name}", ""), names)
    assert after != POSTS_API
    assert_edit(edit, POSTS_API, after)
    assert_ruff_passes(after, tmp_path)


def test_modules_and_names_compare_as_ruff_compares_them(tmp_path: Path) -> None:
    # Case-insensitive, case breaking ties; "." < digits < "_" < letters; runs of digits by
    # value unless they start with 0. Names: CONSTANTS (two bytes or more, so "É" is one),
    # then Classes, then the rest. Relative modules: furthest first.
    modules = ["A", "a", "a.b", "a02", "a1", "a2", "a10", "a_b", "ab", "zA", "Zz"]
    names = ["_X", "A1", "É", "ABc", "Post", "PostCreate", "T", "_private", "count", "x9", "x10"]
    relative = ["..", "..a", ".", ".A", ".a", ".b"]
    edits = [
        *(ensure_import(m) for m in modules[::-1]),
        *(ensure_import("m", n) for n in names[::3] + names[1::3] + names[2::3]),
        *(ensure_import(m, f"x{i}") for i, m in enumerate(relative[::-1])),
    ]
    after = "".join(f"import {m}\n" for m in modules)
    after += f"from m import {', '.join(names)}\n\n"
    after += "".join(f"from {m} import x{5 - i}\n" for i, m in enumerate(relative))
    assert apply_edits("", edits) == after
    assert apply_edits(after, edits) == after
    assert_ruff_passes(after, tmp_path)


def test_name_with_an_alias_gets_a_statement_of_its_own(tmp_path: Path) -> None:
    # ruff's default `combine-as-imports = false`. Statements from one module sort by their
    # first name; `Post` before `Post as BlogPost`.
    new = "\n    from my_app.blog.post import Post as BlogPost"
    after = POSTS_API.replace("list_posts", f"list_posts{new}")
    assert_edit(ensure_import("my_app.blog.post", "Post", alias="BlogPost"), POSTS_API, after)
    assert_ruff_passes(after, tmp_path)


def test_name_moves_its_statement_above_one_with_an_alias(tmp_path: Path) -> None:
    before = """\
        # Routers.
        from my_app.api import posts as blog_posts

        # Users.
        from my_app.api import users
    """
    after = """\
        # Routers.
        # Users.
        from my_app.api import pages, users
        from my_app.api import posts as blog_posts
    """
    assert_edit(ensure_import("my_app.api", "pages"), before, after)
    assert_ruff_passes(before, tmp_path)
    assert_ruff_passes(after, tmp_path)


def test_name_joins_a_one_name_a_line_import(tmp_path: Path) -> None:
    before = """\
        from sqlalchemy.orm import (  # the ORM
            Mapped,  # the type
            # the column
            mapped_column,  # a function
        )
    """
    after = """\
        from sqlalchemy.orm import (  # the ORM
            DeclarativeBase,
            Mapped,  # the type
            Session,
            # the column
            mapped_column,  # a function
            relationship,
        )
    """
    edits = [
        ensure_import("sqlalchemy.orm", "relationship"),
        ensure_import("sqlalchemy.orm", "Session"),
        ensure_import("sqlalchemy.orm", "DeclarativeBase"),
    ]
    assert apply_edits(dedent(before), edits) == dedent(after)
    assert apply_edits(dedent(after), edits) == dedent(after)
    assert_ruff_passes(after, tmp_path)


def test_a_name_that_makes_the_line_too_long_wraps_it(tmp_path: Path) -> None:
    # 102 characters: one name a line, with a trailing comma, as ruff's isort and formatter do.
    before = """\
        from my_app.blog.post import Post, PostCreate, PostRead, PostUpdate, count_posts, list_posts
    """
    after = """\
        from my_app.blog.post import (
            Post,
            PostCreate,
            PostRead,
            PostUpdate,
            count_posts,
            get_post,
            list_posts,
        )
    """
    assert_edit(ensure_import("my_app.blog.post", "get_post"), before, after)
    assert_ruff_passes(after, tmp_path)


def test_a_comment_counts_in_the_line_length_and_goes_after_the_parenthesis(
    tmp_path: Path,
) -> None:
    before = """\
        from my_app.blog.post import Post, PostCreate, PostRead, count_posts, list_posts  # the blog
    """
    after = """\
        from my_app.blog.post import (  # the blog
            Post,
            PostCreate,
            PostRead,
            count_posts,
            get_post,
            list_posts,
        )
    """
    assert_edit(ensure_import("my_app.blog.post", "get_post"), before, after)
    assert_ruff_passes(after, tmp_path)


def test_a_line_of_100_characters_fits_and_a_pragma_comment_does_not_count(
    tmp_path: Path,
) -> None:
    names = "Post, PostCreate, PostRead, PostUpdate, count_posts, list_posts"
    before = f"from my_app.blog import {names}  # noqa: F401\n"
    after = before.replace("count_posts, ", "count_posts, delete_post, ")
    assert len(after.partition("  #")[0]) == 100
    assert_edit(ensure_import("my_app.blog", "delete_post"), before, after)
    assert_ruff_passes(after, tmp_path)


def test_a_new_import_too_long_for_a_line_is_wrapped(tmp_path: Path) -> None:
    before = """\
        import os
    """
    after = """\
        import os

        from my_app.blog.notifications.email_templates import (
            render_new_comment_notification as render_comment_email,
        )
    """
    edit = ensure_import(
        "my_app.blog.notifications.email_templates",
        "render_new_comment_notification",
        alias="render_comment_email",
    )
    assert_edit(edit, before, after)
    assert_ruff_passes(after, tmp_path)


def test_name_joins_an_import_laid_out_its_own_way() -> None:
    before = """\
        from fastapi import Depends,  FastAPI  # web
        from fastapi.responses import HTMLResponse
    """
    after = """\
        from fastapi import APIRouter,  Depends,  FastAPI  # web
        from fastapi.responses import HTMLResponse
    """
    assert_edit(EnsureImport("fastapi", "APIRouter"), before, after)


def test_name_joins_parenthesized_imports_without_a_trailing_comma() -> None:
    before = """\
        from a import (b, d)
        from e import (
            f,
            g  # last
        )
    """
    after = """\
        from a import (a, b, c, d, e)
        from e import (
            a,
            f,
            g,  # last
            h
        )
    """
    names = {"a": "cae", "e": "ha"}
    edits = [EnsureImport(module, name) for module, new in names.items() for name in new]
    assert apply_edits(dedent(before), edits) == dedent(after)
    assert apply_edits(dedent(after), edits) == dedent(after)


def test_name_already_imported_in_another_statement_or_with_relative_dots() -> None:
    source = dedent("""\
        from . import posts
        from .blog import models
        from .blog import router as blog_router, schemas
    """)
    edits = [
        EnsureImport(".", "posts"),
        EnsureImport(".blog", "schemas"),
        EnsureImport(".blog", "router", alias="blog_router"),
    ]
    assert apply_edits(source, edits) == source
    # `blog` is not `.blog`, and `router` is not bound without its alias.
    assert apply_edits(source, [EnsureImport("blog", "router")]) == (
        "from blog import router\n\n" + source
    )
    assert apply_edits(source, [EnsureImport(".blog", "router")]) == source.replace(
        "models\n", "models, router\n"
    )


def test_plain_import_next_to_one_with_an_alias() -> None:
    before = """\
        import json as j
        x = 1
    """
    after = """\
        import json
        import json as j
        x = 1
    """
    assert_edit(EnsureImport("json"), before, after)
    assert apply_edits(dedent(after), [EnsureImport("json", alias="j")]) == dedent(after)


def test_first_import_goes_after_the_docstring(tmp_path: Path) -> None:
    before = '''\
        """The app."""
        # Settings.
        DEBUG = True
    '''
    after = '''\
        """The app."""

        import os

        # Settings.
        DEBUG = True
    '''
    assert_edit(EnsureImport("os"), before, after)
    assert_ruff_passes(after, tmp_path)


def test_first_import_goes_after_future_imports(tmp_path: Path) -> None:
    before = '''\
        """The app."""

        from __future__ import annotations

        DEBUG = True
    '''
    after = '''\
        """The app."""

        from __future__ import annotations

        from fastapi import FastAPI

        DEBUG = True
    '''
    assert_edit(EnsureImport("fastapi", "FastAPI"), before, after)
    assert_ruff_passes(after, tmp_path)


def test_first_import_goes_at_the_top_two_lines_above_a_def(tmp_path: Path) -> None:
    before = """\
        #!/usr/bin/env python
        def main():
            pass
    """
    after = """\
        #!/usr/bin/env python
        import os


        def main():
            pass
    """
    assert_edit(EnsureImport("os"), before, after)
    assert_ruff_passes(after, tmp_path)
    assert apply_edits("", [EnsureImport("os")]) == "import os\n"


# EnsureDictEntry


def test_add_an_entry_to_a_dict_laid_out_one_entry_a_line() -> None:
    before = """\
        COMMANDS: dict[str, Command] = {
            "serve": Command("Serve the app.", serve),  # uvicorn
            "routes": Command("List the routes.", routes),
        }
    """
    after = """\
        COMMANDS: dict[str, Command] = {
            "serve": Command("Serve the app.", serve),  # uvicorn
            "routes": Command("List the routes.", routes),
            "admin": Command("Grant admin rights.", rights.run),
        }
    """
    assert_edit(
        EnsureDictEntry("COMMANDS", '"admin"', 'Command("Grant admin rights.", rights.run)'),
        before,
        after,
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("x = {}\n", "x = {'k': 3}\n"),
        ("x = {'a': 1}\n", "x = {'a': 1, 'k': 3}\n"),
        ("x = {'a': 1,}\n", "x = {'a': 1, 'k': 3,}\n"),
    ],
)
def test_add_an_entry_to_a_one_line_dict(before: str, after: str) -> None:
    assert_edit(EnsureDictEntry("x", "'k'", "3"), before, after)


def test_an_entry_already_there_keeps_its_value() -> None:
    source = 'COMMANDS = {\n    "admin": my_own_admin_command,\n}\n'
    assert apply_edits(source, [EnsureDictEntry("COMMANDS", "'admin'", "other")]) == source


def test_a_missing_dict_is_an_error_with_the_manual_edit() -> None:
    error = assert_fails(EnsureDictEntry("COMMANDS", '"admin"', "admin"), "COMMANDS = []\n")
    assert "could not find a dict assigned to `COMMANDS`" in error.describe("cli.py")
    assert '"admin": admin,' in error.describe("cli.py")


# AppendToList


def test_append_to_a_multiline_list_keeps_comments_and_indentation() -> None:
    before = """\
        __all__ = [
              "Post",  # the model
              "Tag",   # its tags
        ]  # public
    """
    after = """\
        __all__ = [
              "Post",  # the model
              "Tag",   # its tags
              "Comment",
        ]  # public
    """
    assert_edit(AppendToList("__all__", '"Comment"'), before, after)


def test_append_to_a_multiline_list_without_trailing_comma() -> None:
    before = """\
        apps = [
            "a",
            "b"  # last
        ]
    """
    after = """\
        apps = [
            "a",
            "b",  # last
            "c"
        ]
    """
    assert_edit(AppendToList("apps", '"c"'), before, after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("x = []\n", "x = [3]\n"),
        ("x = [1]\n", "x = [1, 3]\n"),
        ("x = [1,  2]  # two\n", "x = [1,  2,  3]  # two\n"),
        ("x = [1, 2,]\n", "x = [1, 2, 3,]\n"),
        ("x: list[int] = [ 1 ]\n", "x: list[int] = [ 1, 3 ]\n"),
    ],
)
def test_append_to_a_one_line_list(before: str, after: str) -> None:
    assert_edit(AppendToList("x", "3"), before, after)


def test_append_to_the_list_in_a_function() -> None:
    before = """\
        middleware = []

        def create_app():
            middleware = [Middleware(GZip)]
            return FastAPI(middleware=middleware)
    """
    after = """\
        middleware = []

        def create_app():
            middleware = [Middleware(GZip), Middleware(CORS, allow_origins=["*"])]
            return FastAPI(middleware=middleware)
    """
    element = 'Middleware(CORS, allow_origins=["*"])'
    assert_edit(AppendToList("middleware", element, function="create_app"), before, after)


def test_an_element_laid_out_differently_is_already_there() -> None:
    source = dedent("""\
        urlpatterns = [
            path(
                "posts/",  # list
                views.posts,
            ),
        ]
    """)
    assert apply_edits(source, [AppendToList("urlpatterns", 'path("posts/",views.posts)')]) == (
        source
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("__all__ = ['Post']\n", "__all__ = ['Post', 'Tag']\n"),
        (
            "__all__ = [\n    'Post',  # why\n]\n",
            "__all__ = [\n    'Post',  # why\n    'Tag',\n]\n",
        ),
        ("__all__ = ['Post', \"Note\"]\n", '__all__ = [\'Post\', "Note", "Tag"]\n'),  # the last's
        ("__all__ = []\n", '__all__ = ["Tag"]\n'),
    ],
)
def test_a_string_goes_in_the_quotes_of_the_list(before: str, after: str) -> None:
    assert_edit(AppendToList("__all__", '"Tag"'), before, after)


def test_a_string_in_other_quotes_is_already_there() -> None:
    source = "__all__ = ['Post', 'Tag']\n"
    assert apply_edits(source, [AppendToList("__all__", '"Tag"')]) == source


def test_a_string_that_holds_the_lists_quote_keeps_its_own() -> None:
    edit = AppendToList("notes", '"it\'s"')
    assert_edit(edit, "notes = ['a']\n", "notes = ['a', \"it's\"]\n")


def test_append_to_a_missing_list() -> None:
    error = assert_fails(AppendToList("__all__", '"Post"'), '__all__ = ("Tag",)\n')
    assert error.problem == "could not find a list assigned to `__all__`"
    assert error.manual == 'In the list assigned to `__all__`, add:\n    "Post",'
    error = assert_fails(AppendToList("routes", "r", function="make"), "routes = []\n")
    assert error.problem == "could not find a function `make`"
    assert error.manual == "In the list assigned to `routes` inside `make`, add:\n    r,"


# EnsureStatement


def test_statement_goes_before_the_final_return() -> None:
    before = """\
        def create_app() -> FastAPI:
            app = FastAPI()  # the app

            # Ready.
            return app
    """
    after = """\
        def create_app() -> FastAPI:
            app = FastAPI()  # the app
            app.include_router(router)

            # Ready.
            return app
    """
    assert_edit(EnsureStatement("create_app", "app.include_router(router)"), before, after)


def test_statement_goes_at_the_end_with_the_body_indentation() -> None:
    before = """\
        def setup(app):
          app.state.ready = True
        x = 1
    """
    after = """\
        def setup(app):
          app.state.ready = True
          app.mount("/static", static)
        x = 1
    """
    assert_edit(EnsureStatement("setup", 'app.mount("/static", static)'), before, after)


def test_statement_goes_before_an_anchor_in_a_method() -> None:
    before = """\
        class App:
            def build(self):
                self.routes = []
                # Finish up.
                self.freeze()
                return self
    """
    after = """\
        class App:
            def build(self):
                self.routes = []
                self.routes.append(home)
                # Finish up.
                self.freeze()
                return self
    """
    edit = EnsureStatement("App.build", "self.routes.append(home)", before="self.freeze(")
    assert_edit(edit, before, after)


def test_statement_with_another_layout_is_already_there() -> None:
    source = dedent("""\
        def create_app():
            app.include_router( router )  # blog
            return app
    """)
    assert apply_edits(source, [EnsureStatement("create_app", "app.include_router(router)")]) == (
        source
    )


def test_statement_in_a_missing_function() -> None:
    edit = EnsureStatement("create_app", "app.include_router(router)", before="return app")
    error = assert_fails(edit, "app = FastAPI()\n")
    assert error.problem == "could not find a function `create_app`"
    assert error.manual == (
        "Inside `create_app`, before `return app`, add:\n    app.include_router(router)"
    )
    error = assert_fails(EnsureStatement("App.build", "x = 1"), "def build(): pass\n")
    assert error.problem == "could not find a method `App.build`"
    assert (
        error.manual == "Inside `App.build`, at the end (before a final `return`), add:\n    x = 1"
    )


def test_statement_with_a_missing_anchor_or_a_one_line_body() -> None:
    edit = EnsureStatement("create_app", "app.include_router(router)", before="return app")
    error = assert_fails(edit, "def create_app():\n    return make()\n")
    assert error.problem == "could not find a statement starting with `return app` in `create_app`"
    error = assert_fails(EnsureStatement("f", "x = 1"), "def f(): return 2\n")
    assert error.problem == "`f` has its body on the `def` line"


# EnsureModuleStatement


def test_module_statement_goes_after_the_last_anchor() -> None:
    before = """\
        from my_app.web import auth, posts, users

        router = APIRouter()
        router.include_router(users.router)  # users
        router.include_router(auth.router)

        # Done.
    """
    after = """\
        from my_app.web import auth, posts, users

        router = APIRouter()
        router.include_router(users.router)  # users
        router.include_router(auth.router)
        router.include_router(posts.router)

        # Done.
    """
    edit = EnsureModuleStatement("router.include_router(posts.router)", after="router.include_")
    assert_edit(edit, before, after)


def test_module_statement_goes_at_the_end_two_lines_after_a_def() -> None:
    before = """\
        def create_app():
            return FastAPI()
    """
    after = """\
        def create_app():
            return FastAPI()


        app = create_app()
    """
    assert_edit(EnsureModuleStatement("app = create_app()"), before, after)


def test_module_statement_needs_the_names_it_uses() -> None:
    # The user renamed `router`: appending `router.include_router(...)` would be a NameError.
    source = "from my_app.web import posts\n\napi_router = APIRouter()\n"
    edit = EnsureModuleStatement("router.include_router(posts.router)")
    error = assert_fails(edit, source)
    assert error.problem == (
        "could not find `router` at module level, which `router.include_router(posts.router)` "
        "uses: renamed, or defined elsewhere?"
    )
    assert error.manual == (
        "At module level (with your own name for `router`), add:\n"
        "    router.include_router(posts.router)"
    )


@pytest.mark.parametrize(
    "source",
    [
        "if DEBUG:\n    router = A()\nelse:\n    router = B()\n",
        "try:\n    from a import router\nexcept ImportError:\n    router = None\n",
        "with opened() as router:\n    pass\n",
        "for router in routers:\n    pass\n",
        "from my_app.routing import *\n",  # binds what it binds: scaffold cannot tell
        "def router():\n    pass\n",
    ],
)
def test_module_statement_finds_its_names_where_the_module_binds_them(source: str) -> None:
    statement = "router.include_router(sorted(p, key=lambda r: r.name)[0])"
    edit = EnsureModuleStatement(statement)
    result = apply_edits("import p\n" + source, [edit])
    assert isinstance(result, str) and result.endswith(statement + "\n")


def test_module_statement_with_a_missing_anchor() -> None:
    edit = EnsureModuleStatement("router.include_router(posts.router)", after="router = ")
    error = assert_fails(edit, "app = FastAPI()\n")
    assert error.problem == "could not find a statement starting with `router = `"
    assert error.manual == (
        "At module level, after `router = `, add:\n    router.include_router(posts.router)"
    )


# EnsureKeywordArgument


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("app = FastAPI()\n", 'app = FastAPI(title="Blog")\n'),
        ("app = FastAPI( debug=True )\n", 'app = FastAPI( debug=True, title="Blog" )\n'),
        ("app = FastAPI(debug=True,)\n", 'app = FastAPI(debug=True, title="Blog",)\n'),
        ("app = FastAPI(*a, **kw)  # app\n", 'app = FastAPI(*a, **kw, title="Blog")  # app\n'),
    ],
)
def test_keyword_in_a_one_line_call(before: str, after: str) -> None:
    assert_edit(EnsureKeywordArgument("FastAPI", "title", '"Blog"'), before, after)


def test_keyword_in_a_multiline_call() -> None:
    before = """\
        app = FastAPI(
            debug=True,  # for now
            lifespan=lifespan,  # startup
        )
    """
    after = """\
        app = FastAPI(
            debug=True,  # for now
            lifespan=lifespan,  # startup
            title="Blog",
        )
    """
    assert_edit(EnsureKeywordArgument("FastAPI", "title", '"Blog"'), before, after)


def test_keyword_in_a_multiline_call_without_trailing_comma() -> None:
    before = """\
        app.add_middleware(
            CORSMiddleware  # cross-origin
        )
    """
    after = """\
        app.add_middleware(
            CORSMiddleware,  # cross-origin
            allow_origins=["*"]
        )
    """
    edit = EnsureKeywordArgument("app.add_middleware", "allow_origins", '["*"]')
    assert_edit(edit, before, after)


def test_keyword_in_the_first_call_in_a_function() -> None:
    before = """\
        other = FastAPI()

        def create_app():
            app = FastAPI()
            api = FastAPI()
    """
    after = """\
        other = FastAPI()

        def create_app():
            app = FastAPI(debug=settings.debug)
            api = FastAPI()
    """
    edit = EnsureKeywordArgument("FastAPI", "debug", "settings.debug", function="create_app")
    assert_edit(edit, before, after)


def test_the_users_keyword_value_wins() -> None:
    source = 'app = FastAPI(title="Mine")\n'
    assert apply_edits(source, [EnsureKeywordArgument("FastAPI", "title", '"Blog"')]) == source


def test_keyword_in_a_missing_call() -> None:
    edit = EnsureKeywordArgument("FastAPI", "title", '"Blog"', function="create_app")
    error = assert_fails(edit, "def create_app():\n    return Starlette()\n")
    assert error.problem == "could not find a call to `FastAPI` inside `create_app`"
    assert error.manual == 'In the call to `FastAPI` inside `create_app`, add:\n    title="Blog",'
    error = assert_fails(edit, "app = FastAPI()\n")
    assert error.problem == "could not find a function `create_app`"


def test_keyword_in_the_call_with_a_given_first_argument() -> None:
    before = """\
        def create_app():
            app.add_middleware(ScopeMiddleware)
            app.add_middleware(
                SessionMiddleware,
                secret_key=key,
            )
    """
    after = """\
        def create_app():
            app.add_middleware(ScopeMiddleware)
            app.add_middleware(
                SessionMiddleware,
                secret_key=key,
                max_age=None,
            )
    """
    edit = EnsureKeywordArgument(
        "app.add_middleware", "max_age", "None", "create_app", first_argument="SessionMiddleware"
    )
    assert_edit(edit, before, after)
    error = assert_fails(edit, "def create_app():\n    app.add_middleware(ScopeMiddleware)\n")
    assert error.problem == (
        "could not find a call to `app.add_middleware(SessionMiddleware, ...)` inside `create_app`"
    )
    assert "max_age=None," in (error.manual or "")


# EnsureFunction, EnsureClass


def test_function_is_appended_two_lines_down() -> None:
    before = """\
        import os
        x = 1  # one
    """
    after = """\
        import os
        x = 1  # one


        @router.get("/")
        def index():
            return {}
    """
    code = """
        @router.get("/")
        def index():
            return {}
    """
    assert_edit(EnsureFunction("index", code), before, after)


def test_class_is_appended_and_an_existing_name_is_left_alone() -> None:
    before = """\
        def make():
            pass
    """
    after = """\
        def make():
            pass


        class Post(Base):
            __tablename__ = "posts"
    """
    code = 'class Post(Base):\n    __tablename__ = "posts"\n'
    assert_edit(EnsureClass("Post", code), before, after)
    assert apply_edits(dedent(after), [EnsureFunction("Post", "def Post(): pass")]) == dedent(after)
    assert apply_edits("", [EnsureFunction("f", "def f(): pass")]) == "def f(): pass\n"


# EnsureClassAttribute


def test_class_attribute_goes_at_the_end_of_the_class() -> None:
    before = """\
        class Settings(BaseSettings):
            \"\"\"Read from the environment.\"\"\"

            database_url: str = "sqlite:///app.db"  # local
        DEBUG = False
    """
    after = """\
        class Settings(BaseSettings):
            \"\"\"Read from the environment.\"\"\"

            database_url: str = "sqlite:///app.db"  # local
            smtp_host: str = "localhost"
        DEBUG = False
    """
    edit = EnsureClassAttribute("Settings", "smtp_host", 'smtp_host: str = "localhost"')
    assert_edit(edit, before, after)


def test_class_attribute_after_a_method_and_an_existing_one() -> None:
    before = """\
        class Settings:
            debug: bool
            def url(self):
                return "x"
    """
    after = """\
        class Settings:
            debug: bool
            def url(self):
                return "x"

            smtp_port = 25
    """
    assert_edit(EnsureClassAttribute("Settings", "smtp_port", "smtp_port = 25"), before, after)
    # A bare annotation defines the attribute too.
    edit = EnsureClassAttribute("Settings", "debug", "debug: bool = False")
    assert apply_edits(dedent(after), [edit]) == dedent(after)


def test_class_attribute_in_a_missing_class() -> None:
    edit = EnsureClassAttribute("Settings", "smtp_host", 'smtp_host: str = "localhost"')
    error = assert_fails(edit, "settings = {}\n")
    assert error.problem == "could not find a class `Settings`"
    assert error.manual == 'Inside `class Settings`, add:\n    smtp_host: str = "localhost"'


# apply_edits


def test_edits_apply_in_order() -> None:
    before = """\
        from fastapi import FastAPI

        def create_app():
            app = FastAPI()
            return app
    """
    after = """\
        from fastapi import FastAPI

        from .blog import router

        def create_app():
            app = FastAPI()
            app.include_router(router)
            return app
    """
    edits = [
        EnsureImport(".blog", "router"),
        EnsureStatement("create_app", "app.include_router(router)"),
    ]
    assert apply_edits(dedent(before), edits) == dedent(after)
    assert apply_edits(dedent(after), edits) == dedent(after)


def test_the_first_error_stops_the_run() -> None:
    edits = [EnsureImport("os"), EnsureStatement("missing", "x = 1"), EnsureImport("sys")]
    result = apply_edits("x = 1\n", edits)
    assert result == PatchError(
        problem="could not find a function `missing`",
        manual="Inside `missing`, at the end (before a final `return`), add:\n    x = 1",
    )


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("def f(:\n    pass\n", 1, "invalid syntax"),
        ("x = 1\ny = (\nz = 2\n", 2, "'(' was never closed"),
        ("x = 1\nif x\n    y = 2\n", 2, "expected ':'"),
    ],
)
def test_a_file_that_does_not_parse(source: str, line: int, message: str) -> None:
    result = apply_edits(source, [EnsureImport("os")])
    assert result == PatchError(problem=f"is not valid Python: {message}", line=line)


# WrapLongList, ReplaceFunction


def test_a_list_grown_too_long_is_laid_out_one_element_a_line() -> None:
    names = ", ".join(f'"name_{n:02}"' for n in range(10))
    wrapped = "".join(f'    "name_{n:02}",\n' for n in range(10))
    before = f"x = 1\n__all__ = [{names}]\n"
    assert_edit(WrapLongList("__all__"), before, f"x = 1\n__all__ = [\n{wrapped}]\n")


def test_a_list_that_fits_or_is_wrapped_already_is_left_alone() -> None:
    for source in ('__all__ = ["a", "b"]\n', '__all__ = [\n    "a", "b"\n]\n', "x = 1\n"):
        module = cst.parse_module(source)
        assert WrapLongList("__all__")(module) is module


def test_a_function_is_replaced_where_it_is_or_appended() -> None:
    edit = ReplaceFunction("make_post", "def make_post() -> int:\n    return 2\n")
    before = "import os\n\n\n# Posts.\ndef make_post() -> int:\n    return 1\n\n\nx = 1\n"
    after = "import os\n\n\n# Posts.\ndef make_post() -> int:\n    return 2\n\n\nx = 1\n"
    assert apply_edits(before, [edit]) == after
    assert apply_edits(after, [edit]) == after
    appended = "import os\n\n\ndef make_post() -> int:\n    return 2\n"
    assert apply_edits("import os\n", [edit]) == appended


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ('"abc"', ('"abc"', "")),  # one token: no tokenize, but the key it would give
        (" name ", ("name", "")),
        ('"a\\"b"', ('"a\\"b"', "")),  # escapes: through tokenize
        ("a.b", ("a", ".", "b", "")),
        ("f(a,)", ("f", "(", "a", ")", "")),  # a trailing comma is layout
    ],
)
def test_keys_compare_code_whatever_its_layout(code: str, key: tuple[str, ...]) -> None:
    from scaffold.patchers._nodes import _key

    assert _key(code) == key


# RemoveImport, RemoveFromList


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("from m import a, b\n", "from m import a\n"),
        ("from m import b, a\n", "from m import a\n"),
        ("from m import (\n    a,\n    b,\n    c,\n)\n", "from m import (\n    a,\n    c,\n)\n"),
        ("from m import (\n    a,\n    b,\n)\n", "from m import (\n    a,\n)\n"),
        ("from m import (\n    a,\n    b\n)\n", "from m import (\n    a\n)\n"),
        ("import os\n\nfrom m import b\nfrom n import c\n", "import os\n\nfrom n import c\n"),
        ("from m import b\n\nx = 1\n", "\nx = 1\n"),
    ],
)
def test_remove_import_takes_the_name_out_keeping_the_layout(before: str, after: str) -> None:
    assert_edit(RemoveImport("m", "b"), before, after)


def test_remove_import_leaves_other_modules_and_aliases_alone() -> None:
    source = "from n import b\nfrom m import b as c\n"
    assert apply_edits(source, [RemoveImport("m", "b")]) == source


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('__all__ = ["a", "b"]\n', '__all__ = ["a"]\n'),
        ('__all__ = ["b", "a"]\n', '__all__ = ["a"]\n'),
        ('__all__ = [\n    "a",\n    "b",\n]\n', '__all__ = [\n    "a",\n]\n'),
        (
            '__all__ = [\n    "a",\n    "b",  # why\n    "c",\n]\n',
            '__all__ = [\n    "a",\n    "c",\n]\n',
        ),
        ('__all__: list[str] = ["b"]\n', "__all__: list[str] = []\n"),
    ],
)
def test_remove_from_list_takes_the_element_out_keeping_the_layout(before: str, after: str) -> None:
    assert_edit(RemoveFromList("__all__", '"b"'), before, after)


@pytest.mark.parametrize("before", ["__all__ = ['a', 'b']\n", "__all__ = ['b', \"a\"]\n"])
def test_remove_from_list_finds_a_string_in_other_quotes(before: str) -> None:
    result = apply_edits(before, [RemoveFromList("__all__", '"b"')])
    assert isinstance(result, str) and "b" not in result


# A byte-order mark


def test_a_byte_order_mark_stays() -> None:
    source = '\ufeff"""The router."""\r\n\r\nrouter = APIRouter()\r\n'
    edits = [
        EnsureImport("my_app.web", "blog"),
        EnsureModuleStatement("router.include_router(blog.router)"),
    ]
    result = apply_edits(source, edits)
    assert result == (
        '\ufeff"""The router."""\r\n\r\nfrom my_app.web import blog\r\n\r\n'
        "router = APIRouter()\r\nrouter.include_router(blog.router)\r\n"
    )
    assert isinstance(result, str) and apply_edits(result, edits) == result


def test_a_syntax_error_after_a_byte_order_mark_is_on_its_line() -> None:
    error = apply_edits("\ufeffx = 1\ndef broken(:\n", [EnsureImport("os")])
    assert isinstance(error, PatchError) and error.line == 2
