"""`auth`: user accounts, by password, by emailed link (magic link), or both.

The app gets an `accounts` domain (users, tokens, the functions pages call), pages under
/users, sessions with "remember me", guards for routes, rate limits, email through the mailer,
tests for every flow, and the migration for its tables.

The strategies installed are recorded in `[tool.scaffold] auth_strategies`. Running again with
another strategy adds just what that one needs: the files the generator now renders
differently are updated where the user has not edited them (see scaffold.rendering.stage_tree).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scaffold import Option, Project, installer, migrations
from scaffold.auth import migration
from scaffold.auth.strategies import STRATEGIES, ordered, render_files
from scaffold.auth.wiring import user_scope, wire_core, wire_strategy
from scaffold.rendering import stage_tree
from scaffold.wiring import app_resources, model_path

CONFIG_KEY = "auth_strategies"


@installer(
    "auth",
    summary="User accounts: register, log in by password and/or emailed link, settings.",
    options=[
        Option(
            "strategy",
            default=list(STRATEGIES),
            multiple=True,
            choices=STRATEGIES,
            help="How people log in.",
        )
    ],
)
def auth(project: Project, options: Mapping[str, Any]) -> None:
    app = project.app
    installed = _installed(project)
    if installed is None or not _current(project, installed):
        return
    wanted = ordered({*installed, *options["strategy"]})
    scoped_before = "user" in project.config().get("scopes", {})
    project.compose("domain", name="Accounts")
    project.compose("mailer")
    old = render_files(app, installed) if installed else {}
    stage_tree(project, render_files(app, wanted), old)
    if not installed:
        migrations.add_revision(project, migration.MESSAGE, migration.UPGRADE, migration.DOWNGRADE)
    wire_core(project, app)
    for strategy in wanted:
        wire_strategy(project, app, strategy)
    project.set_config(CONFIG_KEY, wanted)
    if project.config().get("admin"):
        project.compose("admin_guard")  # with auth, the admin lets in signed-in admins only
    if project.config().get("jobs"):
        project.compose("jobs_auth")  # with jobs, the account pages' emails go through them
    added = [name for name in wanted if name not in installed]
    project.notice(_next_steps(app, wanted, added, first=not installed))
    if not scoped_before:
        _name_public_resources(project)


def _name_public_resources(project: Project) -> None:
    """Resources made before auth stay public; say which, and how to scope one."""
    found = app_resources(project)
    owned = f"{user_scope(project.app)['column']}: Mapped["
    public = [
        name
        for name in (found[0] if found else [])
        if name.domain != "Accounts"
        and owned not in (project.read(model_path(project.app, name)) or "")
    ]
    if not public:
        return
    names = ", ".join(str(name) for name in public)
    project.notice(
        f"\nThese resources stay public (anyone may read and change their rows): {names}. "
        "To make one belong to its users, generate it again, with the attributes it was made "
        f"with: scaffold gen resource {public[0]} ATTRIBUTES --scope user --force [--owner "
        "EMAIL]. Its files are made anew (edits to them are lost), and a migration adds its "
        "owner column; --owner gives the rows it has to that user."
    )


def _current(project: Project, installed: list[str]) -> bool:
    """Whether the auth installed (if any) has what this release's files build on. Auth made by
    an earlier scaffold has no API tokens, roles or scopes, which every file rendered now uses
    (a strategy added, a page): an issue says so, and nothing is written."""
    marker = f"src/{project.app}/accounts/api_token.py"
    if not installed or project.exists(marker):
        return True
    project.issue(
        f"This app's auth was installed by an earlier scaffold: it has no {marker}. This "
        "scaffold's auth files build on API tokens, roles and scopes, which it cannot add to "
        "the earlier files yet, so it leaves them as they are (nothing was written). Resources "
        "stay public in this app (gen resource works as before); to add a strategy, use the "
        "scaffold that installed auth."
    )
    return False


def _installed(project: Project) -> list[str] | None:
    """The strategies installed before (none yet: []); None, with an issue, if unreadable."""
    value = project.config().get(CONFIG_KEY, [])
    if isinstance(value, list) and all(item in STRATEGIES for item in value):
        return ordered(value)
    allowed = ", ".join(f'"{name}"' for name in STRATEGIES)
    project.issue(
        f"pyproject.toml: [tool.scaffold] {CONFIG_KEY} should list the installed strategies, "
        f"among {allowed}; it is {value!r}. Fix it by hand, then run the command again."
    )
    return None


def _next_steps(app: str, strategies: list[str], added: list[str], first: bool) -> str:
    """What to do after the write: install, migrate, try it; and what production needs."""
    names = " and ".join(added or strategies).replace("_", " ")
    lines = [f"\nLog-in by {names} is ready. Next:"]
    if first or "password" in added:
        lines.append('  pip install -e ".[dev]"     (new dependencies)')
    if first:
        lines.append(
            "  alembic upgrade head         (tables users, user_tokens, rate_limit_counters, "
            "mailbox_messages)"
        )
    lines += [
        f"  uvicorn --factory {app}.main:create_app --reload, then open /users/register; "
        "in development, sent emails appear at /dev/mailbox.",
        "Guard a page with `dependencies=[Depends(require_authenticated_user)]` from "
        f"{app}.web.user_auth; templates see `current_scope`.",
        "Before production (APP_ENV=prod, which the app also takes itself for without APP_ENV):",
        "  - SECRET_KEY: 32 random bytes or more; it signs the session and remember-me cookies.",
        "  - SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, MAIL_FROM: the app does not "
        "start in prod without SMTP_HOST.",
        "  - APP_URL=https://your.domain (prod does not start without it): links in emails are "
        "built from it, never from the Host header of a request.",
        "  - HTTPS only: in prod the cookies are Secure and responses send HSTS; terminate TLS "
        "in front of the app.",
        "  - Behind a proxy or load balancer, run uvicorn with --proxy-headers "
        "--forwarded-allow-ips=<its address>, so rate limits see each client's address.",
        "  - RATE_LIMIT_URL=redis://... keeps rate-limit counters in Redis "
        '(pip install -e ".[redis]").',
    ]
    return "\n".join(lines)
