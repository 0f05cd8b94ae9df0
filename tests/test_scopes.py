"""Scopes: `scaffold gen resource` in an app with auth makes resources that belong to the signed-in
user (`--scope user`, the default), public ones with `--scope none`, and reads the scopes from
`[tool.scaffold.scopes]`. What it stages, in memory on the files of a new app with auth; the
generated apps are installed, tested and served in test_scopes_e2e.py."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import pytest

from scaffold import __version__, testing
from scaffold.copier_template import render
from scaffold.errors import UsageError
from scaffold.installers.app import TEMPLATE
from scaffold.project import Project
from scaffold.resources.scopes import KEYS
from tests.conftest import run_scaffold

POST = ["title:string:required", "body:text"]


@cache
def _base() -> dict[str, str]:
    return render(TEMPLATE, {"app_name": "shop", "db": "sqlite", "scaffold_version": __version__})


def _after(files: dict[str, str], installer: str, **options: object) -> dict[str, str]:
    project = testing.run(testing.project(files), installer, **options)
    assert not project.issues, project.issues
    return testing.written(files, project)


@cache
def _with_auth() -> dict[str, str]:
    return _after(_base(), "auth")


def _resource(
    files: dict[str, str], name: str, *attributes: str, force: bool = False, **options: object
) -> Project:
    """`gen resource NAME ATTRIBUTES...` on `files`; `force` as with --force."""
    project = testing.project(files, force=force)
    return testing.run(project, "resource", name=name, attributes=list(attributes), **options)


def _created(project: Project, path: str) -> str:
    change = testing.change(project, path)
    assert change is not None and change.after is not None, f"{path} is not staged"
    return change.after


# The user scope, as auth declares it -------------------------------------------------------------


def test_auth_declares_the_user_scope_for_the_generators() -> None:
    config = tomllib.loads(_with_auth()["pyproject.toml"])["tool"]["scaffold"]

    scope = config["scopes"]["user"]
    assert scope == {
        "default": True,
        "owner": "Accounts.User",
        "column": "user_id",
        "owner_id": "scope.user.id",
        "scope": "shop.accounts.scope:Scope",
        "page_scope": "shop.web.user_auth:AuthenticatedScope",
        "api_scope": "shop.web.api_auth:ApiScope",
        "tests": "tests.accounts.scopes",
    }
    assert set(scope) == {"default", *KEYS}
    assert "[tool.scaffold.scopes.user]\ndefault = true\n" in _with_auth()["pyproject.toml"]


def test_the_guide_shows_the_table_auth_writes() -> None:
    guide = (Path(__file__).parents[1] / "docs" / "installers.md").read_text()
    [table] = re.findall(r"```toml\n(\[tool\.scaffold\.scopes\.user\].*?)```", guide, re.S)

    assert table in _with_auth()["pyproject.toml"]


def test_a_scope_edited_by_hand_stays_as_it_is() -> None:
    files = dict(_with_auth())
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        'tests = "tests.accounts.scopes"', 'tests = "tests.people"'
    )

    project = testing.run(testing.project(files), "auth")

    assert testing.change(project, "pyproject.toml") is None


# A scoped resource ---------------------------------------------------------------------------


def test_a_resource_belongs_to_the_signed_in_user_by_default() -> None:
    project = _resource(_with_auth(), "Blog.Post", *POST)

    assert not project.issues
    model = _created(project, "src/shop/blog/post.py")
    assert "from shop.accounts.scope import Scope\n" in model
    assert 'sa.ForeignKey("users.id", ondelete="CASCADE"),\n        index=True,' in model
    assert "    user_id: Mapped[uuid.UUID] = mapped_column(" in model
    assert '    user: Mapped["User"] = relationship()' in model
    # Not in what creating and updating take (refused there), but shown.
    assert model.count('model_config = ConfigDict(extra="forbid")') == 2
    assert "class PostRead(BaseModel):" in model and "    user_id: uuid.UUID\n" in model
    for signature in (
        "def count_posts(session: orm.Session, scope: Scope) -> int:",
        "def get_post(session: orm.Session, scope: Scope, post_id: uuid.UUID) -> Post | None:",
        "def create_post(session: orm.Session, scope: Scope, post_in: PostCreate) -> Post:",
        "def delete_post(session: orm.Session, scope: Scope, post_id: uuid.UUID) -> bool:",
    ):
        assert signature in model
    assert model.count("_owned_by(scope)") == 3  # list, count, get; update and delete get
    assert "    post = get_post(session, scope, post_id)\n" in model
    assert "    return Post.user_id == scope.user.id\n" in model
    assert "Post(**post_in.model_dump(), user_id=scope.user.id)" in model
    pages = _created(project, "src/shop/web/blog/posts.py")
    assert "from shop.web.user_auth import AuthenticatedScope\n" in pages
    assert "blog.list_posts(session, scope, offset=offset, limit=PER_PAGE)" in pages
    api = _created(project, "src/shop/api/blog/posts.py")
    assert "from shop.web.api_auth import ApiScope\n" in api
    assert "blog.update_post(session, scope, post.id, post_in)" in api
    tests = _created(project, "tests/blog/test_post_pages.py")
    assert "from tests.accounts.scopes import log_in_redirect, make_scope, sign_in\n" in tests
    assert "def test_another_users_post_is_not_found(" in tests
    factories = _created(project, "tests/blog/factories.py")
    assert 'values["user"] = make_user(session)' in factories
    [migration] = [c.after for c in project.changes() if c.path.startswith("migrations/")]
    assert 'sa.Column("user_id", sa.Uuid(), nullable=False),' in (migration or "")
    assert 'ondelete="CASCADE"' in (migration or "")
    testing.assert_notice(project, "Blog.Post's rows belong to the signed-in user")


def test_public_resources_are_said_to_be_so_in_the_preview() -> None:
    project = _resource(_with_auth(), "Blog.Note", "text:string", scope="none")

    model = _created(project, "src/shop/blog/note.py")
    assert "user_id" not in model and "Scope" not in model
    assert "def list_notes(session: orm.Session, *, offset" in model
    testing.assert_warning(project, "Blog.Note is public (--scope none): anyone, signed in or not")


def test_without_auth_there_is_no_scope_and_no_word_of_one() -> None:
    project = _resource(dict(_base()), "Blog.Note", "text:string")

    assert "Scope" not in _created(project, "src/shop/blog/note.py")
    assert not project.warnings
    with pytest.raises(UsageError, match=r"Unknown scope `user`: this app has none \(`scaffold"):
        _resource(dict(_base()), "Blog.Note", "text:string", scope="user")


def test_an_unknown_scope_is_refused() -> None:
    with pytest.raises(UsageError, match=r"Unknown scope `team`: this app has user, none\."):
        _resource(_with_auth(), "Blog.Post", *POST, scope="team")


@pytest.mark.parametrize("attribute", ["user:references:Accounts.User", "user_id:uuid"])
def test_an_attribute_in_the_owners_place_is_refused(attribute: str) -> None:
    with pytest.raises(UsageError, match="would clash with its owner column `user_id`"):
        _resource(_with_auth(), "Blog.Post", attribute)


def test_page_and_offset_are_bounded() -> None:
    for scope in ("user", "none"):
        project = _resource(_with_auth(), "Blog.Post", *POST, scope=scope)

        pages = _created(project, "src/shop/web/blog/posts.py")
        api = _created(project, "src/shop/api/blog/posts.py")
        assert 'Query(alias="page", ge=1, le=MAX_PAGE)' in pages and "MAX_PAGE = 1_000_000" in pages
        assert "Query(ge=0, le=MAX_OFFSET)" in api and "MAX_OFFSET = 1_000_000_000" in api
        assert 'params={"offset": 2**63}' in _created(project, "tests/blog/test_post_api.py")


# References to users and to owned rows ------------------------------------------------------------


def test_no_page_lists_the_users() -> None:
    for scope in ("user", "none"):
        project = _resource(
            _with_auth(),
            "Blog.Post",
            "title:string",
            "editor:references:Accounts.User",
            scope=scope,
        )

        pages = _created(project, "src/shop/web/blog/posts.py")
        assert 'FORM = Form(fields=("title",))' in pages and "accounts" not in pages
        assert "editor" not in _created(project, "src/shop/web/templates/blog/posts/show.html")
        # The API still takes one, by id.
        assert "editor_id: uuid.UUID | None = None" in _created(project, "src/shop/blog/post.py")


def test_without_auth_a_reference_to_users_is_a_select_as_before(tmp_path: Path) -> None:
    files = testing.written(_base(), _resource(dict(_base()), "Accounts.User", "email:string"))

    project = _resource(files, "Blog.Post", "title:string", "editor:references:Accounts.User")

    assert '"editor_id": choices(rows(session, accounts.User))' in _created(
        project, "src/shop/web/blog/posts.py"
    )


def test_a_required_reference_to_users_needs_no_pages() -> None:
    with pytest.raises(UsageError, match=r"no page lists the rows of Accounts\.User"):
        _resource(_with_auth(), "Blog.Post", "editor:references:Accounts.User:required")

    project = _resource(
        _with_auth(), "Blog.Post", "editor:references:Accounts.User:required", web=False
    )
    assert not project.issues


def test_references_to_owned_rows_are_checked_against_the_scope() -> None:
    files = testing.written(_with_auth(), _resource(_with_auth(), "Blog.Post", *POST))

    comment = _resource(files, "Blog.Comment", "body:text", "post:references:Blog.Post:required")
    link = _resource(files, "Blog.Link", "url:string", "post:references:Blog.Post", scope="none")

    model = _created(comment, "src/shop/blog/comment.py")
    assert "    _check_references(session, scope, comment_in)\n" in model
    owned = "sa.select(Post.id).where(Post.id == data.post_id, Post.user_id == scope.user.id)"
    assert f'"post_id": {owned},' in model
    pages = _created(comment, "src/shop/web/blog/comments.py")
    assert '"post_id": choices(blog.list_posts(session, scope, limit=ROWS_LIMIT))' in pages
    assert "    except (IntegrityError, LookupError):\n" in pages
    assert "def test_a_reference_to_a_row_of_someone_elses_is_refused(" in _created(
        comment, "tests/blog/test_comment.py"
    )
    # A public resource's pages never list owned rows: there is no scope to filter them by.
    assert 'FORM = Form(fields=("url",))' in _created(link, "src/shop/web/blog/links.py")


# Another scope, declared by another installer -----------------------------------------------------


def _with_team_scope() -> dict[str, str]:
    files = testing.written(
        _with_auth(), _resource(_with_auth(), "Orgs.Team", "name:string:required", scope="none")
    )
    files["pyproject.toml"] += (
        "\n[tool.scaffold.scopes.team]\n"
        'owner = "Orgs.Team"\ncolumn = "team_id"\nowner_id = "scope.team.id"\n'
        'scope = "shop.orgs.scope:TeamScope"\npage_scope = "shop.web.orgs:TeamPageScope"\n'
        'api_scope = "shop.web.orgs:TeamApiScope"\ntests = "tests.orgs.scopes"\n'
    )
    return files


def test_a_scope_another_installer_declares_is_followed() -> None:
    project = _resource(_with_team_scope(), "Blog.Post", *POST, scope="team")

    model = _created(project, "src/shop/blog/post.py")
    assert "from shop.orgs.scope import TeamScope\n" in model
    assert "    team_id: Mapped[uuid.UUID] = mapped_column(" in model
    assert 'sa.ForeignKey("teams.id", ondelete="CASCADE"),' in model
    assert "    return Post.team_id == scope.team.id\n" in model
    assert "scope: TeamPageScope" in _created(project, "src/shop/web/blog/posts.py")
    assert "scope: TeamApiScope" in _created(project, "src/shop/api/blog/posts.py")
    assert "from tests.orgs.scopes import make_scope\n" in _created(
        project, "tests/blog/test_post.py"
    )


def test_two_default_scopes_are_refused() -> None:
    files = _with_team_scope()
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        'owner = "Orgs.Team"', 'default = true\nowner = "Orgs.Team"'
    )

    with pytest.raises(UsageError, match=r"several scopes are the default \(user, team\)"):
        _resource(files, "Blog.Post", *POST)


def test_a_scope_missing_a_key_is_refused() -> None:
    files = _with_team_scope()
    files["pyproject.toml"] = files["pyproject.toml"].replace('owner_id = "scope.team.id"\n', "")

    with pytest.raises(UsageError, match=r"\[tool.scaffold.scopes.team\] has no `owner_id`"):
        _resource(files, "Blog.Post", *POST, scope="team")


# Existing apps ------------------------------------------------------------------------------------


@cache
def _notes_then_auth() -> tuple[dict[str, str], Project]:
    files = testing.written(_base(), _resource(dict(_base()), "Blog.Note", "text:string:required"))
    project = testing.run(testing.project(files), "auth")
    return testing.written(files, project), project


def test_install_auth_leaves_resources_public_and_names_them() -> None:
    files, project = _notes_then_auth()

    testing.assert_notice(
        project, "These resources stay public (anyone may read and change their rows): Blog.Note."
    )
    testing.assert_notice(
        project, "scaffold gen resource Blog.Note ATTRIBUTES --scope user --force"
    )
    assert "Scope" not in files["src/shop/blog/note.py"]


def test_scoping_a_resource_adds_its_owner_column_for_the_rows_it_has() -> None:
    files, _ = _notes_then_auth()

    project = _resource(files, "Blog.Note", "text:string:required", force=True)

    # Its rows have no owner: the column is nullable.
    assert "    user_id: Mapped[uuid.UUID | None] = mapped_column(" in _created(
        project, "src/shop/blog/note.py"
    )
    [migration] = [
        c.after or ""
        for c in project.changes()
        if c.path.startswith("migrations/") and c.status == "create"
    ]
    assert '"""Add user_id to notes' in migration
    assert 'batch_op.add_column(sa.Column("user_id", sa.Uuid(), nullable=True))' in migration
    assert "UPDATE" not in migration and 'batch_op.drop_column("user_id")' in migration
    testing.assert_notice(project, "Its rows have no owner yet")
    again = _resource(
        testing.written(files, project), "Blog.Note", "text:string:required", force=True
    )
    assert again.changes() == []


