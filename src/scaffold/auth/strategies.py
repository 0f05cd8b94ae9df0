"""The strategies, and what each adds to the app: the files it renders and the functions it
exports from the accounts domain. What every strategy needs is the `core`."""

from __future__ import annotations

from collections.abc import Collection

from scaffold.rendering import render_tree

STRATEGIES = ("password", "magic_link")

# The accounts domain's interface: module (under APP.accounts) -> names it exports.
CORE_EXPORTS = {
    "user": ["User", "get_user_by_email", "parse_email"],
    "user_token": ["UserToken"],
    "scope": ["Scope"],
    "errors": ["EmailTaken", "InvalidFields"],
    "registration": ["register_user", "deliver_already_registered_notice"],
    "sessions": [
        "generate_user_session_token",
        "get_user_by_session_token",
        "delete_user_session_token",
        "sudo_mode",
    ],
    "email_changes": ["deliver_user_update_email_instructions", "update_user_email"],
    "api_token": [
        "ApiToken",
        "create_api_token",
        "list_api_tokens",
        "revoke_api_token",
        "get_user_by_api_token",
    ],
    "roles": ["transfer_ownership"],
}
EXPORTS = {
    "password": {
        "passwords": [
            "get_user_by_email_and_password",
            "update_user_password",
            "deliver_user_reset_password_instructions",
            "get_user_by_reset_password_token",
            "reset_user_password",
        ],
        "confirmation": [
            "deliver_user_confirmation_instructions",
            "get_user_by_confirmation_token",
            "confirm_user",
        ],
    },
    "magic_link": {
        "magic_links": ["deliver_login_instructions", "signs_up", "login_user_by_magic_link"]
    },
}


def ordered(strategies: Collection[str]) -> list[str]:
    """`strategies` in their canonical order (as recorded in pyproject.toml)."""
    return [name for name in STRATEGIES if name in strategies]


def render_files(app: str, strategies: Collection[str]) -> dict[str, str]:
    """Every file auth generates for `strategies`, by its path in the app.

    Files of the core that differ by strategy (the log-in page, registration) are rendered for
    the whole set; each strategy's own files come from its folder.
    """
    flags = {name: name in strategies for name in STRATEGIES}
    files = render_tree("auth/core", app, **flags)
    for name in ordered(strategies):
        files.update(render_tree(f"auth/{name}", app, **flags))
    return files
