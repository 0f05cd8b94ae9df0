"""`scaffold install admin` and `admin_view`: what they stage, in memory on the files of a new
app (with auth and resources installed the same way), and once through the command line.
The generated apps are installed and run in test_admin_e2e.py."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from scaffold import __version__, testing
from scaffold.admin.model_file import Model, read_model
from scaffold.copier_template import render
from scaffold.errors import UsageError
from scaffold.installers.admin import admin, admin_guard
from scaffold.installers.admin_view import admin_view
from scaffold.installers.app import TEMPLATE
from scaffold.project import Project
from tests.conftest import run_scaffold

APP = "shop"
POST = [
    "title:string:required",
    "body:text",
    "published:boolean",
    "status:enum:draft,published",
    "notes:text:private",
    "author:references:Accounts.User",
]


@cache
def _base() -> dict[str, str]:
    """The files of a new app, as `scaffold new shop` writes them."""
    return render(TEMPLATE, {"app_name": APP, "db": "sqlite", "scaffold_version": __version__})


def _after(files: dict[str, str], installer: object, **options: object) -> dict[str, str]:
    """`files` once what `installer` (an object, or a name) stages on them is written."""
    project = testing.run(testing.project(files), installer, **options)  # type: ignore[arg-type]
    assert not project.issues, project.issues
    return testing.written(files, project)


def _resource(files: dict[str, str], name: str, *attributes: str) -> dict[str, str]:
    return _after(files, "resource", name=name, attributes=list(attributes))


@cache
def _with_auth_and_posts() -> dict[str, str]:
    with_auth = _after(_base(), "auth")
    return _resource(with_auth, "Blog.Post", *POST)


@cache
def _with_posts() -> dict[str, str]:
    return _resource(_base(), "Blog.Post", *POST[:-1])


def _text(project: Project, path: str) -> str:
    change = testing.change(project, path)
    assert change is not None and change.after is not None, f"{path} is not staged"
    return change.after


# With auth ---------------------------------------------------------------------------------


def test_install_stages_the_admin_its_guard_views_and_tests() -> None:
    project = testing.run(testing.project(_with_auth_and_posts()), admin)

    for path in [
        "src/shop/admin/__init__.py",
        "src/shop/admin/guard.py",
        "src/shop/admin/filters.py",
        "src/shop/admin/rights.py",
        "src/shop/admin/accounts_users.py",
        "src/shop/admin/blog_posts.py",
        "src/shop/admin/templates/sqladmin/base.html",
        "tests/admin/conftest.py",
        "tests/admin/test_guard.py",
        "tests/admin/test_accounts_users.py",
        "tests/admin/test_blog_posts.py",
        "tests/admin/test_rights.py",
    ]:
        testing.assert_creates(project, path)
    assert "VIEWS: list[type[ModelView]] = [UserAdmin, PostAdmin]" in _text(
        project, "src/shop/admin/__init__.py"
    )
    testing.assert_has_patch(project, "src/shop/main.py", "+ |    mount_admin(app)")
    testing.assert_has_patch(project, "src/shop/main.py", "+ |from shop.admin import mount_admin")
    command = 'Command("Grant or revoke admin rights.", rights.run, rights.add_arguments),'
    testing.assert_has_patch(project, "src/shop/cli.py", f'+ |    "admin": {command}')
    testing.assert_has_patch(project, "pyproject.toml", '+ |    "sqladmin>=0.32",')
    testing.assert_has_patch(project, "pyproject.toml", "+ |admin = true")
    testing.assert_has_patch(project, "pyproject.toml", '+ |admin_guard = "auth"')
    testing.assert_notice(project, "python -m shop admin grant EMAIL")
    assert "is_admin" in _text(project, "src/shop/admin/guard.py")


def test_the_view_of_a_resource_lists_searches_sorts_filters_and_hides_private_attributes() -> None:
    project = testing.run(testing.project(_with_auth_and_posts()), admin)

    view = _text(project, "src/shop/admin/blog_posts.py")

    assert "class PostAdmin(ModelView, model=Post):" in view
    # Posts belong to users (auth's scope): the admin shows every post, and whose it is.
    columns = ["title", "published", "status", "author", "user", "inserted_at"]
    assert "column_list = [\n" + "".join(f"        Post.{c},\n" for c in columns) in view
    assert "column_searchable_list = [Post.title]" in view
    assert "column_default_sort = (Post.inserted_at, True)" in view
    assert "BooleanFilter(Post.published)," in view
    assert "(choice.name, choice.value) for choice in PostStatus]" in view
    assert 'ReferenceFilter(Post.author_id, User.email, title="Author"),' in view
    assert 'ReferenceFilter(Post.user_id, User.email, title="User"),' in view
    assert "column_details_exclude_list = [Post.notes, Post.author_id, Post.user_id]" in view
    assert "form_excluded_columns = [Post.inserted_at, Post.updated_at, Post.notes]" in view
    assert '"author": {"fields": ("email",), "order_by": "email"},' in view
    assert '"user": {"fields": ("email",), "order_by": "email"},' in view
    test = _text(project, "tests/admin/test_blog_posts.py")
    assert 'admin_client.get("/admin/post/list")' in test
    assert "row = make_post(session)" in test


def test_floats_get_a_form_field_sqladmin_lacks_and_text_is_not_listed() -> None:
    files = _resource(_with_posts(), "Shop.Item", "weight:float", "specs:json", "notes:text")

    project = testing.run(testing.project(files), admin)

    view = _text(project, "src/shop/admin/shop_items.py")
    assert 'form_overrides = {"weight": FloatField}' in view
    assert "from wtforms import FloatField" in view
    assert "column_list = [Item.weight, Item.inserted_at]" in view


def test_users_are_shown_without_password_hashes_or_tokens() -> None:
    project = testing.run(testing.project(_with_auth_and_posts()), admin)

    users = _text(project, "src/shop/admin/accounts_users.py")

    assert "column_details_exclude_list = [User.hashed_password]" in users
    assert "form_columns = [User.email, User.confirmed_at, User.is_admin]" in users
    assert "hashed_password" not in users.split("column_list")[1].split("\n")[0]
    assert not any("user_token" in change.path for change in project.changes())


def test_installing_again_changes_nothing() -> None:
    installed = _after(_with_auth_and_posts(), admin)

    testing.assert_unchanged(testing.run(testing.project(installed), admin))


def test_an_edited_view_or_guard_is_left_alone() -> None:
    installed = _after(_with_auth_and_posts(), admin)
    for path in ["src/shop/admin/guard.py", "src/shop/admin/blog_posts.py"]:
        installed[path] += "# edited\n"

    testing.assert_unchanged(testing.run(testing.project(installed), admin))


def test_admin_view_adds_a_new_resource_as_gen_resource_will() -> None:
    installed = _after(_with_auth_and_posts(), admin)
    project = testing.project(installed)

    # What the resource generator's hook does: the resource, then its view, in one run.
    testing.run(project, "resource", name="Blog.Comment", attributes=["body:text:required"])
    testing.run(project, admin_view, name="Blog.Comment")

    assert not project.issues, project.issues
    testing.assert_creates(project, "src/shop/admin/blog_comments.py")
    testing.assert_creates(project, "tests/admin/test_blog_comments.py")
    testing.assert_has_patch(
        project,
        "src/shop/admin/__init__.py",
        "+ |from shop.admin.blog_comments import CommentAdmin",
    )
    assert "[UserAdmin, PostAdmin, CommentAdmin]" in _text(project, "src/shop/admin/__init__.py")
    again = testing.run(
        testing.project(testing.written(installed, project)), admin_view, name="Blog.Comment"
    )
    testing.assert_unchanged(again)


def test_a_resource_made_again_with_force_gets_its_view_made_again() -> None:
    installed = _after(_with_auth_and_posts(), admin)
    assert "PostStatus" in installed["src/shop/admin/blog_posts.py"]

    project = testing.run(
        testing.project(installed, force=True), "resource", name="Blog.Post", attributes=POST[:2]
    )

    assert not project.issues, project.issues
    view = _text(project, "src/shop/admin/blog_posts.py")
    assert "PostStatus" not in view and "Post.status" not in view


def test_admin_view_needs_the_admin_and_the_resource() -> None:
    without_admin = testing.run(testing.project(_with_posts()), admin_view, name="Blog.Post")
    testing.assert_issue(without_admin, "`scaffold install admin` installs it")

    installed = _after(_with_posts(), admin)
    with pytest.raises(UsageError, match=r"src/shop/blog/comment\.py is missing"):
        testing.run(testing.project(installed), admin_view, name="Blog.Comment")


def test_admin_guard_needs_the_admin() -> None:
    project = testing.run(testing.project(_with_posts()), admin_guard)

    testing.assert_issue(project, "`scaffold install admin` installs it")
    testing.assert_unchanged(project)


def test_models_scaffold_cannot_find_get_a_warning() -> None:
    files = dict(_with_posts())
    files["src/shop/models.py"] += "from shop.shop.models import Product\n"

    project = testing.run(testing.project(files), admin)

    testing.assert_warning(project, "No admin view for Product (shop.shop.models)")
    testing.assert_creates(project, "src/shop/admin/blog_posts.py")


def test_the_generated_code_never_imports_scaffold() -> None:
    project = testing.run(testing.project(_with_auth_and_posts()), admin)

    for change in project.changes():
        code = change.after or ""
        assert not re.search(r"^\s*(from|import) scaffold\b", code, re.MULTILINE), change.path


# Without auth, then auth -------------------------------------------------------------------


def test_without_auth_the_admin_is_open_in_development_only() -> None:
    project = testing.run(testing.project(_with_posts()), admin)

    guard = _text(project, "src/shop/admin/guard.py")
    assert 'return settings.app_env == "dev"' in guard
    testing.assert_notice(project, "served in development only (APP_ENV=dev)")
    testing.assert_has_patch(project, "pyproject.toml", '+ |admin_guard = "dev"')
    testing.assert_unchanged(project, "src/shop/cli.py")
    assert testing.change(project, "src/shop/admin/rights.py") is None
    assert "test_is_never_served_outside_development" in _text(project, "tests/admin/test_guard.py")


def test_auth_after_the_admin_adds_the_guard_the_users_and_the_command() -> None:
    installed = _after(_with_posts(), admin)

    project = testing.run(testing.project(installed), "auth")

    assert not project.issues, project.issues
    testing.assert_has_patch(
        project, "src/shop/admin/guard.py", "+ |        if not scope.user.is_admin:"
    )
    testing.assert_has_patch(
        project,
        "tests/admin/conftest.py",
        "+ |def sign_in(app: FastAPI, client: TestClient) -> SignIn:",
    )
    testing.assert_creates(project, "src/shop/admin/accounts_users.py")
    testing.assert_creates(project, "src/shop/admin/rights.py")
    testing.assert_has_patch(project, "src/shop/cli.py", "+ |from shop.admin import rights")
    testing.assert_has_patch(project, "pyproject.toml", '+ |admin_guard = "auth"')
    assert "[PostAdmin, UserAdmin]" in _text(project, "src/shop/admin/__init__.py")
    both = testing.written(installed, project)
    testing.assert_unchanged(testing.run(testing.project(both), "auth"))
    testing.assert_unchanged(testing.run(testing.project(both), admin))


def test_the_guard_edited_before_auth_came_is_a_conflict() -> None:
    installed = _after(_with_posts(), admin)
    installed["src/shop/admin/guard.py"] += "# edited\n"

    project = testing.run(testing.project(installed), "auth")

    assert project.conflicts() == ["src/shop/admin/guard.py"]


def test_auth_then_admin_and_admin_then_auth_make_the_same_app() -> None:
    admin_first = _after(_after(_with_posts(), admin), "auth")
    auth_first = _after(_after(_with_posts(), "auth"), admin)
    # `scaffold new shop --install admin,auth`: both in one run.
    one_run = testing.run(testing.run(testing.project(_with_posts()), admin), "auth")
    assert not one_run.issues, one_run.issues

    def lines(files: dict[str, str]) -> dict[str, list[str]]:
        # The same code; only its order (of statements, settings, the views in VIEWS) follows
        # the order of the commands. Migrations differ by their random revision ids.
        return {
            path: sorted(re.split(r"[\s,\[\]]+", text))
            for path, text in files.items()
            if not path.startswith("migrations/versions/")
        }

    assert lines(admin_first) == lines(auth_first) == lines(testing.written(_with_posts(), one_run))


def test_unreadable_recorded_guard_is_an_issue() -> None:
    files = dict(_with_posts())
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        "[tool.scaffold]\n", '[tool.scaffold]\nadmin_guard = "open"\n'
    )

    project = testing.run(testing.project(files), admin)

    testing.assert_issue(project, 'admin_guard should be "auth" or "dev"')


# Reading models ----------------------------------------------------------------------------

USER = """\
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Optional

