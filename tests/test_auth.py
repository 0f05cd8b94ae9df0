"""`scaffold install auth` (and the `mailer` it composes): what it stages, in memory on the
base app's files, and through the real command line in a temporary folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scaffold import __version__, testing
from scaffold.auth.strategies import render_files
from scaffold.copier_template import render
from scaffold.installers.app import TEMPLATE
from scaffold.installers.auth import auth
from scaffold.installers.mailer import mailer
from tests.conftest import run_scaffold

APP = "shop"
MIGRATIONS = "migrations/versions"


@pytest.fixture(scope="module")
def base() -> dict[str, str]:
    """The files of a new app, as `scaffold new shop` writes them."""
    return render(TEMPLATE, {"app_name": APP, "db": "sqlite", "scaffold_version": __version__})


def installed(files: dict[str, str], *strategies: str) -> dict[str, str]:
    """`files` after `install auth` with `strategies` (all by default) was written."""
    options = {"strategy": list(strategies)} if strategies else {}
    return testing.written(files, testing.run(testing.project(files), auth, **options))


def migrations_of(files: dict[str, str]) -> list[str]:
    return sorted(path for path in files if path.startswith(MIGRATIONS) and path.endswith(".py"))


def test_install_stages_the_domain_pages_tests_and_migrations(base: dict[str, str]) -> None:
    project = testing.run(testing.project(base), auth)

    for path in [
        "src/shop/accounts/__init__.py",
        "src/shop/accounts/user.py",
        "src/shop/accounts/user_token.py",
        "src/shop/accounts/passwords.py",
        "src/shop/accounts/magic_links.py",
        "src/shop/rate_limits/database.py",
        "src/shop/mailer/__init__.py",
        "src/shop/web/user_auth.py",
        "src/shop/web/users/log_in.py",
        "src/shop/web/templates/users/log_in.html",
        "src/shop/web/dev_mailbox.py",
        "tests/accounts/test_magic_links.py",
        "tests/accounts/test_password_log_in.py",
        "tests/test_dev_mailbox.py",
    ]:
        testing.assert_creates(project, path)
    interface = testing.change(project, "src/shop/accounts/__init__.py")
    assert interface is not None and interface.after is not None
    assert "from shop.accounts.magic_links import" in interface.after
    assert '    "login_user_by_magic_link",' in interface.after
    testing.assert_has_patch(
        project, "src/shop/main.py", "+ |    app.add_middleware(CurrentScopeMiddleware)"
    )
    testing.assert_has_patch(project, "src/shop/main.py", "+ |        max_age=None,")
    testing.assert_has_patch(
        project, "src/shop/main.py", "+ |    configure_password_hashing(settings.app_env)"
    )
    testing.assert_has_patch(
        project, "src/shop/web/router.py", "+ |router.include_router(users.router)"
    )
    testing.assert_has_patch(
        project, "src/shop/web/templates/layout.html", "+ |        {% if current_scope %}"
    )
    testing.assert_has_patch(
        project, "src/shop/settings.py", "+ |    rate_limit_url: str | None = None"
    )
    testing.assert_has_patch(
        project, "src/shop/models.py", "+ |from shop.accounts.user import User"
    )
    testing.assert_has_patch(project, "pyproject.toml", '+ |    "argon2-cffi>=23.1",')
    testing.assert_has_patch(project, "pyproject.toml", '+ |    "email-validator>=2.1",')
    testing.assert_has_patch(
        project, "pyproject.toml", '+ |auth_strategies = ["password", "magic_link"]'
    )
    testing.assert_has_patch(
        project, ".env.example", "+ |# RATE_LIMIT_URL=redis://localhost:6379/0"
    )
    testing.assert_notice(project, "SMTP_HOST")
    testing.assert_notice(project, "APP_URL")
    assert project.issues == []


def test_the_migrations_chain_the_mailbox_then_the_accounts(base: dict[str, str]) -> None:
    files = installed(base)

    texts = [files[path] for path in migrations_of(files)]
    assert len(texts) == 2
    mailbox = next(text for text in texts if 'op.drop_table("mailbox_messages")' in text)
    accounts = next(text for text in texts if 'op.drop_table("users")' in text)
    revision = re.search(r'^revision: str = "(\w+)"', mailbox, re.MULTILINE)
    assert revision and f'down_revision: str | Sequence[str] | None = "{revision[1]}"' in accounts
    for table in ("users", "user_tokens", "rate_limit_counters"):
        assert f'op.create_table(\n        "{table}"' in accounts
        assert f'op.drop_table("{table}")' in accounts


def test_resources_can_reference_users(base: dict[str, str]) -> None:
    files = installed(base)
    assert "def make_user(session: orm.Session" in files["tests/accounts/factories.py"]

    project = testing.run(
        testing.project(files),
        "resource",
        name="Blog.Post",
        attributes=["title:string", "author:references:Accounts.User"],
    )

    assert project.issues == [] and project.warnings == []  # no stand-in make_user
    factories = testing.change(project, "tests/blog/factories.py")
    assert factories is not None and factories.after is not None
    assert "def make_user(" not in factories.after
    test = testing.change(project, "tests/blog/test_post.py")
    assert test is not None and "from tests.accounts.factories import make_user\n" in test.after
    assert "def make_post(" in factories.after


def test_the_generated_code_never_imports_scaffold(base: dict[str, str]) -> None:
    files = installed(base)

    importing = [
        path
        for path, text in files.items()
        if path.endswith(".py") and re.search(r"^\s*(from|import) scaffold\b", text, re.MULTILINE)
    ]
    assert importing == []


def test_running_again_changes_nothing(base: dict[str, str]) -> None:
    once = installed(base)

    again = testing.run(testing.project(once), auth)

    testing.assert_unchanged(again)
    assert again.issues == []


def test_running_again_with_fewer_strategies_changes_nothing(base: dict[str, str]) -> None:
    once = installed(base)

    again = testing.run(testing.project(once), auth, strategy=["magic_link"])

    testing.assert_unchanged(again)


def test_a_strategy_added_later_stages_only_what_it_needs(base: dict[str, str]) -> None:
    magic = installed(base, "magic_link")
    both = installed(base)

    project = testing.run(testing.project(magic), auth, strategy=["password"])

    changes = {change.path: change for change in project.changes()}
    assert all(change.status in ("create", "update") for change in changes.values())
    assert not [path for path in changes if path.startswith(MIGRATIONS)]  # same tables
    for untouched in [
        "src/shop/accounts/user.py",
        "src/shop/accounts/user_token.py",
        "src/shop/accounts/sessions.py",
        "src/shop/web/user_auth.py",
        "src/shop/web/templates/layout.html",
        "src/shop/web/router.py",
        "src/shop/mailer/__init__.py",
        "tests/accounts/test_sessions.py",
    ]:
        assert untouched not in changes
    created = {path for path, change in changes.items() if change.status == "create"}
    assert created == set(render_files(APP, ["password", "magic_link"])) - set(magic)
    testing.assert_has_patch(
        project, "src/shop/main.py", "+ |    configure_password_hashing(settings.app_env)"
    )
    # The rendered files end exactly as if both strategies had been installed at once.
    after = testing.written(magic, project)
    for path in render_files(APP, ["password", "magic_link"]):
        assert after[path] == both[path], path


def test_a_file_edited_since_is_a_conflict_when_a_strategy_changes_it(
    base: dict[str, str],
) -> None:
    magic = installed(base, "magic_link")
    registration = "src/shop/web/users/registration.py"
    magic[registration] += "\n# edited by hand\n"

    project = testing.run(testing.project(magic), auth, strategy=["password"])

    assert project.conflicts() == [registration]
    testing.assert_has_patch(project, "src/shop/web/users/settings.py", "+ |    log_in_user,")


def test_a_missing_anchor_is_an_issue_naming_the_file_and_the_edit(base: dict[str, str]) -> None:
    files = dict(base)
    files["src/shop/main.py"] = files["src/shop/main.py"].replace("def create_app(", "def build(")

    project = testing.run(testing.project(files), auth)

    testing.assert_issue(project, "src/shop/main.py: could not find a function `create_app`")
    testing.assert_issue(project, "Inside `create_app`")


def test_unreadable_recorded_strategies_are_an_issue(base: dict[str, str]) -> None:
    files = dict(base)
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        "[tool.scaffold]\n", '[tool.scaffold]\nauth_strategies = "password"\n'
    )

    project = testing.run(testing.project(files), auth)

    testing.assert_issue(project, "auth_strategies should list the installed strategies")
    testing.assert_unchanged(project)


def test_the_mailer_alone_is_idempotent(base: dict[str, str]) -> None:
    project = testing.run(testing.project(base), mailer)
    testing.assert_creates(project, "src/shop/mailer/smtp.py")
    testing.assert_has_patch(
        project,
        "src/shop/main.py",
        "+ |    app.state.mailer = make_mailer(settings, app.state.session_factory)",
    )
    once = testing.written(base, project)
    assert len(migrations_of(once)) == 1

    again = testing.run(testing.project(once), mailer)

    testing.assert_unchanged(again)


# Through the real command line.


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    assert run_scaffold("new", APP, "--yes", "--no-git", cwd=tmp_path).returncode == 0
    return tmp_path / APP


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_install_then_no_changes_through_the_cli(shop: Path) -> None:
    first = run_scaffold("install", "auth", "--strategy", "magic_link", "--yes", cwd=shop)
    assert first.returncode == 0, first.stderr
    assert "Create: src/shop/accounts/magic_links.py" in first.stdout
    assert "Log-in by magic link is ready." in first.stdout

    again = run_scaffold("install", "auth", "--strategy", "magic_link", "--yes", cwd=shop)
    assert again.returncode == 0 and again.stdout.strip() == "No changes"

    added = run_scaffold("install", "auth", "--strategy", "password", "--dry-run", cwd=shop)
    assert added.returncode == 0
    assert "Create: src/shop/accounts/passwords.py" in added.stdout
    assert "Create: src/shop/accounts/magic_links.py" not in added.stdout


def test_an_unknown_strategy_exits_2_and_writes_nothing(shop: Path) -> None:
    before = _snapshot(shop)

    result = run_scaffold("install", "auth", "--strategy", "oauth", "--yes", cwd=shop)

    assert result.returncode == 2
    assert "Invalid value `oauth` for option `strategy`" in result.stderr
    assert "password, magic_link" in result.stderr
    assert "Traceback" not in result.stderr
    assert _snapshot(shop) == before


def test_a_missing_anchor_exits_2_and_writes_nothing(shop: Path) -> None:
    main = shop / "src/shop/main.py"
    main.write_text(main.read_text().replace("app.add_middleware(", "app.add_middleware_later("))
    before = _snapshot(shop)

    result = run_scaffold("install", "auth", "--yes", cwd=shop)

    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert "src/shop/main.py" in output and "app.add_middleware(" in output
    assert "Make this edit by hand" in output
    assert _snapshot(shop) == before


def test_api_tokens_roles_and_bearer_auth_are_generated(base: dict[str, str]) -> None:
    project = testing.run(testing.project(base), auth)

    for path in [
        "src/shop/accounts/api_token.py",
        "src/shop/accounts/roles.py",
        "src/shop/web/api_auth.py",
        "src/shop/web/users/api_tokens.py",
        "src/shop/web/templates/users/api_tokens.html",
        "tests/accounts/scopes.py",
        "tests/accounts/test_api_tokens.py",
        "tests/accounts/test_api_auth.py",
        "tests/accounts/test_roles.py",
    ]:
        testing.assert_creates(project, path)
    testing.assert_has_patch(
        project, "src/shop/models.py", "+ |from shop.accounts.api_token import ApiToken"
    )
    interface = testing.change(project, "src/shop/accounts/__init__.py")
    assert interface is not None and '    "create_api_token",' in (interface.after or "")
    [migration] = [c.after or "" for c in project.changes() if "create_users" in c.path]
    assert (
        '"api_tokens",' in migration
        and 'sa.Column("is_owner", sa.Boolean(), nullable=False),' in migration
    )
    passwords = testing.change(project, "src/shop/accounts/passwords.py")
    assert (
        passwords is not None
        and (passwords.after or "").count("delete_user_api_tokens(session, user)") == 2
    )
