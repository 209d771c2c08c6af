"""Print an HTML page to PDF with headless Chromium (Debian's ``chromium``).

Chromium runs as a child process of the request, with its own throw-away profile, no
network of its own (the page carries its styles inline and loads nothing), and a time limit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

#: Flags for a Chromium that starts fast and talks to nobody.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-dev-shm-usage", "--no-pdf-header-footer", "--hide-scrollbars",
)
TIMEOUT_SECONDS = 60


class PdfUnavailable(RuntimeError):
    """Chromium is missing, failed or took too long."""


def chromium_path() -> str | None:
    """Return the Chromium executable, if one is installed."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Render a self-contained HTML page to PDF bytes (A4, the page's print styles)."""
    executable = chromium_path()
    if executable is None:
        raise PdfUnavailable("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="participation-pdf-") as folder:
        page = os.path.join(folder, "page.html")
        output = os.path.join(folder, "page.pdf")
        with open(page, "w", encoding="utf-8") as handle:
            handle.write(html)
        command = [executable, *CHROMIUM_FLAGS, f"--user-data-dir={folder}/profile",
                   f"--print-to-pdf={output}", f"file://{page}"]
        try:
            subprocess.run(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=timeout, check=True)
        except (subprocess.TimeoutExpired, subprocess.CalledProcessError, OSError) as error:
            raise PdfUnavailable(str(error)) from error
        if not os.path.exists(output):
            raise PdfUnavailable("chromium wrote no PDF")
        with open(output, "rb") as handle:
            return handle.read()
