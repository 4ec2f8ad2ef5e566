"""Debian's Chromium as the book drives it headless: for handouts and for the browser tests.

Never a downloaded browser: Playwright is pointed at the system package, with the flags
that keep it from reaching the network on its own (updates, sync, first-run checks).
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
