"""Debian's Chromium as the book drives it headless: for handouts and for the browser tests.

Never a downloaded browser: Playwright is pointed at the system package, with the flags
that keep it from reaching the network on its own (updates, sync, first-run checks).
"""

import os

# COMPANION_CHROMIUM names another executable; a missing one makes the browser tests skip
# (`COMPANION_CHROMIUM=/nonexistent make test-fast` shows the fast tier needs no browser).
CHROMIUM = os.environ.get("COMPANION_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_version(executable: str = CHROMIUM) -> str:
    """``chromium --version``, without the wrapper script's stray shell message."""
    import subprocess

    try:
        out = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unavailable ({error})"
    return next((line.strip() for line in out.splitlines() if line.startswith("Chromium")), out.strip())
