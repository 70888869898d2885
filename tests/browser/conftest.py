"""A real ``mirae serve`` on 127.0.0.1 (and one on 127.0.0.2 that needs tokens) and Debian's Chromium.

Browser tests drive the workbench as a person does, through Python
Playwright and the system's ``/usr/bin/chromium`` (never ``playwright
install``: it downloads a browser). Screenshots go to ``MIRAE_SCREENSHOTS``
(the docs' are made with ``MIRAE_SCREENSHOTS=docs/screenshots``), else to the
test's temporary folder, as artifacts.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("MIRAE_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def _mirae() -> list[str]:
    script = Path(sys.executable).with_name("mirae")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from mirae.cli import main; main()"]


class Server:
    """One ``mirae serve`` process and its address."""

    def __init__(self, workspace: Path, host: str) -> None:
        self.host, self.port = host, _free_port(host)
        self.url = f"http://{host}:{self.port}"
        env = {**os.environ, "MIRAE_LANG": "en", "PYTHONUNBUFFERED": "1"}
        self.log = workspace.parent / f"serve-{host}.log"
        self._out = self.log.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [*_mirae(), "serve", "--workspace", str(workspace), "--host", host, "--port", str(self.port),
             "--workers", "1"],
            stdout=self._out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._out.close()
                pytest.fail(f"mirae serve ended: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/health", timeout=2) as answer:  # noqa: S310 - loopback
                    if answer.status in (200, 401):
                        return
            except urllib.error.HTTPError as exc:
                if exc.code == 401:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        pytest.fail(f"mirae serve did not answer: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._out.close()


@pytest.fixture(scope="session")
def workbench_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workbench") / "ws"


@pytest.fixture(scope="session")
def local_server(workbench_workspace: Path) -> Iterator[Server]:
    workbench_workspace.mkdir(parents=True, exist_ok=True)
    server = Server(workbench_workspace, "127.0.0.1")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def shared_server(workbench_workspace: Path, local_server: Server) -> Iterator[Server]:
    """A server bound to another loopback address: every request needs a token."""
    server = Server(workbench_workspace, "127.0.0.2")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("MIRAE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
