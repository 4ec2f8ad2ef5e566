"""``make seminar`` serves live explorers on 127.0.0.1 that react to their controls, offline.

The test starts the real Makefile target on a free port, opens the app in Debian's
Chromium, changes a control and waits for the kernel's answer, then stops the server. Every
wait has its own limit, so a hang fails within minutes instead of stalling the suite.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from browser import PageVisit
from conftest import ROOT, make_command

SERVER_START_S = 150  # the first start after installing imports cold (about 20 s); plus `make setup`
FIRST_RENDER_MS = 90_000  # executes the whole notebook, data validation included
ROUND_TRIP_MS = 20_000
STOP_S = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class SeminarServer:
    """``make seminar`` in its own process group, with its output collected."""

    def __init__(self, port: int, build_dir: Path):
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self.output: list[str] = []
        self.process = subprocess.Popen(
            make_command("seminar", build_dir, SEMINAR_PORT=str(port)),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # one signal stops make, Voilà and its kernels
        )
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)

    @property
    def log(self) -> str:
        return "".join(self.output)

    def wait_until_serving(self, timeout: float = SERVER_START_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"make seminar exited with {self.process.returncode}:\n{self.log[-4000:]}")
            if port_open(self.port):
                return
            time.sleep(0.5)
        pytest.fail(f"make seminar did not serve on port {self.port} within {timeout} s:\n{self.log[-4000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_S)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=STOP_S)


@pytest.mark.browser
@pytest.mark.timeout(420)
def test_seminar_app_reacts_to_its_control_offline(tmp_path, chromium):
    server = SeminarServer(free_port(), tmp_path / "_build")
    try:
        server.wait_until_serving()
        assert server.url in server.log, "make seminar must print the address it serves"

        # The run's one Chromium (a second sync Playwright cannot start inside its loop).
        record = PageVisit("seminar", "desktop", "light", server.url)
        page = chromium.new_page(record=record)
        page.goto(server.url, wait_until="load", timeout=FIRST_RENDER_MS)
        # The first explorer with a dropdown (the source comparison's topic), its summary
        # line and its output: the kernel recomputes both when the dropdown changes.
        explorer = page.locator(".companion-explorer", has=page.locator(".widget-dropdown select")).first
        explorer.wait_for(state="visible", timeout=FIRST_RENDER_MS)
        control = explorer.locator(".widget-dropdown select").first
        summary = explorer.locator(".explorer-summary")
        output = explorer.locator(".widget-output").first
        summary.wait_for(state="visible", timeout=ROUND_TRIP_MS)
        before_summary = summary.inner_text(timeout=ROUND_TRIP_MS)
        before_output = output.inner_text(timeout=ROUND_TRIP_MS)
        assert before_output.strip(), "the explorer shows no result before the change"

        # ipywidgets shows spaces in option labels as no-break spaces
        current = control.evaluate("select => select.options[select.selectedIndex].text").replace("\xa0", " ")
        options = [label.replace("\xa0", " ") for label in control.locator("option").all_inner_texts()]
        choice = next(label for label in options if label != current)
        control.select_option(index=options.index(choice), timeout=ROUND_TRIP_MS)
        page.wait_for_function(
            """([box, before]) => box.querySelector('.explorer-summary')?.innerText !== before""",
            arg=[explorer.element_handle(), before_summary],
            timeout=ROUND_TRIP_MS,
        )
        page.wait_for_function(
            """([box, before]) => box.querySelector('.widget-output')?.innerText !== before""",
            arg=[explorer.element_handle(), before_output],
            timeout=ROUND_TRIP_MS,
        )
        assert summary.inner_text(timeout=ROUND_TRIP_MS) != before_summary
        assert output.inner_text(timeout=ROUND_TRIP_MS) != before_output, "the result did not follow the control"
        assert record.external_requests == [], "the seminar page asked a third-party host"
        assert record.failed_requests == []
        assert record.console_errors == []
        page.context.close()
    finally:
        server.stop()
    assert not port_open(server.port), "the server kept running after the test stopped it"
