"""`scaffold gen resource`: what it stages, in a base app in memory or in a temporary folder.
Nothing here installs the generated app (see test_resource_e2e.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from scaffold import testing
from scaffold.copier_template import render
from scaffold.errors import UsageError
from scaffold.installers.app import TEMPLATE
from scaffold.project import Project
from tests.conftest import run_scaffold

POST = ["title:string:required:unique", "body:text", "status:enum:draft,published:default=draft"]
EVERY_TYPE = [
    "name:string:required:index",
    "sku:string:unique:index",
    "summary:text:required",
    "stock:integer:default=0",
    "weight:float",
    "price:decimal:required",
    "available:boolean:default=true",
    "released_on:date",
    "launched_at:datetime:unique",
    "ref:uuid",
    "specs:json",
    "kind:enum:physical,digital:required",
    "notes:text:private",
]


@cache
def _base_app() -> dict[str, str]:
    """The files `scaffold new shop` makes, rendered once."""
    answers = {"app_name": "shop", "db": "sqlite", "scaffold_version": "0.1.0"}
    return render(TEMPLATE, answers)


def _app(root: Path | None = None) -> Project:
    return testing.project(_base_app(), root=root)


def _resource(project: Project, name: str, *attributes: str, **options: object) -> Project:
    return testing.run(project, "resource", name=name, attributes=list(attributes), **options)


def _write(project: Project) -> Project:
    """Write what `project` staged, and return a fresh project over the same folder."""
    assert not project.issues, project.issues
    for change in project.changes():
        path = project.root / change.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(change.after or "")
    return Project(project.root)


def _created(project: Project, path: str) -> str:
    change = testing.change(project, path)
    assert change is not None and change.status == "create", f"{path} is not created"
    return change.after or ""


def _migrations(project: Project) -> list[str]:
    return [c.path for c in project.changes() if c.path.startswith("migrations/versions/")]


# What a typical command stages -------------------------------------------------------------


def test_a_typical_resource_stages_its_files() -> None:
    project = _resource(_app(), "Blog.Post", *POST)

    assert not project.issues
    model = _created(project, "src/shop/blog/post.py")
    assert "class Post(Base):" in model and '__tablename__ = "posts"' in model
    assert "class PostStatus(enum.StrEnum):" in model
    assert "status: Mapped[PostStatus | None] = mapped_column(" in model
    assert "title: str = pydantic.Field(min_length=1, max_length=255)" in model
    for function in ("list_posts", "count_posts", "get_post", "create_post", "update_post"):
        assert f"def {function}(" in model
    pages = _created(project, "src/shop/web/blog/posts.py")
    assert 'router = APIRouter(prefix="/posts", include_in_schema=False' in pages
    api = _created(project, "src/shop/api/blog/posts.py")
    assert 'router = APIRouter(prefix="/api/posts", tags=["posts"])' in api
    for page in ("index", "show", "new", "edit", "_form", "delete"):
        _created(project, f"src/shop/web/templates/blog/posts/{page}.html")
    for test in ("test_post", "test_post_pages", "test_post_api"):
        _created(project, f"tests/blog/{test}.py")
    assert "def make_post(session: orm.Session, **overrides: Any) -> Post:" in _created(
        project, "tests/blog/factories.py"
    )
    assert "__all__: list[str] = [" in _created(project, "src/shop/blog/__init__.py")


def test_it_wires_the_resource_into_the_app() -> None:
    project = _resource(_app(), "Blog.Post", *POST)

    testing.assert_has_patch(project, "src/shop/models.py", "+ |from shop.blog.post import Post")
    testing.assert_has_patch(project, "src/shop/models.py", '+ |__all__ = ["Base", "Post"]')
    # The resource's routers in its domain's, the domain's in the app's.
    for package, alias in (("web", "blog_pages"), ("api", "blog_api")):
        domain = _created(project, f"src/shop/{package}/blog/__init__.py")
        assert f"from shop.{package}.blog import posts\n" in domain
        assert domain.endswith("router = APIRouter()\nrouter.include_router(posts.router)\n")
        router = "src/shop/web/router.py"
        testing.assert_has_patch(project, router, f"+ |from shop.{package} import blog as {alias}")
        testing.assert_has_patch(project, router, f"+ |router.include_router({alias}.router)")
    layout = "src/shop/web/templates/layout.html"
    testing.assert_has_patch(project, layout, '<li><a href="/posts">Posts</a></li>')
    testing.assert_notice(project, "alembic upgrade head")


def test_the_migration_creates_the_table_with_named_constraints() -> None:
    project = _resource(_app(), "Blog.Post", *POST)

    [path] = _migrations(project)
    assert path.endswith("_create_posts.py")
    migration = _created(project, path)
    assert 'op.create_table(\n        "posts",' in migration
    assert 'sa.PrimaryKeyConstraint("id", name=op.f("pk_posts"))' in migration
    assert 'sa.UniqueConstraint("title", name=op.f("uq_posts_title"))' in migration
    assert 'sa.Enum("draft", "published", name="poststatus", native_enum=False)' in migration
    assert 'op.drop_table("posts")' in migration
    assert "down_revision: str | Sequence[str] | None = None" in migration


def test_references_get_a_foreign_key_an_index_and_a_relationship(tmp_path: Path) -> None:
    app = _write(_resource(_app(tmp_path), "Accounts.User", "email:string:required"))
    project = _resource(
        app,
        "Blog.Post",
        "author:references:Accounts.User:required",
        "editor:references:Accounts.User",
    )

    model = _created(project, "src/shop/blog/post.py")
    assert "if TYPE_CHECKING:\n    from shop.accounts.user import User\n" in model
    assert 'sa.ForeignKey("users.id", ondelete="CASCADE"),\n        index=True,' in model
    assert 'sa.ForeignKey("users.id", ondelete="SET NULL"),\n        index=True,' in model
    # Two references to users: each relationship names its own column (else SQLAlchemy cannot
    # tell which joins it).
    assert 'author: Mapped["User"] = relationship(foreign_keys="Post.author_id")' in model
    assert 'editor: Mapped["User | None"] = relationship(foreign_keys="Post.editor_id")' in model
    [path] = _migrations(project)
    migration = _created(project, path)
    assert 'name=op.f("fk_posts_author_id_users")' in migration
    assert (
        'op.create_index(op.f("ix_posts_author_id"), "posts", ["author_id"], unique=False)'
        in migration
    )
    assert 'op.drop_index(op.f("ix_posts_author_id"), table_name="posts")' in migration
    factories = project.read("tests/blog/factories.py") or ""
    assert "from tests.accounts.factories import make_user\n" in factories
    assert 'values["author"] = make_user(session)' in factories


def test_an_int_key_and_a_uuid7_key(tmp_path: Path) -> None:
    app = _write(_resource(_app(tmp_path), "Shop.Widget", "name:string", primary_key="int"))
    project = _resource(app, "Shop.Order", "widget:references:Shop.Widget", primary_key="uuid7")

    widget = (tmp_path / "src/shop/shop/widget.py").read_text()
    assert "id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)" in widget
    order = _created(project, "src/shop/shop/order.py")
    assert "mapped_column(sa.Uuid, primary_key=True, default=uuid7)" in order
    assert "from shop.ids import uuid7" in order
    assert "widget_id: Mapped[int | None] = mapped_column(" in order
    assert "def uuid7() -> uuid.UUID:" in _created(project, "src/shop/ids.py")


def test_no_timestamps_and_a_table_name() -> None:
    project = _resource(_app(), "Blog.Post", "title:string", timestamps=False, table="articles")

    model = _created(project, "src/shop/blog/post.py")
    assert '__tablename__ = "articles"' in model and "inserted_at" not in model
    [path] = _migrations(project)
    assert 'name=op.f("pk_articles")' in _created(project, path)


# Options that leave things out ---------------------------------------------------------------


def test_no_web_and_no_api() -> None:
    project = _resource(_app(), "Blog.Post", *POST, web=False, api=False)

    paths = {c.path for c in project.changes()}
    assert not any("/web/blog/" in p or "/api/" in p or "templates/blog" in p for p in paths)
    assert "tests/blog/test_post.py" in paths
    assert not {"tests/blog/test_post_pages.py", "tests/blog/test_post_api.py"} & paths
    assert testing.change(project, "src/shop/web/router.py") is None
    assert testing.change(project, "src/shop/web/templates/layout.html") is None


def test_a_subset_of_actions() -> None:
    project = _resource(_app(), "Blog.Post", *POST, actions=["read", "create"])

    model = _created(project, "src/shop/blog/post.py")
    assert "def create_post(" in model and "def list_posts(" in model
    assert "def update_post(" not in model and "def delete_post(" not in model
    templates = "src/shop/web/templates/blog/posts"
    paths = {c.path for c in project.changes()}
    assert {f"{templates}/{p}.html" for p in ("index", "show", "new", "_form")} <= paths
    assert not {f"{templates}/edit.html", f"{templates}/delete.html"} & paths
    pages = _created(project, "src/shop/web/blog/posts.py")
    assert '@router.post("/{post_id}")' not in pages and "def delete(" not in pages
    api = _created(project, "src/shop/api/blog/posts.py")
    assert "@router.patch(" not in api and "@router.delete(" not in api


def test_actions_are_checked() -> None:
    with pytest.raises(UsageError, match="Invalid value `publish` for option `actions`"):
        _resource(_app(), "Blog.Post", actions=["read", "publish"])
    with pytest.raises(UsageError, match="--actions needs at least one"):
        _resource(_app(), "Blog.Post", actions=[])


# Running again ---------------------------------------------------------------------------------


def test_the_same_command_twice_changes_nothing(tmp_path: Path) -> None:
    app = _write(_resource(_app(tmp_path), "Blog.Post", *POST))

    again = _resource(app, "Blog.Post", *POST)

    testing.assert_unchanged(again)
    assert not again.issues


def test_references_run_twice_change_nothing(tmp_path: Path) -> None:
    """The second run finds the target exported by its domain, its factory there, and so on."""
    app = _write(_resource(_app(tmp_path), "Accounts.User", "email:string:required"))
    app = _write(_resource(app, "Blog.Post", "author:references:Accounts.User:required"))

    again = _resource(app, "Blog.Post", "author:references:Accounts.User:required")

    testing.assert_unchanged(again)
    assert not again.issues


def test_edited_files_of_a_resource_are_kept_when_run_again(tmp_path: Path) -> None:
    app = _write(_resource(_app(tmp_path), "Blog.Post", *POST))
    index = tmp_path / "src/shop/web/templates/blog/posts/index.html"
    index.write_text("my own index\n")

    again = _resource(app, "Blog.Post", *POST)

    testing.assert_unchanged(again)


def test_another_command_for_an_existing_resource_is_refused(tmp_path: Path) -> None:
    app = _write(_resource(_app(tmp_path), "Blog.Post", *POST))

    other = _resource(app, "Blog.Post", *POST, "views:integer")

    testing.assert_issue(other, "src/shop/blog/post.py exists, and differs")
    testing.assert_issue(other, "Pass --force")
    testing.assert_unchanged(other)


def test_force_regenerates_the_files_without_a_migration(tmp_path: Path) -> None:
    app = _write(_resource(_app(tmp_path), "Blog.Post", *POST))

    forced = _resource(app, "Blog.Post", *POST, "views:integer", force=True)

    assert not forced.issues
    assert "views: Mapped[int | None]" in (forced.read("src/shop/blog/post.py") or "")
    assert _migrations(forced) == []
    assert '"views": 42' in (forced.read("tests/blog/factories.py") or "")
    testing.assert_notice(forced, "scaffold gen migration NAME")


def test_force_drops_the_exports_and_imports_of_what_is_gone(tmp_path: Path) -> None:
    app = _write(_resource(_app(tmp_path), "Blog.Post", "title:string", "status:enum:a,b"))

    forced = _resource(app, "Blog.Post", "title:string", actions=["read"], force=True)

    interface = forced.read("src/shop/blog/__init__.py") or ""
    for gone in ("PostStatus", "create_post", "update_post", "delete_post"):
        assert f"    {gone},\n" not in interface and f'"{gone}"' not in interface
    assert "    get_post,\n" in interface and '    "get_post",\n' in interface
    factories = forced.read("tests/blog/factories.py") or ""
    assert "from shop.blog.post import Post\n" in factories and "PostStatus" not in factories


def test_two_resources_chain_their_migrations(tmp_path: Path) -> None:
    first = _resource(_app(tmp_path), "Blog.Post", *POST)
    [first_path] = _migrations(first)
    revision = re.search(r'^revision: str = "(\w+)"', first.read(first_path) or "", re.M)
    assert revision is not None

    second = _resource(_write(first), "Blog.Tag", "label:string:required")

    [second_path] = _migrations(second)
    assert f'down_revision: str | Sequence[str] | None = "{revision[1]}"' in (
        second.read(second_path) or ""
    )
    testing.assert_has_patch(second, "src/shop/blog/__init__.py", "+ |from shop.blog.tag import (")


# Bad input -------------------------------------------------------------------------------------


def test_a_reference_to_a_missing_resource_is_bad_input() -> None:
    with pytest.raises(UsageError, match=r"references Accounts\.User, which does not exist"):
        _resource(_app(), "Blog.Post", "author:references:Accounts.User")


def test_a_target_that_does_not_parse_is_an_issue_naming_file_and_line(tmp_path: Path) -> None:
    files = {**_base_app(), "src/shop/accounts/user.py": "class User(Base):\n    id: Mapped[\n"}
    project = _resource(testing.project(files), "Blog.Post", "author:references:Accounts.User")

    testing.assert_issue(project, "src/shop/accounts/user.py:2: is not valid Python")
    testing.assert_unchanged(project)


HAND_WRITTEN = '''\
"""A model written by hand."""

from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
'''


def test_a_hand_written_target_gets_a_stand_in_factory_and_a_warning() -> None:
    files = {**_base_app(), "src/shop/notes/note.py": HAND_WRITTEN}
    project = _resource(testing.project(files), "Blog.Post", "note:references:Notes.Note:required")

    assert not project.issues
    assert "note_id: Mapped[int] = mapped_column(" in _created(project, "src/shop/blog/post.py")
    # The stand-in goes with the factories of its domain; those of Blog import it.
    factories = _created(project, "tests/notes/factories.py")
    assert "from shop.notes.note import Note" in factories
    assert "def make_note(session: orm.Session, **overrides: Any) -> Note:" in factories
    blog = _created(project, "tests/blog/factories.py")
    assert "from tests.notes.factories import make_note\n" in blog
    testing.assert_warning(project, "make_note was added for Notes.Note")
    # The pages reach it through its domain, as they reach scaffold's own models.
    interface = _created(project, "src/shop/notes/__init__.py")
    assert "from shop.notes.note import Note" in interface and '__all__: list[str] = ["Note"]' in (
        interface
    )
    assert "rows(session, notes.Note)" in _created(project, "src/shop/web/blog/posts.py")


def test_a_target_without_a_table_or_key_is_an_issue() -> None:
    files = {**_base_app(), "src/shop/notes/note.py": HAND_WRITTEN.replace("__tablename__", "x")}
    project = _resource(testing.project(files), "Blog.Post", "note:references:Notes.Note")

    testing.assert_issue(project, "could not find `class Note` with a `__tablename__")
    testing.assert_unchanged(project)


@pytest.mark.parametrize(
    ("name", "attributes", "message"),
    [
        ("Blog.Blog", [], "would use `blog` both for the domain and for blogs"),
        ("Session.Post", [], "use `session` for something else"),
        ("Index.Entry", [], "use `index` for something else"),
        ("Forms.Response", [], "folders named `forms`, beside the app's own `forms`"),
        ("Users.Card", [], "folders named `users`, beside the app's own `users`"),
        ("Blog.Base", [], "`Base` is also a name its modules import"),
        ("Blog.Category", ["parent:references:Blog.Category:required"], "could never be saved"),
    ],
)
def test_names_that_would_clash_are_bad_input(name: str, attributes: list, message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        _resource(_app(), name, *attributes)


def test_a_row_goes_by_its_resources_name_unless_the_code_around_it_has_that_name() -> None:
    posts = _created(_resource(_app(), "Blog.Post", *POST), "src/shop/web/blog/posts.py")
    assert "def show(request: Request, post: PostDep) -> HTMLResponse:" in posts

    project = _resource(
        _app(), "Support.Request", "subject:string", "parent:references:Support.Request"
    )

    pages = _created(project, "src/shop/web/support/requests.py")
    show = "def show(request: Request, support_request: RequestDep) -> HTMLResponse:"
    assert show in pages and '{"support_request": support_request}' in pages
    template = _created(project, "src/shop/web/templates/support/requests/show.html")
    assert "<h1>{{ support_request }}</h1>" in template
    model = _created(project, "src/shop/support/request.py")
    assert "def get_request(session: orm.Session, request_id: uuid.UUID) -> Request | None:" in (
        model
    )


def test_a_model_may_be_called_like_what_its_modules_import() -> None:
    """`Session`: SQLAlchemy's is `orm.Session` beside it, the session dependency `db.SessionDep`,
    and the factories name the rows `tracking_session`, its fixture being `session`."""
    project = _resource(_app(), "Tracking.Session", "label:string", "field:text")

    model = _created(project, "src/shop/tracking/session.py")
    assert "class Session(Base):" in model and "from sqlalchemy import orm\n" in model
    create = "def create_session(session: orm.Session, tracking_session_in: SessionCreate)"
    assert create in model and "tracking_session = Session(**tracking_session_in" in model
    assert "label: str | None = pydantic.Field(" in model
    pages = _created(project, "src/shop/web/tracking/sessions.py")
    assert "SessionDep = Annotated[tracking.Session, Depends(find_session)]" in pages
    assert "def index(\n    request: Request,\n    session: db.SessionDep," in pages
    factories = _created(project, "tests/tracking/factories.py")
    assert "def make_session(session: orm.Session, **overrides: Any) -> Session:" in factories
    assert "tracking_session = Session(**(values | overrides))" in factories


def test_a_second_model_with_the_same_class_name_is_refused(tmp_path: Path) -> None:
    app = _write(_resource(_app(tmp_path), "Accounts.User", "email:string"))
    with pytest.raises(UsageError, match="already has a model named User"):
        _resource(app, "Blog.User", "name:string")


# Through the real command line -----------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("resource")
    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=folder).returncode == 0
    return folder / "shop"


def _listing(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in root.rglob("*")
        if p.is_file() and ".scaffold" not in p.parts
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Post", "title:string"], "write it as Domain.Resource"),
        (["Blog.post"], "use CamelCase"),
        (["Blog.Post", "title"], "has no type"),
        (["Blog.Post", "title:strin"], "Unknown type `strin`"),
        (["Blog.Post", "title:string", "title:text"], "`title` is given twice"),
        (["Blog.Post", "id:integer"], "every resource has `id`"),
        (["Blog.Post", "status:enum"], "needs its values"),
        (["Blog.Post", "count:integer:default=many"], "expected a whole number"),
        (["Blog.Post", "author:references:Accounts.User"], "Accounts.User, which does not exist"),
        (["Blog.Post", "--actions", "read,publish"], "Invalid value `publish`"),
        (["Blog.Post", "--primary-key", "serial"], "serial"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(cli_app: Path, args: list, message: str) -> None:
    before = _listing(cli_app)
    result = run_scaffold("gen", "resource", *args, "--yes", cwd=cli_app)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert _listing(cli_app) == before


def test_a_target_with_a_syntax_error_exits_2_and_writes_nothing(cli_app: Path) -> None:
    broken = cli_app / "src/shop/accounts/user.py"
    broken.parent.mkdir(parents=True)
    broken.write_text('"""Users."""\n\n\nclass User(Base:\n    pass\n')
    before = _listing(cli_app)
    try:
        result = run_scaffold(
            "gen", "resource", "Blog.Post", "author:references:Accounts.User", "--yes", cwd=cli_app
        )
        assert result.returncode == 2
        assert "src/shop/accounts/user.py:4: is not valid Python" in result.stderr
        assert _listing(cli_app) == before
    finally:
        shutil.rmtree(broken.parent)


# Names a user may expect to work, each alone in an app of its own (some share a class name). Not
# here, as naming.py refuses them: Accounts.Token (`token` is a standard library module),
# Calendar.Date (`calendar` too) and Api.Client (`api` is the app's); nor Forms.Response, whose
# pages would go in web/forms/, beside the app's web/forms.py.
COMMON_NAMES = [
    "Shop.Item", "Blog.Link", "Shop.Value", "Catalog.Name", "Events.Date", "Ops.Error",
    "Stats.Count", "Search.Query", "Mail.Template", "Survey.Response", "Support.Request",
    "Polls.Choice", "Data.Total", "Billing.Limit", "Shop.Offset", "Net.Client", "Net.Router",
    "Shop.Order", "Cms.Page", "Blog.Status", "Lab.Sequence", "Blog.Context", "Tracking.Session",
    "Blog.Field", "Shop.Form", "Events.Response", "Survey.Value", "Accounts.Session",
]  # fmt: skip


@pytest.fixture(scope="module")
def empty_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("empty")
    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=folder).returncode == 0
    return folder / "shop"


@pytest.mark.parametrize("name", COMMON_NAMES)
def test_common_names_are_accepted(empty_app: Path, tmp_path: Path, name: str) -> None:
    app = shutil.copytree(empty_app, tmp_path / "shop")
    result = run_scaffold(
        "gen", "resource", name, "label:string:required", "day:date", "--yes", cwd=app
    )
    assert result.returncode == 0, result.stdout + result.stderr
    if shutil.which("ruff"):
        checked = subprocess.run(["ruff", "check", "."], cwd=app, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_cli_generates_then_says_no_changes(cli_app: Path) -> None:
    args = ["gen", "resource", "Shop.Product", *EVERY_TYPE, "--yes"]
    made = run_scaffold(*args, cwd=cli_app)
    assert made.returncode == 0, made.stderr
    again = run_scaffold(*args, cwd=cli_app)
    assert again.returncode == 0 and again.stdout.strip() == "No changes"


# The generated code is ruff-clean --------------------------------------------------------------


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
def test_generated_code_is_ruff_clean_even_with_long_names(tmp_path: Path) -> None:
    """Every type, references, enums, keys, and names long enough to need wrapping."""
    app = _write(_resource(_app(tmp_path), "Accounts.User", "email:string:required:unique"))
    app = _write(_resource(app, "Shop.Product", *EVERY_TYPE, primary_key="int"))
    long_name = [
        "quantity_received_at_the_loading_dock:integer:required",
        "product_description_as_printed_on_the_label:string:required:unique",
        "originating_warehouse_product:references:Shop.Product:required",
        "countersigned_by_the_warehouse_manager:references:Accounts.User",
        "previous_shipment_line_item_in_sequence:references:Inventory.WarehouseShipmentLineItem",
    ]
    app = _write(
        _resource(app, "Inventory.WarehouseShipmentLineItem", *long_name, primary_key="uuid7")
    )
    _write(_resource(app, "Inventory.Shelf", "code:string", actions=["read"], web=False))

    for command in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
