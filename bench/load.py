"""Drive a URL with a fixed number of connections for a fixed time; report req/s and latency.

``wrk`` (Debian package ``wrk``) runs in its own process; when it is missing and cannot be
installed, a small asyncio client on aiohttp does the same job (slower: it uses a core of
the machine in Python, so its ceiling is lower and the table says which was used).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass


@dataclass
class LoadResult:
    """What one load run measured."""

    url: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int
    tool: str

    def as_dict(self) -> dict:
        return asdict(self)


def find_wrk(install: bool = True) -> str | None:
    """Return the path of wrk, installing the Debian package when possible."""
    path = shutil.which("wrk")
    if path or not install:
        return path
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True,
                       check=False)
        path = shutil.which("wrk")
    return path


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"cannot read latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str, url: str, seconds: float) -> LoadResult:
    """Read requests/s, percentiles and errors from ``wrk --latency`` output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    errors = 0
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        connect, _read, write, timeout = (int(x) for x in socket_errors.groups())
        # Reads that end because the server closed a kept-alive connection are not errors.
        errors = connect + write + timeout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return LoadResult(
        url=url, requests=requests, seconds=seconds, rps=rps,
        p50_ms=_ms(percentiles["50"]), p99_ms=_ms(percentiles["99"]), errors=errors,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0, tool="wrk",
    )


def run_wrk(wrk: str, url: str, connections: int, seconds: float, threads: int = 1,
            headers: dict[str, str] | None = None) -> LoadResult:
    """Run wrk against one URL."""
    seconds = max(int(round(seconds)), 1)  # wrk takes whole seconds
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
               "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout, url, seconds)


async def _drive(url: str, connections: int, seconds: float,
                 headers: dict[str, str] | None) -> tuple[list[float], int, int, float]:
    import aiohttp

    latencies: list[float] = []
    errors = non_2xx = 0
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def worker() -> None:
            nonlocal errors, non_2xx
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                try:
                    async with session.get(url, allow_redirects=False) as response:
                        await response.read()
                        if response.status >= 400:
                            non_2xx += 1
                except aiohttp.ClientError:
                    errors += 1
                    continue
                latencies.append((time.perf_counter() - began) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    return latencies, errors, non_2xx, elapsed


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of a list of numbers."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(int(round(p / 100 * len(ordered) + 0.5)) - 1, 0)
    return ordered[min(rank, len(ordered) - 1)]


def run_aiohttp(url: str, connections: int, seconds: float,
                headers: dict[str, str] | None = None) -> LoadResult:
    """The fallback load generator: asyncio tasks on one aiohttp session."""
    latencies, errors, non_2xx, elapsed = asyncio.run(_drive(url, connections, seconds, headers))
    return LoadResult(
        url=url, requests=len(latencies), seconds=elapsed, rps=len(latencies) / elapsed,
        p50_ms=percentile(latencies, 50), p99_ms=percentile(latencies, 99), errors=errors,
        non_2xx=non_2xx, tool="aiohttp",
    )


class LoadGenerator:
    """wrk when available, otherwise the aiohttp client."""

    def __init__(self, connections: int = 16, seconds: float = 10, warmup: float = 2,
                 prefer: str = "wrk"):
        self.connections = connections
        self.seconds = seconds
        self.warmup = warmup
        self.wrk = find_wrk() if prefer == "wrk" else None

    @property
    def tool(self) -> str:
        return "wrk" if self.wrk else "aiohttp"

    def measure(self, url: str, headers: dict[str, str] | None = None,
                seconds: float | None = None, warmup: float | None = None) -> LoadResult:
        """Warm the server up on the URL, then measure it."""
        seconds = self.seconds if seconds is None else seconds
        warmup = self.warmup if warmup is None else warmup

        def run(length: float) -> LoadResult:
            if self.wrk:
                return run_wrk(self.wrk, url, self.connections, length, headers=headers)
            return run_aiohttp(url, self.connections, length, headers=headers)

        if warmup:
            run(warmup)
        return run(seconds)
