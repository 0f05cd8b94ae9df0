"""The edits that wire auth into the app's own files: the app factory, the router, templating,
the layout, the stylesheet, settings, models, the accounts interface and `.env.example`.

Each is idempotent, so every run makes them all: a strategy added later adds only its own.
"""

from __future__ import annotations

from scaffold import Project
from scaffold.auth.strategies import CORE_EXPORTS, EXPORTS
from scaffold.patchers.python import (
    EnsureFunction,
    EnsureImport,
    EnsureKeywordArgument,
    EnsureModuleStatement,
    EnsureStatement,
)
from scaffold.patchers.toml import ensure_tool_table
from scaffold.wiring import (
    domain_package,
    ensure_env_block,
    ensure_exports,
    ensure_factories,
    ensure_section,
    ensure_settings,
)

ACCOUNT_MARKER = "{# scaffold:account #}"

ACCOUNT = """\
{% if current_scope %}
<a class="account-email" href="/users/settings">{{ current_scope.user.email }}</a>
<form method="post" action="/users/log-out">
  {{ csrf_input(request) }}
  <button type="submit" class="button-secondary">Log out</button>
</form>
{% else %}
<a href="/users/register">Register</a>
<a class="button" href="/users/log-in">Log in</a>
{% endif %}
"""

STYLESHEET = "web/static/app.css"
STYLES_MARKER = "/* Account pages (scaffold install auth) */"
STYLES = f"""\
{STYLES_MARKER}

.auth,
main:has(> .auth) > .flash {{
  max-width: 28rem;
  margin-inline: auto;
}}

.auth h1 + .lead {{
  margin-bottom: 1.5rem;
}}

.auth form {{
  margin-bottom: 1rem;
}}

.auth form button {{
  justify-content: center;
  width: 100%;
}}

.auth .flash {{
  margin-bottom: 1.5rem;
}}

.hint {{
  margin: 0.375rem 0 0;
  color: var(--muted);
  font-size: 0.875rem;
}}

.auth .fine-print {{
  margin: 1rem 0 0;
  color: var(--muted);
  font-size: 0.875rem;
  text-align: center;
}}

.divider {{
  display: flex;
  align-items: center;
  gap: 0.75rem;
  margin: 1.25rem 0;
  color: var(--muted);
  font-size: 0.875rem;
}}

.divider::before,
.divider::after {{
  content: "";
  flex: 1;
  border-top: 1px solid var(--border);
}}

label.checkbox {{
  display: flex;
  align-items: center;
  gap: 0.5rem;
  margin-bottom: 1.25rem;
  font-weight: 400;
}}

.account > a:not(.button) {{
  color: var(--muted);
  font-weight: 500;
  text-decoration: none;
}}

.account > a:not(.button):hover,
.account > a.account-email {{
  color: var(--text);
}}

.settings-section + .settings-section {{
  margin-top: 1.5rem;
}}

.settings-section h2 {{
  margin-bottom: 1rem;
}}

.mailbox {{
  display: grid;
  gap: 1rem;
  margin: 0;
  padding: 0;
  list-style: none;
}}

.mailbox pre {{
  white-space: pre-wrap;
  word-break: break-word;
}}

.api-token {{
  white-space: pre-wrap;
  word-break: break-all;
}}

.tokens {{
  display: grid;
  gap: 1rem;
  margin: 0;
  padding: 0;
  list-style: none;
}}

.tokens form {{
  margin: 0.5rem 0 0;
}}
"""

RATE_LIMIT_SETTING = """
# Where rate-limit counters live: the database, unless this names a Redis server
# (redis://host:6379/0, with the `redis` extra installed). Every worker must share them.
rate_limit_url: str | None = None
"""

RATE_LIMIT_ENV = """\
# Rate-limit counters live in the database; point them at Redis instead with:
# RATE_LIMIT_URL=redis://localhost:6379/0
"""

# What create_app imports: (module under the app's package, name).
MAIN = (
    ("rate_limits", "make_rate_limiter"),
    ("web.log_redaction", "redact_tokens_in_access_log"),
    ("web.redirects", "Redirect"),
    ("web.redirects", "follow_redirect"),
    ("web.user_auth", "CurrentScopeMiddleware"),
)

MAKE_USER = '''
def make_user(session: orm.Session, **overrides: Any) -> User:
    """A saved user with a unique, confirmed address and no password (it logs in by link; set
    `hashed_password` for one); `overrides` replace these values."""
    values: dict[str, Any] = {
        "email": f"user{next(sequence)}@example.com",
        "confirmed_at": utcnow(),
    }
    user = User(**(values | overrides))
    session.add(user)
    session.commit()
    return user
'''

SCOPE_CONTEXT = '''
def current_scope_context(request: Request) -> dict[str, Any]:
    """`current_scope` in every template: the signed-in user's scope, or None."""
    # Set for each request by web.user_auth.CurrentScopeMiddleware.
    return {"current_scope": getattr(request.state, "current_scope", None)}
'''