def test_scoping_with_an_owner_gives_the_rows_to_that_user() -> None:
    files, _ = _notes_then_auth()

    project = _resource(
        files, "Blog.Note", "text:string:required", force=True, owner=" Ann@Example.com"
    )

    assert "    user_id: Mapped[uuid.UUID] = mapped_column(" in _created(
        project, "src/shop/blog/note.py"
    )
    [migration] = [
        c.after or ""
        for c in project.changes()
        if c.path.startswith("migrations/") and c.status == "create"
    ]
    assert 'if rows and not connection.scalar(owners, {"email": "ann@example.com"}):' in migration
    assert 'op.execute(backfill.bindparams(email="ann@example.com"))' in migration
    assert 'batch_op.alter_column("user_id", existing_type=sa.Uuid(), nullable=False)' in migration
    testing.assert_notice(project, "Its rows go to ann@example.com.")


@pytest.mark.parametrize(
    ("owner", "message"),
    [("ann", "Invalid --owner `ann`"), ("ann@example.com", "--owner is for scoping a resource")],
)
def test_a_bad_owner_is_refused(owner: str, message: str) -> None:
    files, _ = _notes_then_auth()
    name = "Blog.Note" if owner == "ann" else "Blog.Post"

    with pytest.raises(UsageError, match=message):
        _resource(files, name, "text:string:required", force=True, owner=owner)


def test_auth_installed_by_an_earlier_scaffold_is_left_as_it_is() -> None:
    files = {
        path: text
        for path, text in _with_auth().items()
        if not path.endswith("accounts/api_token.py")
    }

    for installer in ("auth", "admin"):
        project = testing.run(testing.project(files), installer)

        testing.assert_issue(project, "installed by an earlier scaffold")


# Through the command line -------------------------------------------------------------------------


def test_bad_scope_options_exit_2_and_write_nothing(tmp_path: Path) -> None:
    app = testing.project(_with_auth(), root=tmp_path).root
    before = {path: path.read_bytes() for path in app.rglob("*") if path.is_file()}

    for options in (["--scope", "team"], ["--owner", "ann@example.com"]):
        result = run_scaffold(
            "gen", "resource", "Blog.Post", "title:string", *options, "--yes", cwd=app
        )

        assert result.returncode == 2, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    assert {path: path.read_bytes() for path in app.rglob("*") if path.is_file()} == before
