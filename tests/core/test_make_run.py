"""`make run` gives the app the address it serves on, so links in mails work."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def dry_run(*arguments: str, **environment: str) -> str:
    """What `make run` would execute (``make -n``), without running anything."""
    env = {k: v for k, v in os.environ.items() if k != "PUBLIC_BASE_URL"} | environment
    result = subprocess.run(["make", "-n", "run", *arguments], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


def test_make_run_on_another_port_puts_that_port_in_the_public_address():
    commands = dry_run("PORT=8000")
    assert "PUBLIC_BASE_URL=http://127.0.0.1:8000 " in commands
    assert "--port 8000" in commands


def test_make_run_keeps_a_public_address_that_is_given():
    commands = dry_run("PORT=8000", PUBLIC_BASE_URL="https://inspraak.example.org")
    assert "PUBLIC_BASE_URL=https://inspraak.example.org " in commands
