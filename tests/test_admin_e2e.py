"""`scaffold install admin` in real apps with auth and two resources (one made before the admin,
one after): their own tests on SQLite and PostgreSQL, ruff, the migrations, the app's
`admin grant|revoke` command, and in a real browser an admin editing a row, while a signed-in
user who is not an admin is refused and a visitor is sent to log in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import run_scaffold
from tests.support.apps import AppEnvironment, fresh_database
from tests.support.browser import watch_for_errors

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery staple"
POST = ["Blog.Post", "title:string:required", "published:boolean", "status:enum:draft,published"]
# A public resource beside the scoped posts: made in the admin without choosing an owner.
PRODUCT = ["Shop.Product", "name:string:required", "price:decimal:required", "--scope", "none"]

# Two users with passwords and a post of Bob's (posts belong to users), in the app's
# development database.
SEED = f"""
from shop.accounts.password_hashing import hash_password
from shop.accounts.user import User
from shop.blog.post import Post
from shop.db import make_engine, make_session_factory, utcnow
from shop.settings import get_settings

engine = make_engine(get_settings().database_url)
with make_session_factory(engine)() as session:
    for email in ("ann@example.com", "bob@example.com"):
        hashed = hash_password({PASSWORD!r})
        session.add(User(email=email, hashed_password=hashed, confirmed_at=utcnow()))
    session.flush()
    bob = session.query(User).filter_by(email="bob@example.com").one()
    session.add(Post(title="First post", published=True, user=bob))
    session.commit()