def wire_core(project: Project, app: str) -> None:
    """What every strategy needs: sessions, guards, pages, rate limits, the layout's corner."""
    first_party = frozenset({app})
    # Addresses are checked and written one way by email-validator (accounts/user.py).
    project.add_dependency("email-validator>=2.1")
    project.add_dependency("redis>=5", extra="redis")
    project.add_dependency("redis>=5", extra="dev")  # so the tests can use a Redis server
    ensure_exports(project, domain_package(project, "Accounts"), _interface(app, CORE_EXPORTS))
    ensure_exports(
        project,
        f"src/{app}/models.py",
        {
            f"{app}.accounts.user": ["User"],
            f"{app}.accounts.user_token": ["UserToken"],
            f"{app}.accounts.api_token": ["ApiToken"],
            f"{app}.rate_limits.database": ["RateLimitCounter"],
        },
    )
    ensure_settings(project, app, [("rate_limit_url", RATE_LIMIT_SETTING)])
    if "health_checks" not in (project.read(f"src/{app}/main.py") or "health_checks"):
        project.warn(
            f"src/{app}/main.py: its health() does not read app.state.health_checks (an app "
            "made by an older scaffold), so /health will not report the rate-limit counters' "
            "store. The health() of a new app (`scaffold new`) shows the change to make."
        )
    project.patch_python(
        f"src/{app}/main.py",
        *(EnsureImport(f"{app}.{module}", name, first_party=first_party) for module, name in MAIN),
        EnsureStatement(
            "create_app",
            "app.state.rate_limiter = "
            "make_rate_limiter(settings.rate_limit_url, app.state.session_factory)",
            before="app.add_middleware(",
        ),
        # /health reports the counters' store (apps made before health checks get the dict).
        EnsureStatement("create_app", "app.state.health_checks = {}", before="app.state.rate_"),
        EnsureStatement(
            "create_app",
            'app.state.health_checks["rate_limits"] = app.state.rate_limiter.reachable',
            before="app.add_middleware(",
        ),
        EnsureStatement(
            "create_app",
            """
            # Added first, so it runs inside the session middleware (the last added runs first):
            # it reads the session cookie to put the signed-in user on every request.
            app.add_middleware(CurrentScopeMiddleware)
            """,
            before="app.add_middleware(",
        ),
        # A browser-session cookie: only "remember me" keeps people logged in after the browser
        # closes (web/user_auth.py).
        EnsureKeywordArgument(
            "app.add_middleware",
            "max_age",
            "None",
            function="create_app",
            first_argument="SessionMiddleware",
        ),
        EnsureStatement("create_app", "app.add_exception_handler(Redirect, follow_redirect)"),
        EnsureStatement("create_app", "redact_tokens_in_access_log()"),
    )
    project.patch_python(
        f"src/{app}/web/router.py",
        EnsureImport(f"{app}.web", "users", first_party=first_party),
        EnsureModuleStatement("router.include_router(users.router)"),
    )
    project.patch_python(
        f"src/{app}/web/templating.py",
        EnsureImport("typing", "Any"),
        EnsureFunction("current_scope_context", SCOPE_CONTEXT),
        EnsureModuleStatement("templates.context_processors.append(current_scope_context)"),
    )
    project.insert_at_marker(f"src/{app}/web/templates/layout.html", ACCOUNT_MARKER, ACCOUNT)
    _ensure_user_factory(project, app)
    ensure_section(project, f"src/{app}/{STYLESHEET}", STYLES_MARKER, STYLES)
    ensure_env_block(project, "RATE_LIMIT_URL", RATE_LIMIT_ENV)
    project.update_file(
        "pyproject.toml", lambda text: ensure_tool_table(text, ("scopes", "user"), user_scope(app))
    )
    ensure_section(project, "README.md", README_HEADING, README.replace("{app}", app))


def user_scope(app: str) -> dict[str, object]:
    """The `user` scope, as [tool.scaffold.scopes.user] declares it for the generators: a
    resource's rows belong to the signed-in user (see scaffold.resources.scopes)."""
    return {
        "default": True,
        "owner": "Accounts.User",
        "column": "user_id",
        "owner_id": "scope.user.id",
        "scope": f"{app}.accounts.scope:Scope",
        "page_scope": f"{app}.web.user_auth:AuthenticatedScope",
        "api_scope": f"{app}.web.api_auth:ApiScope",
        "tests": "tests.accounts.scopes",
    }


def wire_strategy(project: Project, app: str, strategy: str) -> None:
    """What one strategy adds to the files it shares with the others."""
    ensure_exports(project, domain_package(project, "Accounts"), _interface(app, EXPORTS[strategy]))
    if strategy == "password":
        project.add_dependency("argon2-cffi>=23.1")
        project.patch_python(
            f"src/{app}/main.py",
            EnsureImport(
                f"{app}.accounts.password_hashing",
                "configure_password_hashing",
                first_party=frozenset({app}),
            ),
            EnsureStatement("create_app", "configure_password_hashing(settings.app_env)"),
        )


def _interface(app: str, exports: dict[str, list[str]]) -> dict[str, list[str]]:
    return {f"{app}.accounts.{module}": names for module, names in exports.items()}


def _ensure_user_factory(project: Project, app: str) -> None:
    """`make_user` among the test factories, for the tests of resources that reference
    Accounts.User (`gen resource Blog.Post author:references:Accounts.User`)."""
    first_party = frozenset({app})
    project.patch_python(
        ensure_factories(project, "Accounts"),
        EnsureImport("typing", "Any"),
        EnsureImport("sqlalchemy", "orm"),
        EnsureImport(f"{app}.accounts.user", "User", first_party=first_party),
        EnsureImport(f"{app}.db", "utcnow", first_party=first_party),
        EnsureFunction("make_user", MAKE_USER),
    )


README_HEADING = "## Accounts"
README = f"""\
{README_HEADING}

People register, log in and change their settings under /users (see `src/{{app}}/accounts/`
and `src/{{app}}/web/users/`); in development, sent emails appear at /dev/mailbox.

- Resources generated from now on belong to the signed-in user (`scaffold gen resource ...
  --scope none` makes a public one): each user sees and changes their own rows only, and
  visitors are sent to log in. The first person to register owns the app, as an admin.
- The JSON API takes a personal API token, made at /users/settings/api-tokens and sent as
  `Authorization: Bearer <token>`, or the session cookie with the CSRF token in an
  `X-CSRF-Token` header. Without either it answers 401; /docs has an "Authorize" button.
"""
