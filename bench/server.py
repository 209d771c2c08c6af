"""Start and stop gunicorn serving the platform or the bare Flask app on 127.0.0.1."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """Ask the kernel for a free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServerSettings:
    """The gunicorn settings shared by the platform and the hello app."""

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    worker_class: str = "sync"
    threads: int = 1
    keep_alive: int = 5

    def describe(self) -> str:
        threads = f" x {self.threads} threads" if self.worker_class == "gthread" else ""
        return f"gunicorn {self.workers} {self.worker_class} workers{threads}"

    def args(self) -> list[str]:
        args = ["--workers", str(self.workers), "--worker-class", self.worker_class,
                "--keep-alive", str(self.keep_alive), "--backlog", "2048",
                "--log-level", "warning", "--timeout", "120"]
        if self.worker_class == "gthread":
            args += ["--threads", str(self.threads)]
        return args


def app_environment(database_url: str) -> dict[str, str]:
    """The platform's environment for the benchmark: production, no rate limits, no mail."""
    env = dict(os.environ)
    env.update({
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SESSION_COOKIE_SECURE": "true",
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "false",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
    })
    return env


class Server:
    """One gunicorn master process with its workers."""

    def __init__(self, app_spec: str, settings: ServerSettings, env: dict[str, str] | None = None,
                 probe: str = "/"):
        self.app_spec = app_spec
        self.settings = settings
        self.env = env or dict(os.environ)
        self.probe = probe
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 60) -> None:
        """Start gunicorn and wait until it answers the probe URL."""
        command = [sys.executable, "-m", "gunicorn", *self.settings.args(),
                   "--bind", f"127.0.0.1:{self.port}", "--chdir", str(ROOT), self.app_spec]
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.base_url + self.probe, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer {self.probe} within {timeout} s")

    def worker_pids(self) -> list[int]:
        """Process ids of the gunicorn workers (children of the master)."""
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        """Stop gunicorn gracefully, then firmly."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
