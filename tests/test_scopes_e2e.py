"""Resources that belong to someone, for real. In a fresh app: a resource made before auth
(public, then scoped with its rows given to a user), auth, the admin, a resource scoped by
default and a public one. Then, on SQLite and on PostgreSQL: the app's own tests, ruff, its
migrations against its models, the rows kept; served: two users in two browsers each see only
their own posts, a visitor is sent to log in, the notes stay public, an API token works over
HTTP and no credentials get a 401; and the generated tests catch the removal of each owner
filter."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import run_scaffold
from tests.support.apps import AppEnvironment, fresh_database

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

pytestmark = pytest.mark.slow

GUIDE = Path(__file__).parents[1] / "docs" / "scopes.md"
PASSWORD = "correct horse battery staple"
POST = ["Blog.Post", "title:string:required", "body:text"]

# Three items, made while items were public; then Ann registers (the first: she owns the app)
# and Bob, both confirmed.
SEED = """
import sys
from {app} import accounts, models, store
from {app}.db import make_engine, make_session_factory, utcnow
from {app}.settings import get_settings

engine = make_engine(get_settings().database_url)
with make_session_factory(engine)() as session:
    for name in ("Lamp", "Desk", "Chair"):
        store.create_item(session, store.ItemCreate(name=name))
    for email in ("ann@example.com", "bob@example.com"):
        user = accounts.register_user(session, email, sys.argv[1])
        user.confirmed_at = utcnow()
    session.commit()
engine.dispose()
"""
# Whose the items are once scoped.
OWNERS = """
import sqlalchemy as sa
from {app} import models
from {app}.db import make_engine
from {app}.settings import get_settings

engine = make_engine(get_settings().database_url)
with engine.connect() as connection:
    owned = sa.select(models.Item.name, models.User.email, models.User.is_owner).join(
        models.User, models.Item.user_id == models.User.id
    )
    print(sorted(tuple(row) for row in connection.execute(owned)))