"""


def _scaffold(app: Path, *args: str) -> str:
    result = run_scaffold(*args, cwd=app, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _make_app(folder: Path, name: str, *options: str) -> Path:
    """auth, a resource, the admin, then another resource and its view."""
    _scaffold(folder, "new", name, "--yes", "--no-git", *options)
    app = folder / name
    _scaffold(app, "install", "auth", "--yes")
    _scaffold(app, "gen", "resource", *POST, "author:references:Accounts.User", "--yes")
    installed = _scaffold(app, "install", "admin", "--yes")
    assert f"python -m {name} admin grant EMAIL" in installed
    assert _scaffold(app, "install", "admin", "--yes").strip() == "No changes"
    _scaffold(app, "gen", "resource", *PRODUCT, "--yes")
    if not (app / f"src/{name}/admin/shop_products.py").exists():
        # Until `gen resource` composes admin_view itself (when the app has the admin).
        _scaffold(app, "install", "admin_view", "--name", "Shop.Product", "--yes")
    assert (app / "tests/admin/test_shop_products.py").is_file()
    return app


def _assert_tests_pass(app_env: AppEnvironment, app: Path, env: dict[str, str] | None = None):
    result = app_env.run(app, "pytest", "-q", "-p", "no:cacheprovider", env=env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b\d+ passed\b", result.stdout), result.stdout


def _assert_migrations_agree(app_env: AppEnvironment, app: Path, env: dict[str, str] | None = None):
    app_env.run(app, "alembic", "upgrade", "head", env=env)
    checked = app_env.run(app, "alembic", "check", env=env)
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment) -> Path:
    app = _make_app(tmp_path_factory.mktemp("admin"), "shop")
    app_env.install(app)
    return app


@pytest.fixture(scope="module")
def database(app_env: AppEnvironment, app: Path) -> None:
    """The development database (shop.db), migrated, with two users and a post."""
    _assert_migrations_agree(app_env, app)
    app_env.run(app, "python", "-c", SEED)


def test_the_apps_own_tests_pass_and_ruff_is_clean(app_env: AppEnvironment, app: Path) -> None:
    _assert_tests_pass(app_env, app)
    app_env.run(app, "ruff", "check", ".")
    app_env.run(app, "ruff", "format", "--check", ".")


def test_admin_rights_are_granted_and_revoked_from_the_apps_cli(
    app_env: AppEnvironment, app: Path, database: None
) -> None:
    granted = app_env.run(app, "python", "-m", "shop", "admin", "grant", "Bob@Example.com")
    revoked = app_env.run(app, "python", "-m", "shop", "admin", "revoke", "bob@example.com")
    unknown = app_env.run(
        app, "python", "-m", "shop", "admin", "grant", "x@example.com", check=False
    )

    assert granted.stdout == "bob@example.com is now an admin.\n"
    assert revoked.stdout == "bob@example.com is no longer an admin.\n"
    assert unknown.returncode == 1
    assert "No user has the email address x@example.com" in unknown.stderr


def test_an_admin_edits_a_row_others_are_kept_out(
    app_env: AppEnvironment, app: Path, database: None, browser: Browser
) -> None:
    app_env.run(app, "python", "-m", "shop", "admin", "grant", "ann@example.com")
    shots = app / "screenshots"
    shots.mkdir(exist_ok=True)
    with app_env.serve(app, "shop", env={"APP_ENV": "dev"}) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors = watch_for_errors(page)
        try:
            # A visitor is sent to log in, and comes back to the admin after.
            page.goto(base + "/admin/")
            assert page.url == base + "/users/log-in?next=%2Fadmin%2F"
            _log_in(page, "ann@example.com")
            assert page.url == base + "/admin/"

            # The admin sees Bob's post (an admin acts on every row), and edits it; the form
            # carries the CSRF token.
            page.goto(base + "/admin/post/list")
            assert page.locator("td", has_text="First post").count() == 1
            page.screenshot(path=str(shots / "admin-posts.png"), full_page=True)
            page.locator("a[href*='/admin/post/edit/']").first.click()
            page.fill("#title", "Edited in the admin")
            page.screenshot(path=str(shots / "admin-edit-post.png"), full_page=True)
            page.click("input[value='Save']")
            assert page.url.startswith(base + "/admin/post/list")
            assert page.locator("td", has_text="Edited in the admin").count() == 1

            # Users, without their password hashes; the second resource has its view too.
            page.goto(base + "/admin/user/list")
            assert "bob@example.com" in page.content() and "argon2" not in page.content()
            page.goto(base + "/admin/product/list")
            assert "Products" in page.inner_text("body")
            page.goto(base + "/admin/product/create")
            page.fill("#name", "Made in the admin")
            page.fill("#price", "9.50")
            page.click("input[value='Save']")
            assert page.locator("td", has_text="Made in the admin").count() == 1
            # A row the id of which cannot be one: a 404 page, not a server error.
            for bad in ("/admin/post/details/not-a-uuid", "/admin/user/edit/" + "9" * 40):
                response = page.goto(base + bad)
                assert response is not None and response.status == 404
            errors[:] = [e for e in errors if "404 (Not Found)" not in e]  # those two

            # The app's own pages pass the content security policy too.
            for path in ("/", "/posts", "/posts/new", "/users/settings"):
                page.goto(base + path)
            page.goto(base + "/posts/new")
            page.fill("#title", "From the browser")
            page.click("main button[type=submit]")
            assert "Post created." in page.locator(".flash").inner_text()

            # "Logout" logs out of the app, as its own pages do.
            page.goto(base + "/admin/")
            page.click("text=Logout")
            page.wait_for_url(base + "/")
            assert "Log in" in page.inner_text("header")

            # A signed-in user who is not an admin is refused.
            page.goto(base + "/users/log-in")
            _log_in(page, "bob@example.com")
            response = page.goto(base + "/admin/")
            assert response is not None and response.status == 403
            assert "This page is for admins only." in page.inner_text("main")
            page.screenshot(path=str(shots / "admin-refused.png"), full_page=True)
            errors[:] = [e for e in errors if "403 (Forbidden)" not in e]  # that page's
        finally:
            page.close()
        assert errors == []  # the security headers' content policy blocked nothing


def _log_in(page: Page, email: str) -> None:
    page.fill("#password-email", email)
    page.fill("#password", PASSWORD)
    page.click("form[action='/users/log-in'] button")
    page.wait_for_load_state()


def test_without_auth_it_is_open_in_development_only_until_auth_comes(
    tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment
) -> None:
    folder = tmp_path_factory.mktemp("admin-dev")
    _scaffold(folder, "new", "dev_shop", "--yes", "--no-git")
    app = folder / "dev_shop"
    _scaffold(app, "gen", "resource", *PRODUCT, "--yes")
    assert "served in development only" in _scaffold(app, "install", "admin", "--yes")
    app_env.install(app)
    admin_tests = ["pytest", "-q", "-p", "no:cacheprovider", "tests/admin"]
    open_admin = app_env.run(app, *admin_tests)
    # The guard (dev, test, prod, CSRF, Origin), the view (list, show, three bad ids).
    assert "10 passed" in open_admin.stdout

    _scaffold(app, "install", "auth", "--yes")
    assert (app / "src/dev_shop/admin/accounts_users.py").is_file()
    app_env.install(app)
    guarded = app_env.run(app, *admin_tests)
    assert re.search(r"\b1[0-9] passed\b", guarded.stdout), guarded.stdout
    app_env.run(app, "ruff", "check", ".")
    app_env.run(app, "ruff", "format", "--check", ".")


def test_on_postgres_the_tests_pass_and_the_migrations_agree(
    tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment, postgres: str
) -> None:
    # A name after `tests`: the generated tests import `tests` before the app then (isort).
    app = _make_app(tmp_path_factory.mktemp("admin-pg"), "webshop", "--db", "postgres")
    app_env.install(app)
    app_env.run(app, "ruff", "check", ".")
    server = postgres.replace("postgresql://", "postgresql+psycopg://")
    _assert_tests_pass(app_env, app, {"TEST_DATABASE_URL": f"{server}/scaffold_admin_test"})
    migrate = fresh_database(app_env, app, server, "scaffold_admin_migrate")
    _assert_migrations_agree(app_env, app, {"DATABASE_URL": migrate})
