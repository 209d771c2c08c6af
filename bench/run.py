"""``make bench``: load the data set, serve, drive, and print one table.

    python -m bench.run [--scale 1.0] [--duration 10] [--connections 16] [--reuse-data]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and, preferably, ``wrk``.
The same figures are written as JSON under bench/results/ so two runs can be compared.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import contention, dataset, exports, queries, report
from bench.load import LoadGenerator
from bench.server import Server, ServerSettings, app_environment

RESULTS = Path(__file__).resolve().parent / "results"
APP_SPEC = "participation:create_app()"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size of the data set; 1.0 is the Conference's scale")
    parser.add_argument("--duration", type=float, default=10,
                        help="seconds each page is measured, over all rounds")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per page")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure the pages in turn this many times (the duration is split)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"),
                        help="gunicorn worker class (sync: one request at a time per process)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--database", default="participation_bench")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5432)
    parser.add_argument("--reuse-data", action="store_true",
                        help="keep the database of the previous run instead of reloading it")
    parser.add_argument("--registrations", type=int, default=300,
                        help="sign-ups posted for the event with 100 places")
    parser.add_argument("--registration-concurrency", type=int, default=32)
    parser.add_argument("--registration-runs", type=int, default=5,
                        help="runs of the contention test; the median counts")
    parser.add_argument("--registration-client", default="raw", choices=contention.CLIENTS,
                        help="how the sign-ups are posted (raw: prepared requests on plain "
                             "sockets; aiohttp: the HTTP client library)")
    parser.add_argument("--stream-rate", type=float, default=50,
                        help="registrations a second on other events while the kept list is "
                             "measured, on a machine serving hello at 7,000/s (scaled down "
                             "on a slower one; 0 skips it)")
    parser.add_argument("--skip-uncached", action="store_true",
                        help="do not measure the pages with the page cache turned off")
    parser.add_argument("--tool", default="wrk", choices=("wrk", "aiohttp"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    started = time.perf_counter()
    url = dataset.sqlalchemy_url(args.database, args.host, args.port)
    conninfo = f"host={args.host} port={args.port} user=postgres dbname={args.database}"
    results: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "scale": args.scale,
        "connections": args.connections,
        "duration_s": args.duration,
    }

    if args.reuse_data:
        print("Reusing the data set in", args.database)
        paths = report.paths_from_database(conninfo)
        results["dataset"] = {"reused": True}
    else:
        print(f"Loading the data set at scale {args.scale:g} into {args.database} ...",
              flush=True)
        loaded = dataset.load(args.database, args.scale, host=args.host, port=args.port)
        print(f"  loaded {sum(loaded.rows.values()):,} rows in {loaded.seconds:.1f} s "
              f"({', '.join(f'{k} {v}s' for k, v in loaded.phases.items())})", flush=True)
        results["dataset"] = {"seconds": round(loaded.seconds, 2), "rows": loaded.rows,
                              "phases": loaded.phases}
        paths = {"event_list": loaded.list_query, "event_page": f"/events/{loaded.event_slug}",
                 "action_page": f"/actions/{loaded.action_code}"}
    paths.update(report.more_paths(conninfo))
    results["paths"] = paths

    print("Counting SQL statements per page ...", flush=True)
    results["queries"] = queries.statements_per_page(url, paths)

    settings = ServerSettings(workers=args.workers, worker_class=args.worker_class,
                              threads=args.threads)
    generator = LoadGenerator(args.connections, args.duration, args.warmup, prefer=args.tool)
    results["server"] = settings.describe()
    results["load_generator"] = f"{generator.tool}, {args.connections} connections, " \
                                f"{args.duration:g} s per page after {args.warmup:g} s warm-up"
    print(f"Serving with {settings.describe()}; load from {generator.tool}.", flush=True)

    env = app_environment(url)
    env_uncached = dict(env, PAGE_CACHE_ENABLED="false")
    with contextlib.ExitStack() as stack:
        hello = stack.enter_context(Server("bench.hello:app", settings))
        app = stack.enter_context(Server(APP_SPEC, settings, env=env, probe="/healthz"))
        targets = {"hello": (hello.base_url + "/", None)}
        targets.update({name: (app.base_url + path, None) for name, path in paths.items()})
        etag = report.etag_of(app.base_url + paths["event_page"])
        if etag:
            targets["event_page_304"] = (app.base_url + paths["event_page"],
                                         {"If-None-Match": etag})
        # Issue 16: what a signed-in resident sees (a session cookie: the page cache cannot
        # answer before Flask; the page kept for their session, or rendered around the kept
        # fragments), from the browser their session was made for.
        cookie = queries.signed_in_cookie(url, env["SECRET_KEY"])
        if cookie:
            for name in report.SIGNED_IN_PAGES:
                if name in paths:
                    targets[f"{name}_signed_in"] = (
                        app.base_url + paths[name],
                        {"Cookie": cookie, "User-Agent": queries.BROWSER})
        if not args.skip_uncached:
            uncached = stack.enter_context(
                Server(APP_SPEC, settings, env=env_uncached, probe="/healthz"))
            targets.update({f"{name}_uncached": (uncached.base_url + path, None)
                            for name, path in paths.items()})
        pages = measure_in_rounds(generator, targets, args.rounds)
        results["under_registrations"] = measure_under_registrations(
            generator, hello.base_url, app.base_url, paths, conninfo, args.stream_rate)
        results["registrations"] = measure_registrations(args, app, url, conninfo, generator,
                                                         hello.base_url)
        results["exports"] = measure_exports(app, url, conninfo)

    results["pages"] = pages
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    results["targets"] = report.targets(results)

    print()
    print(report.table(results))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nWritten to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return results


def measure_in_rounds(generator: LoadGenerator, targets: dict, rounds: int) -> dict:
    """Measure every page in turn, several rounds, so that noise on a shared machine hits all.

    Each page's ratio is the median over rounds of its req/s divided by the hello req/s of
    the same round; req/s is over all rounds; p50 and p99 are the medians of the rounds.
    Every round warms its page up first (the whole warm-up before the first round, a second
    before the others): a page measured a minute ago has no kept copy left (they live
    ``PAGE_CACHE_SECONDS``), and what is measured is a page in steady use, whose copy is
    made again every ten seconds while the load goes on, not one coming back cold.
    """
    per_round: dict[str, list[dict]] = {name: [] for name in targets}
    for number in range(rounds):
        for name, (target, headers) in targets.items():
            warm = generator.warmup if number == 0 else min(generator.warmup, 1)
            run = generator.measure(target, headers=headers, seconds=generator.seconds / rounds,
                                    warmup=warm).as_dict()
            per_round[name].append(run)
        print(f"  round {number + 1}/{rounds}: " + ", ".join(
            f"{name} {runs[-1]['rps']:.0f}/s" for name, runs in per_round.items()), flush=True)
    pages: dict[str, dict] = {}
    for name, runs in per_round.items():
        requests = sum(r["requests"] for r in runs)
        seconds = sum(r["seconds"] for r in runs)
        ratios = [r["rps"] / h["rps"] for r, h in zip(runs, per_round["hello"], strict=True)]
        pages[name] = {
            "url": runs[0]["url"], "rps": requests / seconds, "requests": requests,
            "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs),
            "p99_ms_worst_round": max(r["p99_ms"] for r in runs),
            "errors": sum(r["errors"] for r in runs),
            "non_2xx": sum(r["non_2xx"] for r in runs),
            "ratio": round(statistics.median(ratios), 3),
            "rounds": runs,
        }
        report.progress(name, pages[name])
    return pages


def measure_under_registrations(generator: LoadGenerator, hello_url: str, app_url: str,
                                paths: dict, conninfo: str, rate: float) -> dict:
    """The kept event list while registrations arrive on events it does not show."""
    from bench.stream import RegistrationStream, other_events

    topic = "future-of-europe"  # the measured list's topic (see dataset.load)
    slugs = other_events(conninfo, topic)
    if not slugs or rate <= 0:
        return {"skipped": "no other upcoming events to register for"}
    hello = generator.measure(hello_url + "/", warmup=0).as_dict()
    # The issue's 50 registrations/s were a share of a machine serving hello at about
    # 7,000/s; on a slower one the same share is fewer (each costs the server the same work).
    scaled = round(rate * min(1.0, hello["rps"] / report.ISSUE_HELLO_PER_S), 1)

    def kept_list_under(stream_rate: float) -> tuple[dict, RegistrationStream]:
        with RegistrationStream(app_url, slugs, stream_rate) as stream:
            page = generator.measure(app_url + paths["event_list"], warmup=0).as_dict()
        return page, stream

    page, stream = kept_list_under(scaled)
    result = {"rate_asked": scaled, "rate_at_issue_speed": rate,
              "registrations_per_s": round(stream.per_second, 1),
              "failed": stream.failed, "event_list": page, "hello": hello,
              "ratio": round(page["rps"] / hello["rps"], 3) if hello["rps"] else 0.0}
    if scaled < rate:  # the unscaled rate too, for comparison
        page, stream = kept_list_under(rate)
        result["unscaled"] = {
            "rate_asked": rate, "registrations_per_s": round(stream.per_second, 1),
            "failed": stream.failed, "event_list": page,
            "ratio": round(page["rps"] / hello["rps"], 3) if hello["rps"] else 0.0}
    report.progress_under_registrations(result)
    return result


def measure_registrations(args, app: Server, url: str, conninfo: str,
                          generator: LoadGenerator, hello_url: str) -> dict:
    """Registrations per second for one event with 100 places, if the feature is there."""
    with queries.bench_app(url) as flask_app:
        available = contention.registration_available(flask_app)
    if not available:
        note = "skipped: the registration form (POST /events/<slug>/register) is not in this app"
        print("  registrations:", note, flush=True)
        return {"skipped": note}
    def run_contention(client: str = args.registration_client):
        return contention.run(app.base_url, dataset.CONTENTION_SLUG, conninfo,
                              dataset.CONTENTION_CAPACITY, args.registrations,
                              args.registration_concurrency, client=client)

    # The median of several runs (one run lasts about a second); exact in every run or not.
    # Each run follows a short measurement of hello, so that the rate is also read against
    # the machine's speed in the same minute (this machine kind's speed moves by the minute).
    runs, hellos = [], []
    for _ in range(args.registration_runs):
        hellos.append(generator.measure(hello_url + "/", seconds=3, warmup=0).rps)
        runs.append(run_contention())
    ratios = [run.registrations_per_s / hello for run, hello in zip(runs, hellos, strict=True)
              if hello]
    result = sorted(runs, key=lambda run: run.registrations_per_s)[len(runs) // 2]
    result.exactly_capacity_confirmed = all(run.exactly_capacity_confirmed for run in runs)
    result.counters_match = all(run.counters_match for run in runs)
    measured = result.as_dict()
    measured["runs_per_s"] = [round(run.registrations_per_s) for run in runs]
    measured["hello_per_s"] = [round(hello) for hello in hellos]
    measured["ratio_to_hello"] = round(statistics.median(ratios), 4) if ratios else 0.0
    # The same posted by the HTTP client library (the harness of the earlier runs), for
    # comparison: it takes about twice the client CPU from the same two cores.
    other = "aiohttp" if args.registration_client == "raw" else "raw"
    compared = [run_contention(other) for _ in range(2)]
    measured["other_client"] = {
        "client": other, "runs_per_s": [round(run.registrations_per_s) for run in compared],
        "client_cpu_ms": [run.client_cpu_ms for run in compared],
        "exact": all(run.exactly_capacity_confirmed and run.counters_match
                     for run in compared)}
    report.progress_registrations(measured)
    # The same again with a mail server taking 200 ms per message and a worker delivering.
    from bench import slow_mail

    measured["slow_mail"] = slow_mail.measure(run_contention, app.env, conninfo)
    report.progress_slow_mail(measured["slow_mail"])
    return measured


def measure_exports(app: Server, url: str, conninfo: str) -> dict:
    """The full opinions export as CSV and XLSX, if the feature is there."""
    from bench import export_targets

    with queries.bench_app(url) as flask_app:
        found = export_targets.find(flask_app)
    if found is None:
        note = "skipped: no opinions export (CSV/XLSX under /staff/...) in this app"
        print("  exports:", note, flush=True)
        return {"skipped": note}
    return export_targets.measure(found, app, conninfo, exports)


if __name__ == "__main__":
    main(sys.argv[1:])