engine.dispose()
"""
SCOPED_ITEMS = [(name, "ann@example.com", True) for name in ("Chair", "Desk", "Lamp")]


def _scaffold(app: Path, *args: str) -> str:
    result = run_scaffold(*args, cwd=app, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _blocks(language: str) -> list[list[str]]:
    """The lines of each ```language block of docs/scopes.md, whose examples these tests run."""
    found = re.findall(rf"^ *```{language}\n(.*?)^ *```", GUIDE.read_text(), re.M | re.S)
    return [[line.split("  #")[0].strip() for line in block.splitlines()] for block in found]


def _build(folder: Path, name: str, *options: str) -> Path:
    """The app of the guide's first example (the issue's "Done means", and items made before
    auth), named `name`, made with `options`."""
    app = folder
    for line in _blocks("sh")[0]:
        words = shlex.split(line)
        if words[0] == "cd":
            continue
        if words[1] == "new":
            _scaffold(folder, "new", name, *options, "--no-git", "--yes")
            app = folder / name
            continue
        out = " ".join(_scaffold(app, *words[1:], "--yes").split())
        assert {
            "auth": "These resources stay public (anyone may read and change their rows): "
            "Store.Item.",
            "Blog.Post": "Blog.Post's rows belong to the signed-in user",
            "Blog.Note": "Blog.Note is public (--scope none)",
        }.get(words[2], "") in out
    assert _scaffold(app, "gen", "resource", *POST, "--yes").strip() == "No changes"
    return app


def _scope_the_items(app_env: AppEnvironment, app: Path, env: dict[str, str]) -> None:
    """The items, which have rows, become Ann's: the migration keeps every row."""
    app_env.run(app, "alembic", "upgrade", "head", env=env)
    app_env.run(app, "python", "-c", SEED.format(app=app.name), PASSWORD, env=env)
    [scope_items] = _blocks("sh")[1]
    scoped = _scaffold(app, *shlex.split(scope_items)[1:], "--yes")
    assert "Its rows go to ann@example.com." in scoped
    app_env.run(app, "alembic", "upgrade", "head", env=env)
    owners = app_env.run(app, "python", "-c", OWNERS.format(app=app.name), env=env)
    assert owners.stdout.strip() == str(SCOPED_ITEMS)


def _assert_the_app_passes(app_env: AppEnvironment, app: Path, env: dict[str, str]) -> None:
    """Its tests (run with `env`), ruff, and its migrated database agrees with its models."""
    tests = app_env.run(app, "pytest", "-q", "-p", "no:cacheprovider", env=env, check=False)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert re.search(r"\b\d+ passed\b", tests.stdout), tests.stdout
    app_env.run(app, "ruff", "check", ".")
    app_env.run(app, "ruff", "format", "--check", ".")
    checked = app_env.run(app, "alembic", "check", env=env)
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment) -> Path:
    """The app on SQLite, its development database (shop.db) migrated and seeded."""
    app = _build(tmp_path_factory.mktemp("scopes"), "shop")
    app_env.install(app)
    _scope_the_items(app_env, app, {})
    return app


def test_on_sqlite_the_app_passes_and_keeps_its_rows(app_env: AppEnvironment, app: Path) -> None:
    _assert_the_app_passes(app_env, app, {})


def test_on_postgres_the_app_passes_and_keeps_its_rows(
    tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment, postgres: str
) -> None:
    # A name after `tests`: the generated tests import `tests` first then (isort).
    app = _build(tmp_path_factory.mktemp("scopes-pg"), "webstore", "--db", "postgres")
    app_env.install(app)
    server = postgres.replace("postgresql://", "postgresql+psycopg://")
    database = fresh_database(app_env, app, server, "scaffold_scopes_dev")
    _scope_the_items(app_env, app, {"DATABASE_URL": database})
    test_database = fresh_database(app_env, app, server, "scaffold_scopes_test")
    _assert_the_app_passes(
        app_env, app, {"DATABASE_URL": database, "TEST_DATABASE_URL": test_database}
    )


# Served ------------------------------------------------------------------------------------------


def _call(
    url: str, method: str = "GET", token: str | None = None, body: dict | None = None
) -> tuple[int, dict, object]:
    """An HTTP call as curl makes it: status, headers and JSON body."""
    request = urllib.request.Request(url, method=method)
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read() or "null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or "null")


def _log_in(context: BrowserContext, base: str, email: str):
    page = context.new_page()
    page.goto(base + "/users/log-in")
    page.fill("#password-email", email)
    page.fill("#password", PASSWORD)
    page.click("form[action='/users/log-in'] button")
    page.wait_for_load_state()
    assert email in page.inner_text("header")
    return page


def _post(page, base: str, title: str) -> str:
    """Make a post through its form; its URL."""
    page.goto(base + "/posts/new")
    page.fill("#title", title)
    page.click("main button[type=submit]")
    assert "Post created." in page.inner_text(".flash")
    return page.url


def test_served_each_user_has_their_own_posts_and_the_notes_are_everyones(
    app_env: AppEnvironment, app: Path, browser: Browser
) -> None:
    shots = app / "screenshots"
    shots.mkdir(exist_ok=True)
    with app_env.serve(app, "shop", env={"APP_ENV": "dev"}) as base:
        visitor, ann_context, bob_context = (browser.new_context() for _ in range(3))
        try:
            # A visitor is sent to log in from the posts, and may use the notes.
            page = visitor.new_page()
            page.goto(base + "/posts")
            assert page.url == base + "/users/log-in?next=%2Fposts"
            page.goto(base + "/notes/new")
            page.fill("#text", "Left by a visitor")
            page.click("main button[type=submit]")
            assert "Note created." in page.inner_text(".flash")

            # Ann and Bob, in two browsers, each make a post and see theirs only.
            ann, bob = (
                _log_in(ann_context, base, "ann@example.com"),
                _log_in(bob_context, base, "bob@example.com"),
            )
            _post(ann, base, "Ann's post")
            bobs_post = _post(bob, base, "Bob's post")
            ann.goto(base + "/posts")
            assert "Ann's post" in ann.inner_text("main")
            assert "Bob's post" not in ann.inner_text("main")
            ann.screenshot(path=str(shots / "ann-posts.png"), full_page=True)
            bob.goto(base + "/posts")
            assert "Bob's post" in bob.inner_text("main")
            assert "Ann's post" not in bob.inner_text("main")
            assert ann.goto(bobs_post).status == 404  # another's post is not found
            # The items made before auth are Ann's now.
            ann.goto(base + "/items")
            assert all(name in ann.inner_text("main") for name in ("Lamp", "Desk", "Chair"))
            bob.goto(base + "/items")
            assert "No items yet" in bob.inner_text("main")
            # Ann owns the app: in the admin she sees every post, Bob's too.
            ann.goto(base + "/admin/post/list")
            assert "Bob's post" in ann.inner_text("body")

            # Ann makes an API token, shown once.
            ann.goto(base + "/users/settings/api-tokens")
            ann.fill("#name", "curl")
            ann.click("text=Make token")
            token = ann.inner_text("#new-token")
            ann.screenshot(path=str(shots / "api-token.png"), full_page=True)
            bob_id = _bob_id(bob, base)
        finally:
            for context in (visitor, ann_context, bob_context):
                context.close()

        [curl] = _blocks("sh")[2]  # the guide's, with the server's address
        command = curl.replace("http://127.0.0.1:8000", base)
        listed = json.loads(_shell(command, {"TOKEN": token}))
        assert [post["title"] for post in listed["items"]] == ["Ann's post"]
        status, headers, _ = _call(base + "/api/posts")
        assert (status, headers["www-authenticate"]) == (401, "Bearer")
        assert _call(base + "/api/posts", token=token + "x")[0] == 401
        made = _call(
            base + "/api/posts", "POST", token, {"title": "Made by curl", "user_id": bob_id}
        )
        assert made[0] == 422  # the owner is never a field
        assert _call(base + "/api/posts?offset=9223372036854775808", token=token)[0] == 422
        schema = _call(base + "/openapi.json")[2]
        assert isinstance(schema, dict) and "HTTPBearer" in schema["components"]["securitySchemes"]
        assert _call(base + "/api/notes")[0] == 200


def _shell(command: str, env: dict[str, str]) -> str:
    """What `command` prints, run by a shell as a person would type it."""
    result = subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, env={**os.environ, **env}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _bob_id(page, base: str) -> str:
    """Bob's id, as his own API response shows it."""
    page.goto(base + "/users/settings/api-tokens")
    page.fill("#name", "mine")
    page.click("text=Make token")
    status, _, listed = _call(base + "/api/posts", token=page.inner_text("#new-token"))
    assert status == 200 and isinstance(listed, dict)
    return listed["items"][0]["user_id"]


def test_the_role_commands_of_the_guide(app_env: AppEnvironment, app: Path) -> None:
    said = [app_env.run(app, *shlex.split(line)).stdout for line in _blocks("sh")[3]]

    assert said == [
        "bob@example.com is now an admin.\n",
        "bob@example.com is no longer an admin.\n",
        "bob@example.com owns the app.\n",
    ]
    revoke = ["python", "-m", "shop", "admin", "revoke", "bob@example.com"]
    refused = app_env.run(app, *revoke, check=False)
    assert refused.returncode == 1 and "owns the app, and stays an admin" in refused.stderr
    app_env.run(app, "python", "-m", "shop", "admin", "owner", "ann@example.com")


# The generated tests guard the owner filter -------------------------------------------------------

GET = "    post = get_post(session, scope, post_id)\n"
UNFILTERED = "    post = session.get(Post, post_id)\n"
# Each owner filter taken out of blog/post.py in turn: (in which function, what, instead).
MUTANTS = {
    "list_posts without its owner filter": (
        "def list_posts(",
        "statement = sa.select(Post).where(_owned_by(scope))",
        "statement = sa.select(Post)",
    ),
    "count_posts without its owner filter": (
        "def count_posts(",
        "statement.where(_owned_by(scope))",
        "statement",
    ),
    "get_post without its owner filter": (
        "def get_post(",
        "Post.id == post_id, _owned_by(scope)",
        "Post.id == post_id",
    ),
    "create_post not stamping the owner": ("def create_post(", ", user_id=scope.user.id)", ")"),
    "update_post getting any post": ("def update_post(", GET, UNFILTERED),
    "delete_post getting any post": ("def delete_post(", GET, UNFILTERED),
    "the schemas taking an owner": ("class PostCreate(", 'extra="forbid"', 'extra="ignore"'),
}


def _mutate(source: str, where: str, before: str, after: str) -> str:
    """`source` with the first `before` after `where` replaced."""
    head, found, rest = source.partition(where)
    assert found and before in rest, (where, before)
    return head + found + rest.replace(before, after, 1)


def test_the_generated_tests_fail_without_each_owner_filter(
    app_env: AppEnvironment, app: Path
) -> None:
    model = app / "src/shop/blog/post.py"
    original = model.read_text()
    tests = ["pytest", "-q", "-x", "-p", "no:cacheprovider", "tests/blog"]
    survivors = []
    try:
        for name, change in MUTANTS.items():
            model.write_text(_mutate(original, *change))
            if app_env.run(app, *tests, check=False).returncode == 0:
                survivors.append(name)
    finally:
        model.write_text(original)
    assert survivors == []
    assert app_env.run(app, *tests).returncode == 0
