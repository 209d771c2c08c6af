"""``make bench``: load the data set, serve, drive, and print one table.

    python -m bench.run [--scale 1.0] [--duration 10] [--connections 16] [--reuse-data]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and, preferably, ``wrk``.
The same figures are written as JSON under bench/results/ so two runs can be compared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
    parser.add_argument("--duration", type=float, default=10, help="seconds per page measured")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per page")
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

    pages: dict[str, dict] = {}
    with Server("bench.hello:app", settings) as hello:
        pages["hello"] = generator.measure(hello.base_url + "/").as_dict()
        report.progress("hello", pages["hello"])

    env = app_environment(url)
    with Server(APP_SPEC, settings, env=env, probe="/healthz") as app:
        for name, path in paths.items():
            pages[name] = generator.measure(app.base_url + path).as_dict()
            report.progress(name, pages[name])
        revalidate = report.etag_of(app.base_url + paths["event_page"])
        if revalidate:
            pages["event_page_304"] = generator.measure(
                app.base_url + paths["event_page"], headers={"If-None-Match": revalidate}
            ).as_dict()
            report.progress("event_page_304", pages["event_page_304"])
        results["registrations"] = measure_registrations(args, app, url, conninfo)
        results["exports"] = measure_exports(app, url, conninfo)

    if not args.skip_uncached:
        env_uncached = dict(env, PAGE_CACHE_ENABLED="false")
        with Server(APP_SPEC, settings, env=env_uncached, probe="/healthz") as app:
            for name, path in paths.items():
                key = f"{name}_uncached"
                pages[key] = generator.measure(app.base_url + path).as_dict()
                report.progress(key, pages[key])

    ceiling = pages["hello"]["rps"]
    for page in pages.values():
        page["ratio"] = round(page["rps"] / ceiling, 3) if ceiling else None
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


def measure_registrations(args, app: Server, url: str, conninfo: str) -> dict:
    """Registrations per second for one event with 100 places, if the feature is there."""
    with queries.bench_app(url) as flask_app:
        available = contention.registration_available(flask_app)
    if not available:
        note = "skipped: the registration form (POST /events/<slug>/register) is not in this app"
        print("  registrations:", note, flush=True)
        return {"skipped": note}
    result = contention.run(app.base_url, dataset.CONTENTION_SLUG, conninfo,
                            dataset.CONTENTION_CAPACITY, args.registrations,
                            args.registration_concurrency)
    report.progress_registrations(result)
    return result.as_dict()


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
