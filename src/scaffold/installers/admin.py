"""`admin`: SQLAdmin at /admin, with a view of every resource, behind a guard.

With auth installed, the guard lets in signed-in users with `is_admin` only, through the app's
own session, and the app's CLI gets `admin grant|revoke EMAIL`. Without auth, nothing could
tell an admin from anyone else: the admin is served in development only, and installing auth
later replaces that guard (the auth installer composes `admin_guard`).

Recorded in `[tool.scaffold]`: `admin = true`, and `admin_guard`, the guard the files were
made with ("auth", or "dev" for development only), so that a later run knows which generated
files it may update. What it reads: models.py (to find the resources), the files it changes
and the model files of the resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scaffold import Project, installer
from scaffold.installers.admin_view import USERS, register, stage_view
from scaffold.naming import ResourceName
from scaffold.patchers.python import EnsureDictEntry, EnsureImport, EnsureStatement
from scaffold.rendering import render_tree, stage_tree
from scaffold.wiring import app_resources

GUARD_KEY = "admin_guard"
GUARDS = ("auth", "dev")
ADMIN_COMMAND = 'Command("Grant or revoke admin rights.", rights.run, rights.add_arguments)'


@installer(
    "admin",
    summary="SQLAdmin at /admin over every resource, for signed-in admins (with auth).",
)
def admin(project: Project, options: Mapping[str, Any]) -> None:
    app = project.app
    core = render_tree("admin/core", app)
    # Once made, these files are the user's: running again leaves them as they are.
    stage_tree(project, core, core if project.config().get("admin") else {})
    # Called, not composed: auth composes `admin_guard` after this in the same run
    # (`scaffold new --install admin,auth`), and a composed installer runs once per run.
    if not stage_guard(project):
        return
    _wire(project, app)
    for name in _resources(project, app):
        stage_view(project, name)
    project.set_config("admin", True)
    project.notice(_next_steps(app, project.config()[GUARD_KEY]))


@installer(
    "admin_guard",
    summary="The admin's guard: signed-in admins with auth, else development only.",
)
def admin_guard(project: Project, options: Mapping[str, Any]) -> None:
    """The auth installer composes this one, so that the admin's guard follows auth."""
    if not project.config().get("admin"):
        project.issue(
            "The admin is not installed in this app: `scaffold install admin` installs it, "
            "with its guard."
        )
        return
    stage_guard(project)


def stage_guard(project: Project) -> bool:
    """The admin's guard as the app wants it: for signed-in admins with auth, else for
    development only; with auth, also the users' view and `admin grant|revoke` in the app's
    CLI. The auth installer runs it too (it composes `admin_guard`), so that which of the two
    comes first (in one run or two) never matters. False, with an issue, if the recorded
    guard is unreadable."""
    app = project.app
    config = project.config()
    before = config.get(GUARD_KEY)
    if before is not None and before not in GUARDS:
        project.issue(
            f'pyproject.toml: [tool.scaffold] {GUARD_KEY} should be "auth" or "dev"; it is '
            f"{before!r}. Fix it by hand, then run the command again."
        )
        return False
    guard = "auth" if config.get("auth_strategies") else "dev"
    if guard == "auth" and not project.exists(f"src/{app}/accounts/api_token.py"):
        project.issue(
            "This app's auth was installed by an earlier scaffold, without the roles (the "
            "app's owner) that this scaffold's admin files use: install the admin with the "
            "scaffold that installed auth."
        )
        return False
    old = render_tree(f"admin/{before}", app) if before else {}
    _follow(project, render_tree(f"admin/{guard}", app), old)
    if guard == "auth":
        register(project, app, "accounts_users", "UserAdmin")
        project.patch_python(
            f"src/{app}/cli.py",
            EnsureImport(f"{app}.admin", "rights", first_party=frozenset({app})),
            EnsureDictEntry("COMMANDS", '"admin"', ADMIN_COMMAND),
        )
    if before == "dev" and guard == "auth":
        project.notice(
            f"\nThe admin now lets in signed-in admins only, in every environment. Make someone "
            f"an admin with: python -m {app} admin grant EMAIL"
        )
    project.set_config(GUARD_KEY, guard)
    return True


def _follow(project: Project, new: Mapping[str, str], old: Mapping[str, str]) -> None:
    """Stage the guard's files `new`, where `old` is what the guard recorded before made them.

    A file still as `old` has it follows the guard (from "dev" to "auth"), even one staged
    earlier in this run (`scaffold new --install admin,auth`). A file edited since is the
    user's, unless the guard now makes it differently: then it is a conflict, shown and asked
    about.
    """
    for path, content in new.items():
        current, made = project.read(path), old.get(path)
        if current is None or current == content:
            project.create_file(path, content)
        elif current == made:
            project.update_file(path, lambda _, content=content: content)
        elif made != content:
            project.create_file(path, content)


def _wire(project: Project, app: str) -> None:
    project.add_dependency("sqladmin>=0.32")
    # SQLAdmin imports SQLAlchemy's asyncio support, which needs greenlet: SQLAlchemy 2.1 no
    # longer installs it.
    project.add_dependency("greenlet>=3")
    project.patch_python(
        f"src/{app}/main.py",
        EnsureImport(f"{app}.admin", "mount_admin", first_party=frozenset({app})),
        EnsureStatement(
            "create_app",
            """
            # The admin at /admin: admin/guard.py says who may use it, and where it is served.
            mount_admin(app)
            """,
        ),
    )


def _resources(project: Project, app: str) -> list[ResourceName]:
    """The resources, each with its model file (see scaffold.wiring.app_resources)."""
    found = app_resources(project)
    if found is None:
        return []
    resources, others = found
    if others:
        project.warn(
            f"No admin view for {', '.join(others)}: scaffold finds a resource's model in "
            f"src/{app}/<domain>/<model>.py. Add a ModelView for it in src/{app}/admin/, and "
            f"to VIEWS in src/{app}/admin/__init__.py."
        )
    auth = project.config().get("auth_strategies")
    return [name for name in resources if name != USERS or not auth]


def _next_steps(app: str, guard: str) -> str:
    lines = [
        "\nThe admin is ready at /admin. Next:",
        '  pip install -e ".[dev]"     (new dependencies: sqladmin, greenlet)',
    ]
    if guard == "auth":
        lines += [
            f"  python -m {app} admin grant EMAIL     (make a registered user an admin)",
            "Only signed-in admins get in: visitors are sent to log in, other users get a 403.",
        ]
    else:
        lines += [
            "The app has no log-in, so nothing could keep anyone out of the admin: it is "
            "served in development only (APP_ENV=dev), never in test or prod.",
            "`scaffold install auth` adds log-in, and lets in signed-in admins only, "
            "in every environment.",
        ]
    lines.append("New resources get their view; `scaffold gen resource ... --no-admin` skips it.")
    return "\n".join(lines)
