from textwrap import dedent

import libcst as cst
import pytest

from scaffold.patchers import PatchError
from scaffold.patchers.python import (
    AppendToList,
    Edit,
    EnsureClass,
    EnsureClassAttribute,
    EnsureFunction,
    EnsureImport,
    EnsureKeywordArgument,
    EnsureModuleStatement,
    EnsureStatement,
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


def test_import_goes_after_the_last_import() -> None:
    before = """\
        import os   # odd spacing kept
        from fastapi import FastAPI

        app = FastAPI()
    """
    after = """\
        import os   # odd spacing kept
        from fastapi import FastAPI
        from .blog import router

        app = FastAPI()
    """
    assert_edit(EnsureImport(".blog", "router"), before, after)


def test_plain_import_and_alias() -> None:
    before = """\
        import json as j
        x = 1
    """
    after = """\
        import json as j
        import json
        x = 1
    """
    assert_edit(EnsureImport("json"), before, after)
    assert apply_edits(dedent(after), [EnsureImport("json", alias="j")]) == dedent(after)


def test_name_joins_an_import_from_the_same_module() -> None:
    before = """\
        from fastapi import FastAPI,  Depends  # web
        from fastapi.responses import HTMLResponse
    """
    after = """\
        from fastapi import FastAPI,  Depends,  APIRouter  # web
        from fastapi.responses import HTMLResponse
    """
    assert_edit(EnsureImport("fastapi", "APIRouter"), before, after)


def test_name_joins_a_parenthesized_multiline_import() -> None:
    before = """\
        from sqlalchemy.orm import (
            Mapped,  # the type
            mapped_column,  # the column
        )
    """
    after = """\
        from sqlalchemy.orm import (
            Mapped,  # the type
            mapped_column,  # the column
            relationship,
        )
    """
    assert_edit(EnsureImport("sqlalchemy.orm", "relationship"), before, after)


def test_name_joins_parenthesized_imports_without_a_trailing_comma() -> None:
    before = """\
        from a import (b, c)
        from d import (
            e,
            f  # last
        )
    """
    after = """\
        from a import (b, c, x as y)
        from d import (
            e,
            f,  # last
            g
        )
    """
    edits = [EnsureImport("a", "x", alias="y"), EnsureImport("d", "g")]
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
    assert apply_edits(source, [EnsureImport("blog", "router")]) == source + (
        "from blog import router\n"
    )
    assert apply_edits(source, [EnsureImport(".blog", "router")]) == source.replace(
        "models\n", "models, router\n"
    )


def test_first_import_goes_after_the_docstring() -> None:
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


def test_first_import_goes_after_future_imports() -> None:
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


def test_first_import_goes_at_the_top() -> None:
    before = """\
        #!/usr/bin/env python
        DEBUG = True
    """
    after = """\
        #!/usr/bin/env python
        import os
        DEBUG = True
    """
    assert_edit(EnsureImport("os"), before, after)
    assert apply_edits("", [EnsureImport("os")]) == "import os\n"


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
        router = APIRouter()
        router.include_router(users.router)  # users
        router.include_router(auth.router)

        # Done.
    """
    after = """\
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