from sqlalchemy import DateTime, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base

if TYPE_CHECKING:
    from shop.teams.team import Team


class Member(Base):
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    api_token: Mapped[str | None] = mapped_column()
    is_admin: Mapped[bool] = mapped_column(default=False)
    seen_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id"))
    team: Mapped["Team"] = relationship()
    friends: Mapped[list["Member"]] = relationship()
    nickname = "not a column"

    def __str__(self) -> str:
        return self.email
"""


def test_a_model_is_read_from_its_file_without_importing_it() -> None:
    model = read_model(USER, "Member", "shop.teams.member")

    assert isinstance(model, Model)
    kinds = {column.name: column.kind for column in model.columns}
    assert kinds == {
        "id": "uuid",
        "email": "string",
        "api_token": "string",
        "is_admin": "boolean",
        "seen_at": "time",
        "team_id": "uuid",
    }
    assert [(r.name, c.name) for r, c in model.references] == [("team", "team_id")]
    assert model.module_of("Team") == "shop.teams.team"
    assert model.label == "email"
    assert model.private("api_token") and not model.private("email")
    assert read_model(USER, "Team", "shop.teams.member") == "has no `class Team`"
    assert "not valid Python" in str(read_model("class (:", "Member", "x"))


# Through the command line ------------------------------------------------------------------


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    assert run_scaffold("new", APP, "--yes", "--no-git", cwd=tmp_path).returncode == 0
    return tmp_path / APP


def test_install_then_no_changes_through_the_cli(shop: Path) -> None:
    first = run_scaffold("install", "admin", "--yes", cwd=shop)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "served in development only" in first.stdout
    assert (shop / "src/shop/admin/guard.py").is_file()

    again = run_scaffold("install", "admin", "--yes", cwd=shop)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.strip() == "No changes"

    view = run_scaffold("install", "admin_view", "--name", "Blog.Post", "--yes", cwd=shop)
    assert view.returncode == 2
    assert "src/shop/blog/post.py is missing" in view.stdout + view.stderr


def test_gen_resource_adds_its_admin_view_unless_no_admin(tmp_path: Path) -> None:
    from tests.conftest import run_scaffold

    assert run_scaffold("new", "shop", "--yes", "--no-git", cwd=tmp_path).returncode == 0
    app = tmp_path / "shop"
    assert run_scaffold("install", "admin", "--yes", cwd=app).returncode == 0
    made = run_scaffold("gen", "resource", "Blog.Post", "title:string", "--yes", cwd=app)
    assert made.returncode == 0, made.stderr
    assert (app / "src/shop/admin/blog_posts.py").is_file()
    skipped = run_scaffold(
        "gen", "resource", "Blog.Note", "body:text", "--no-admin", "--yes", cwd=app
    )
    assert skipped.returncode == 0, skipped.stderr
    assert not (app / "src/shop/admin/blog_notes.py").exists()
