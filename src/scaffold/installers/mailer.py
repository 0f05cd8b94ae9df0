"""`mailer`: sending email from the app. An SMTP adapter configured from the settings, a dev
mailbox at /dev/mailbox whose messages live in the database (so every worker sees them), and
an adapter that records messages for tests."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from scaffold import Project, installer, migrations
from scaffold.patchers.python import EnsureImport, EnsureStatement
from scaffold.rendering import render_tree, stage_tree
from scaffold.wiring import ensure_env_block, ensure_exports, ensure_settings

SETTINGS = (
    (
        "smtp_host",
        """
        # Email goes out through this SMTP server (required in prod). Without one, dev keeps
        # what it sends in the database and shows it at /dev/mailbox.
        smtp_host: str | None = None
        """,
    ),
    ("smtp_port", "smtp_port: int = 587"),
    ("smtp_username", "smtp_username: str | None = None"),
    ("smtp_password", "smtp_password: SecretStr | None = None"),
    ("smtp_starttls", "smtp_starttls: bool = True"),
    ("mail_from", 'mail_from: str = "{title} <noreply@localhost>"'),
)

ENV = """\
# Email: an SMTP server (required in prod). Without SMTP_HOST, dev keeps sent emails in the
# database and shows them at /dev/mailbox.
# SMTP_HOST=smtp.example.com
# SMTP_PORT=587
# SMTP_USERNAME=
# SMTP_PASSWORD=
# SMTP_STARTTLS=true
# MAIL_FROM={title} <noreply@example.com>
"""

UPGRADE = """\
op.create_table(
    "mailbox_messages",
    sa.Column("id", sa.Uuid(), nullable=False),
    sa.Column("sent_to", sa.String(length=320), nullable=False),
    sa.Column("subject", sa.String(length=255), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_mailbox_messages")),
)
"""

DOWNGRADE = 'op.drop_table("mailbox_messages")'


@installer(
    "mailer",
    summary="Email: an SMTP adapter, a dev mailbox at /dev/mailbox, and a test adapter.",
)
def mailer(project: Project, options: Mapping[str, Any]) -> None:
    app = project.app
    package = f"src/{app}/mailer/__init__.py"
    installed = project.exists(package)
    files = render_tree("mailer", app)
    # Once installed, the files are the user's: running again leaves them as they are.
    stage_tree(project, files, files if installed else {})
    if not installed:
        migrations.add_revision(project, "Create the dev mailbox", UPGRADE, DOWNGRADE)
    _wire(project, app)


def _wire(project: Project, app: str) -> None:
    first_party = frozenset({app})
    title = _title(project, app)
    ensure_settings(project, app, [(name, code.format(title=title)) for name, code in SETTINGS])
    ensure_exports(project, f"src/{app}/models.py", {f"{app}.mailer.mailbox": ["MailboxMessage"]})
    project.patch_python(
        f"src/{app}/main.py",
        EnsureImport(f"{app}.mailer", "make_mailer", first_party=first_party),
        EnsureImport(f"{app}.web", "dev_mailbox", first_party=first_party),
        EnsureStatement(
            "create_app",
            "app.state.mailer = make_mailer(settings, app.state.session_factory)",
            before="app.add_middleware(",
        ),
        EnsureStatement(
            "create_app",
            """
            if settings.app_env == "dev":
                # Every email the app sent, with its links: never served outside development.
                app.include_router(dev_mailbox.router)
            """,
        ),
    )
    ensure_env_block(project, "SMTP_HOST", ENV.format(title=title))


def _title(project: Project, app: str) -> str:
    """The app's human name, as `scaffold new` wrote it in src/APP/__init__.py."""
    source = project.read(f"src/{app}/__init__.py") or ""
    found = re.search(r'^TITLE\s*=\s*"([^"\\]*)"', source, re.MULTILINE)
    return found[1] if found else app.replace("_", " ").title()
