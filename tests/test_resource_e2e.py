"""`scaffold gen resource`, for real: several resources in one app (every type, an enum,
references, uuid7 and int keys, one without pages), then the app installed as its README says:
its own tests, its linters, its migrations against its models, its JSON API over HTTP, and its
pages in a real browser. Then the same on PostgreSQL."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import run_scaffold
from tests.support.apps import AppEnvironment, fresh_database

pytestmark = pytest.mark.slow

RESOURCES = [
    ["Accounts.User", "email:string:required:unique", "name:string", "--primary-key", "int"],
    [
        "Blog.Post",
        "title:string:required:unique",
        "body:text",
        "status:enum:draft,published:default=draft",
        "featured:boolean",
        "author:references:Accounts.User",
    ],
    [
        "Blog.Comment",
        "body:text:required",
        "post:references:Blog.Post:required",
        "reply_to:references:Blog.Comment",
        "--primary-key",
        "uuid7",
    ],
    [
        "Shop.Product",
        "name:string:required:index",
        "sku:string:unique",
        "price:decimal:required",
        "stock:integer:default=0",
        "weight:float",
        "available:boolean:default=true",
        "released_on:date",
        "launched_at:datetime",
        "ref:uuid",
        "specs:json",
        "kind:enum:physical,digital:required",
        "notes:text:private",
    ],
    ["Shop.Tag", "label:string:required", "--no-web", "--actions", "create,read"],
]


def _make_app(folder: Path, name: str, *options: str) -> Path:
    made = run_scaffold("new", name, "--yes", "--no-git", *options, cwd=folder)
    assert made.returncode == 0, made.stdout + made.stderr
    app = folder / name
    for resource in RESOURCES:
        result = run_scaffold("gen", "resource", *resource, "--yes", cwd=app)
        assert result.returncode == 0, result.stdout + result.stderr
    again = run_scaffold("gen", "resource", *RESOURCES[1], "--yes", cwd=app)
    assert again.stdout.strip() == "No changes", again.stdout
    return app


def _assert_tests_pass(app_env: AppEnvironment, app: Path, env: dict | None = None) -> None:
    result = app_env.run(app, "pytest", "-q", "-p", "no:cacheprovider", env=env, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b\d+ passed\b", result.stdout), result.stdout
    assert " failed" not in result.stdout and " error" not in result.stdout


def _assert_migrations_agree(app_env: AppEnvironment, app: Path, env: dict | None = None) -> None:
    app_env.run(app, "alembic", "upgrade", "head", env=env)
    checked = app_env.run(app, "alembic", "check", env=env, check=False)
    output = checked.stdout + checked.stderr
    assert checked.returncode == 0 and "No new upgrade operations detected" in output, output


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment) -> Path:
    made = _make_app(tmp_path_factory.mktemp("resources"), "blog_app")
    app_env.install(made)
    return made


@pytest.fixture(scope="module")
def base_url(app: Path, app_env: AppEnvironment):
    """The app served under uvicorn, on its migrated SQLite database."""
    app_env.run(app, "alembic", "upgrade", "head")
    with app_env.serve(app, "blog_app") as base:
        yield base


def test_the_apps_own_tests_pass(app_env: AppEnvironment, app: Path) -> None:
    _assert_tests_pass(app_env, app)


def test_the_app_is_ruff_clean(app_env: AppEnvironment, app: Path) -> None:
    app_env.run(app, "ruff", "check", ".")
    app_env.run(app, "ruff", "format", "--check", ".")


def test_the_migrations_agree_with_the_models(app_env: AppEnvironment, app: Path) -> None:
    _assert_migrations_agree(app_env, app)


# Names a user expects to work ------------------------------------------------------------------

# Side by side in one app: models called like what the generated modules import (Session,
# Response, Request, Query, Form, Field, Date), rows called like the app's own things (`request`,
# `session`, `client`, `date`, `sequence`), references to them, and domains called like the
# locals of the generated code used to be (Data, Search, Stats, Events).
COMMON_NAMES = [
    ["Shop.Item", "name:string:required", "price:decimal"],
    ["Tracking.Session", "label:string", "started_at:datetime"],
    ["Events.Response", "body:text:required"],
    ["Support.Request", "subject:string:required", "response:references:Events.Response"],
    ["Events.Date", "day:date:required", "note:text"],
    ["Shop.Form", "title:string:required"],
    [
        "Shop.Order",
        "number:string:required:unique",
        "item:references:Shop.Item:required",
        "session:references:Tracking.Session",
        "request:references:Support.Request",
        "form:references:Shop.Form",
        "date:references:Events.Date",
        "status:enum:open,paid:default=open",
    ],
    ["Blog.Link", "url:string:required"],
    ["Blog.Field", "label:string:required", "form:references:Shop.Form"],
    ["Blog.Context", "label:string"],
    ["Blog.Status", "label:string", "--primary-key", "int"],
    ["Polls.Choice", "label:string:required", "--primary-key", "int"],
    ["Cms.Page", "title:string:required", "parent:references:Cms.Page"],
    ["Search.Query", "terms:string:required", "--primary-key", "uuid7"],
    ["Billing.Limit", "amount:integer:required"],
    ["Stats.Count", "amount:integer"],
    ["Data.Total", "amount:float", "counted_on:date"],
    ["Catalog.Name", "label:string:required:unique"],
    ["Ops.Error", "message:text"],
    ["Mail.Template", "subject:string", "body:text"],
    ["Lab.Sequence", "code:string:unique", "started_on:date"],
    ["Net.Client", "host:string:required"],
    ["Net.Router", "host:string", "client:references:Net.Client:required"],
    ["Shop.Offset", "amount:integer"],
    ["Survey.Value", "amount:decimal"],
    # Phoenix's and Ash's habit: the domain named as the resource's plural.
    ["Notes.Note", "title:string", "body:text"],
    # Names whose digits isort orders by value (thing2 before thing10).
    ["Catalog.Thing2", "label:string"],
    ["Catalog.Thing10", "label:string"],
    ["Shop.Basket", "a:references:Catalog.Thing2", "b:references:Catalog.Thing10"],
    # Attributes named like the types the model imports, the locals, fixtures and template
    # variables of the generated code; and two references to one model.
    [
        "Events.Meeting",
        "date:date:required",
        "dt:date",
        "datetime:datetime",
        "uuid:uuid",
        "type:string",
        "session:string",
        "request:string",
        "values:text",
        "errors:string",
        "value:integer",
        "client:string",
        "n:integer",
        "enum:string",
        "orm:string",
        "cls:string",
        "next:string",
        "host:references:Net.Client:required",
        "guest:references:Net.Client",
    ],
]


@pytest.fixture(scope="module")
def names_app(tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment) -> Path:
    folder = tmp_path_factory.mktemp("names")
    made = run_scaffold("new", "names_app", "--yes", "--no-git", cwd=folder)
    assert made.returncode == 0, made.stdout + made.stderr
    app = folder / "names_app"
    for resource in COMMON_NAMES:
        result = run_scaffold("gen", "resource", *resource, "--yes", cwd=app)
        assert result.returncode == 0, result.stdout + result.stderr
    app_env.install(app)
    return app


def test_common_names_work_together(app_env: AppEnvironment, names_app: Path) -> None:
    _assert_tests_pass(app_env, names_app)
    app_env.run(names_app, "ruff", "check", ".")
    app_env.run(names_app, "ruff", "format", "--check", ".")
    _assert_migrations_agree(app_env, names_app)


# The JSON API over HTTP ------------------------------------------------------------------------


def _call(method: str, url: str, body: dict | None = None) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode() or "null")


def test_the_json_api_over_http(base_url: str) -> None:
    status, user = _call("POST", f"{base_url}/api/users", {"email": "ada@example.com"})
    assert status == 201 and isinstance(user, dict) and isinstance(user["id"], int)
    new_post = {"title": "Over HTTP", "status": "published", "author_id": user["id"]}
    status, post = _call("POST", f"{base_url}/api/posts", new_post)
    assert status == 201 and isinstance(post, dict), post
    url = f"{base_url}/api/posts/{post['id']}"

    assert _call("POST", f"{base_url}/api/posts", new_post)[0] == 409  # the title is unique
    assert _call("POST", f"{base_url}/api/posts", {"status": "published"})[0] == 422
    status, page = _call("GET", f"{base_url}/api/posts?limit=10")
    assert status == 200 and isinstance(page, dict)
    assert page["total"] >= 1 and post["id"] in [item["id"] for item in page["items"]]
    status, shown = _call("GET", url)
    assert status == 200 and isinstance(shown, dict) and shown["author_id"] == user["id"]
    status, changed = _call("PATCH", url, {"title": "Changed over HTTP"})
    assert status == 200 and isinstance(changed, dict) and changed["title"] == "Changed over HTTP"
    assert _call("PATCH", url, {"title": None})[0] == 422
    assert _call("DELETE", url) == (204, None)
    assert _call("GET", url)[0] == 404
    status, openapi = _call("GET", f"{base_url}/openapi.json")
    assert status == 200 and isinstance(openapi, dict)
    assert {"/api/posts", "/api/posts/{post_id}", "/api/tags"} <= set(openapi["paths"])
    assert not any(path.startswith("/posts") for path in openapi["paths"])


# The pages in a browser ------------------------------------------------------------------------


def test_a_person_manages_posts_in_a_browser(app: Path, base_url: str, browser) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{base_url}/")
        page.click("nav >> text=Posts")
        page.click("text=New post")

        page.fill("#body", "Typed before the mistake.")
        page.click("button[type=submit]")
        assert page.locator("#title-error").inner_text() == "This field is required."
        assert page.locator("#title").get_attribute("aria-invalid") == "true"
        assert page.locator("#body").input_value() == "Typed before the mistake."
        page.screenshot(path=str(app / "post_invalid.png"), full_page=True)

        page.fill("#title", "From the browser")
        page.select_option("#status", "published")
        page.check("#featured")
        page.click("button[type=submit]")
        assert "Post created." in page.locator(".flash").inner_text()
        assert page.locator("h1").inner_text() == "From the browser"
        page.screenshot(path=str(app / "post_show.png"), full_page=True)

        page.goto(f"{base_url}/posts")
        row = page.locator("tr", has_text="From the browser")
        assert row.count() == 1 and "Published" in row.inner_text()
        page.screenshot(path=str(app / "posts_index.png"), full_page=True)

        row.locator("text=Edit").click()
        assert page.locator("#featured").is_checked()
        page.fill("#title", "Edited in the browser")
        page.click("button[type=submit]")
        assert "Post updated." in page.locator(".flash").inner_text()
        assert page.locator("h1").inner_text() == "Edited in the browser"

        page.click("a.button-danger")
        assert page.locator("h1").inner_text() == "Delete this post?"
        page.screenshot(path=str(app / "post_delete.png"), full_page=True)
        page.click("button.button-danger")
        assert "Post deleted." in page.locator(".flash").inner_text()
        assert page.url.endswith("/posts")
        assert page.locator("tr", has_text="Edited in the browser").count() == 0
    finally:
        page.close()


# PostgreSQL --------------------------------------------------------------------------------------


def test_on_postgres_the_tests_pass_and_the_migrations_agree(
    tmp_path_factory: pytest.TempPathFactory, app_env: AppEnvironment, postgres: str
) -> None:
    app = _make_app(tmp_path_factory.mktemp("resources-pg"), "pg_blog", "--db", "postgres")
    app_env.install(app)

    test_url = fresh_database(app_env, app, postgres, "pg_blog_test")
    _assert_tests_pass(app_env, app, env={"TEST_DATABASE_URL": test_url})
    migrate_url = fresh_database(app_env, app, postgres, "pg_blog_migrate")
    _assert_migrations_agree(app_env, app, env={"DATABASE_URL": migrate_url})
    app_env.run(app, "alembic", "downgrade", "base", env={"DATABASE_URL": migrate_url})
    app_env.run(app, "ruff", "check", ".")
