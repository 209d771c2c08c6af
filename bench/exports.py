"""The opinions export: rows per second, against PostgreSQL's own COPY, and peak memory."""

from __future__ import annotations

import threading
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg


@dataclass
class ExportResult:
    """One export measured end to end over HTTP."""

    name: str
    path: str = ""
    rows: int = 0
    bytes: int = 0
    seconds: float = 0.0
    rows_per_s: float = 0.0
    #: Highest resident memory of a gunicorn worker while the export ran, in MB.
    peak_rss_mb: float = 0.0
    #: How much that worker grew during the export, in MB.
    rss_growth_mb: float = 0.0
    ratio_to_copy: float | None = None
    status: int = 0
    skipped: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class RssSampler(threading.Thread):
    """Sample the resident memory of some processes every few milliseconds."""

    def __init__(self, pids: list[int], interval: float = 0.01):
        super().__init__(daemon=True)
        self.pids = pids
        self.interval = interval
        self.start_rss = {pid: rss_mb(pid) for pid in pids}
        self.peak = dict(self.start_rss)
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], rss_mb(pid))
            time.sleep(self.interval)

    def finish(self) -> tuple[float, float]:
        """Stop sampling; return the highest RSS and the largest growth of one process."""
        self._done.set()
        self.join()
        if not self.pids:
            return 0.0, 0.0
        peak = max(self.peak.values())
        growth = max(self.peak[pid] - self.start_rss[pid] for pid in self.pids)
        return peak, growth


def copy_baseline(conninfo: str, select: str) -> tuple[int, int, float]:
    """Time PostgreSQL's ``COPY (SELECT ...) TO STDOUT WITH CSV`` read through psycopg."""
    rows = size = 0
    started = time.perf_counter()
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
            for chunk in copy:
                size += len(chunk)
                rows += bytes(chunk).count(b"\n")
    return max(rows - 1, 0), size, time.perf_counter() - started


def measure_http(name: str, url: str, cookie: str, pids: list[int]) -> ExportResult:
    """Download an export, counting rows and bytes while sampling the workers' memory."""
    result = ExportResult(name=name, path=url)
    sampler = RssSampler(pids)
    sampler.start()
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    newlines = 0
    with urllib.request.urlopen(request, timeout=600) as response:
        result.status = response.status
        while chunk := response.read(1 << 16):
            result.bytes += len(chunk)
            newlines += chunk.count(b"\n")
    result.seconds = time.perf_counter() - started
    result.peak_rss_mb, result.rss_growth_mb = sampler.finish()
    result.rows = max(newlines - 1, 0)
    return result
