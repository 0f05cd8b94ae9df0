"""A real browser: Debian's Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import os
import shutil

import pytest

# Chromium's background services would try the network, which is closed here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Chromium's executable; the test is skipped without one, unless CI requires it."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "Chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("SCAFFOLD_REQUIRE_BROWSER"):
            pytest.fail(message + "; SCAFFOLD_REQUIRE_BROWSER is set")
        pytest.skip(message)
    return found


def watch_for_errors(page) -> list[str]:
    """The errors `page` will report from now on: console errors, and every content security
    policy violation (each also reaches the console, but this names what was blocked)."""
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => console.error("
        "`CSP blocked ${e.blockedURI} (${e.violatedDirective}) on ${e.documentURI}`))"
    )
    return errors
