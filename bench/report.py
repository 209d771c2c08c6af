"""Print progress and the final table; check the targets of issue 8."""

from __future__ import annotations

import urllib.request

import psycopg

LABELS = {
    "hello": "bare Flask hello (ceiling)",
    "event_list": "event list, filtered, page 3",
    "event_page": "event page",
    "action_page": "action page",
    "event_page_304": "event page, revalidated (304)",
    "priority_page": "priority page",
    "search": "event list, searched (q=climate)",
    "event_page_signed_in": "event page, signed in",
    "event_list_signed_in": "event list, signed in",
    "action_page_signed_in": "action page, signed in",
    "priority_page_signed_in": "priority page, signed in",
    "search_signed_in": "event list searched, signed in",
    "event_list_uncached": "event list, rendered (no page cache)",
    "event_page_uncached": "event page, rendered (no page cache)",
    "action_page_uncached": "action page, rendered (no page cache)",
    "registrations_exactly_100_confirmed": "registrations: exactly 100 confirmed, rest waiting",
    "registrations_rate_met": "registrations under contention at least 250/s at hello 7,000/s "
                              "(0.036 of hello)",
    "csv_ratio_met": f"CSV export at least {0.5} of COPY's speed",
    "csv_memory_met": "CSV export peak memory under 150 MB",
    "json_ratio_met": f"JSON export at least {0.3} of COPY's speed",
    "xlsx_ratio_met": f"XLSX export at least {0.15} of COPY's speed",
    "exports_memory_met": "JSON and XLSX exports peak memory under 150 MB",
    "event_list_under_registrations": "event list kept, registrations elsewhere (50/s at "
                                      "hello 7,000/s)",
}
#: Issue 16: what a signed-in resident sees, as a share of the bare Flask ceiling.
SIGNED_IN_PAGES = ("event_page", "event_list", "action_page", "priority_page", "search")
SIGNED_IN_TARGETS = {"event_page_signed_in": 0.2, "event_list_signed_in": 0.15,
                     "action_page_signed_in": 0.15, "priority_page_signed_in": 0.15,
                     "search_signed_in": 0.15}
#: Issue 8: at least half the bare Flask ceiling, p99 under 50 ms at 16 connections.
MIN_RATIO = 0.5
MAX_P99_MS = 50.0
MIN_EXPORT_RATIO = 0.5
MAX_EXPORT_MB = 150.0
#: Issue 16: JSON lines at 0.3 of COPY, XLSX (constant-memory mode) at 0.15.
MIN_OTHER_EXPORT_RATIOS = {"json": 0.3, "xlsx": 0.15}
#: Issue 16: sign-ups for one event from 32 connections at once, every one exact: 250/s on
#: the machine the issue was measured on, where the bare Flask hello served about 7,000/s
#: (6,660-7,390). Like every other target, it is read as a share of hello measured in the
#: same minutes: this machine kind's speed moves by the hour (hello 2,900-9,850/s seen).
MIN_REGISTRATIONS_PER_S = 250
ISSUE_HELLO_PER_S = 7000
MIN_REGISTRATIONS_RATIO = MIN_REGISTRATIONS_PER_S / ISSUE_HELLO_PER_S


def registrations_rate_met(registrations: dict) -> bool:
    """The contention rate as a share of hello in the same minutes (runs that measured it)."""
    ratio = registrations.get("ratio_to_hello")
    if ratio is None:  # a run from before hello was measured beside it
        return registrations.get("registrations_per_s", 0) >= MIN_REGISTRATIONS_PER_S
    return ratio >= MIN_REGISTRATIONS_RATIO


def more_paths(conninfo: str) -> dict[str, str]:
    """The priority page and a search, picked from the loaded database."""
    with psycopg.connect(conninfo) as conn:
        row = conn.execute("SELECT slug FROM priorities ORDER BY position, id LIMIT 1").fetchone()
    paths = {"search": "/events?q=climate"}
    if row:
        paths["priority_page"] = f"/priorities/{row[0]}"
    return paths


def target_of(name: str) -> float | None:
    """The ratio to hello a page must reach (issue 8 for kept pages, 16 for signed-in)."""
    if name in SIGNED_IN_TARGETS:
        return SIGNED_IN_TARGETS[name]
    if name in ("event_list", "event_page", "action_page", "priority_page", "search"):
        return MIN_RATIO
    return None


def progress(name: str, page: dict) -> None:
    print(f"  {LABELS.get(name, name):40} {page['rps']:9.0f} req/s  p50 {page['p50_ms']:7.1f} ms"
          f"  p99 {page['p99_ms']:7.1f} ms  errors {page['errors'] + page['non_2xx']}",
          flush=True)


#: Issue 16: the kept event list while registrations arrive on other events.
MIN_RATIO_UNDER_REGISTRATIONS = 0.5


def progress_under_registrations(result: dict) -> None:
    page = result["event_list"]
    print(f"  event list kept, {result['registrations_per_s']:.0f} registrations/s elsewhere: "
          f"{page['rps']:.0f} req/s (hello {result['hello']['rps']:.0f}), ratio "
          f"{result['ratio']:.2f}, p99 {page['p99_ms']:.1f} ms", flush=True)
    unscaled = result.get("unscaled")
    if unscaled:
        print(f"  the same with {unscaled['registrations_per_s']:.0f} registrations/s (not "
              f"scaled): {unscaled['event_list']['rps']:.0f} req/s, ratio "
              f"{unscaled['ratio']:.2f}, p99 {unscaled['event_list']['p99_ms']:.1f} ms",
              flush=True)


def progress_registrations(result: dict) -> None:
    other = result.get("other_client") or {}
    print(f"  registrations: {result['accepted']} accepted in {result['seconds']:.2f} s "
          f"({result['registrations_per_s']:.0f}/s, {result['ratio_to_hello']:.3f} of hello); "
          f"confirmed {result['confirmed']}, waiting {result['waiting']}, counters match: "
          f"{result['counters_match']}; runs {result['runs_per_s']} after hello "
          f"{result['hello_per_s']}; posted by {other.get('client')}: "
          f"{other.get('runs_per_s')}", flush=True)


def progress_slow_mail(result: dict) -> None:
    print(f"  registrations with a {result['mail_delay_ms']} ms-per-message mail server: "
          f"{result['registrations_per_s']:.0f}/s; the worker delivered "
          f"{result['mails_delivered']} mail(s), {result['mails_left']} left, "
          f"{result['drain_seconds_after_last_request']:.1f} s after the last request",
          flush=True)


def etag_of(url: str) -> str | None:
    """The ETag a page is served with, if any."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get("ETag")


def paths_from_database(conninfo: str) -> dict[str, str]:
    """Pick the pages to measure from a database loaded by an earlier run."""
    from bench.dataset import CONTENTION_SLUG

    with psycopg.connect(conninfo) as conn:
        slug = conn.execute(
            "SELECT slug FROM events WHERE status = 'published' AND starts_at > now() "
            "AND waiting_count > 0 AND slug != %s ORDER BY id LIMIT 1", (CONTENTION_SLUG,)
        ).fetchone()[0]
        code = conn.execute("SELECT code FROM policy_actions ORDER BY code LIMIT 1").fetchone()[0]
    return {"event_list": "/events?topic=future-of-europe&language=nl&page=3",
            "event_page": f"/events/{slug}", "action_page": f"/actions/{code}"}


def targets(results: dict) -> dict:
    """Say which targets of issue 8 were met."""
    pages = results["pages"]
    out: dict = {}
    for name, page in pages.items():
        target = target_of(name)
        if target is not None:
            out[name] = {"target": target, "ratio_met": page["ratio"] >= target,
                         "p99_met": page["p99_ms"] < MAX_P99_MS}
    queries = results.get("queries", {})
    out["queries_constant"] = "checked by tests/events/test_event_queries.py"
    out["queries"] = {name: q["queries"] for name, q in queries.items()}
    under = results.get("under_registrations") or {}
    if under and not under.get("skipped"):
        out["event_list_under_registrations"] = {
            "target": MIN_RATIO_UNDER_REGISTRATIONS,
            "ratio_met": under["ratio"] >= MIN_RATIO_UNDER_REGISTRATIONS,
            "p99_met": under["event_list"]["p99_ms"] < MAX_P99_MS}
    registrations = results.get("registrations", {})
    if not registrations.get("skipped"):
        out["registrations_exactly_100_confirmed"] = bool(
            registrations.get("exactly_capacity_confirmed") and registrations.get("counters_match"))
        out["registrations_rate_met"] = registrations_rate_met(registrations)
    csv = (results.get("exports") or {}).get("csv")
    if csv and not csv.get("skipped"):
        out["csv_ratio_met"] = (csv.get("ratio_to_copy") or 0) >= MIN_EXPORT_RATIO
        out["csv_memory_met"] = csv.get("peak_rss_mb", 0) < MAX_EXPORT_MB
    others = [(kind, (results.get("exports") or {}).get(kind)) for kind in ("json", "xlsx")]
    for kind, measured in others:
        if measured and not measured.get("skipped"):
            out[f"{kind}_ratio_met"] = (
                (measured.get("ratio_to_copy") or 0) >= MIN_OTHER_EXPORT_RATIOS[kind])
    if any(m and not m.get("skipped") for _, m in others):
        out["exports_memory_met"] = all(m.get("peak_rss_mb", 0) < MAX_EXPORT_MB
                                        for _, m in others if m and not m.get("skipped"))
    return out


def _met(name: str, page: dict) -> str:
    target = target_of(name)
    if target is None:
        return "-"
    return "yes" if page["ratio"] >= target and page["p99_ms"] < MAX_P99_MS else "NO"


def _yes(value: bool) -> str:
    return "met" if value else "MISSED"


def _fmt(value, spec: str, empty: str = "-") -> str:
    return empty if value is None else format(value, spec)


def _sql_column(name: str, queries: dict) -> str:
    if name == "hello":
        return "-"
    if name.endswith("_304"):
        return "0"
    base = name.removesuffix("_uncached")
    counted = queries.get(base, {}).get("queries")
    if counted is None:
        return "?"
    return str(counted) if name.endswith("_uncached") else f"0/{counted}"


def table(results: dict) -> str:
    """The plain-text table of one run."""
    lines = [
        f"Benchmark at scale {results['scale']:g} on {results['machine']['cpus']} CPUs: "
        f"{results['server']}; {results['load_generator']}",
    ]
    data = results.get("dataset", {})
    if data.get("rows"):
        rows = data["rows"]
        lines.append(
            f"Data: {rows.get('events', 0):,} events, {rows.get('registrations', 0):,} "
            f"registrations, {rows.get('users', 0):,} users, {rows.get('policy_actions', 0)} "
            f"actions, {rows.get('opinions', 0):,} opinions; loaded in {data['seconds']:.1f} s")
    lines.append("")
    header = (f"{'page':42} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'SQL':>6}"
              f" {'target':>7} {'met':>4}")
    lines += [header, "-" * len(header)]
    queries = results.get("queries", {})
    for name, page in results["pages"].items():
        lines.append(
            f"{LABELS.get(name, name):42} {page['rps']:8.0f} {page['p50_ms']:8.1f} "
            f"{page['p99_ms']:8.1f} {_fmt(page.get('ratio'), '.2f'):>6} "
            f"{_sql_column(name, queries):>6} {_fmt(target_of(name), '.2f'):>7} "
            f"{_met(name, page):>4}")
    lines.append("ratio: req/s over the hello ceiling measured in the same rounds; SQL: "
                 "statements per request, 0/n = kept page / rendered page")
    lines.append("")
    under = results.get("under_registrations") or {}
    if under and not under.get("skipped"):
        lines.append(
            f"event list kept while {under['registrations_per_s']:.0f} registrations/s arrive "
            f"on other events: {under['event_list']['rps']:.0f} req/s, ratio "
            f"{under['ratio']:.2f} (target {MIN_RATIO_UNDER_REGISTRATIONS}), p99 "
            f"{under['event_list']['p99_ms']:.1f} ms; failed registrations {under['failed']}")
        if under.get("rate_at_issue_speed"):
            lines.append(
                f"  ({under['rate_asked']:g}/s asked: the issue's "
                f"{under['rate_at_issue_speed']:g}/s at hello {ISSUE_HELLO_PER_S:,}/s, scaled "
                f"to hello {under['hello']['rps']:,.0f}/s measured before)")
        unscaled = under.get("unscaled")
        if unscaled:
            lines.append(
                f"  with {unscaled['registrations_per_s']:.0f} registrations/s (not scaled), "
                f"for comparison: {unscaled['event_list']['rps']:.0f} req/s, ratio "
                f"{unscaled['ratio']:.2f}, p99 {unscaled['event_list']['p99_ms']:.1f} ms")
    registrations = results.get("registrations", {})
    if registrations.get("skipped"):
        lines.append(f"registrations under contention: {registrations['skipped']}")
    elif registrations:
        lines.append(
            f"registrations under contention: {registrations['accepted']} sign-ups from "
            f"{registrations['concurrency']} connections for 100 places in "
            f"{registrations['seconds']:.2f} s = {registrations['registrations_per_s']:.0f}/s; "
            f"confirmed {registrations['confirmed']}, waiting {registrations['waiting']}, "
            f"failed {registrations['failed']}; counters match the rows: "
            f"{'yes' if registrations['counters_match'] else 'NO'}; "
            f"{_fmt(registrations.get('ratio_to_hello'), '.3f')} of hello measured before "
            f"each run (target {MIN_REGISTRATIONS_RATIO:.3f}: {MIN_REGISTRATIONS_PER_S}/s at "
            f"{ISSUE_HELLO_PER_S:,}/s); posted by {registrations.get('client', 'aiohttp')}, "
            f"{registrations.get('client_cpu_ms', 0):.2f} ms of the client's CPU each"
            + (f" (median of {len(registrations['runs_per_s'])} runs: "
               f"{', '.join(f'{rate}/s' for rate in registrations['runs_per_s'])}; "
               + ("exact in every run)" if registrations["exactly_capacity_confirmed"]
                  and registrations["counters_match"] else "NOT exact in every run)")
               if registrations.get("runs_per_s") else ""))
        if registrations.get("hello_per_s"):
            lines.append(f"  hello before each run: "
                         f"{', '.join(f'{rate:,}/s' for rate in registrations['hello_per_s'])}")
        other = registrations.get("other_client")
        if other:
            lines.append(
                f"  posted by {other['client']} instead (for comparison): "
                f"{', '.join(f'{rate}/s' for rate in other['runs_per_s'])}, "
                f"{', '.join(f'{ms:.2f}' for ms in other['client_cpu_ms'])} ms of the "
                f"client's CPU per sign-up; exact: {_yes(other['exact'])}")
        slow = registrations.get("slow_mail")
        if slow:
            lines.append(
                f"  with a {slow['mail_delay_ms']} ms-per-message mail server and one worker "
                f"delivering meanwhile: {slow['registrations_per_s']:.0f}/s; "
                f"{slow['mails_delivered']} mails delivered, the last "
                f"{slow['drain_seconds_after_last_request']:.1f} s after the last request")
    export = results.get("exports", {})
    if export.get("skipped"):
        lines.append(f"opinions export: {export['skipped']}")
    elif export:
        copy = export.get("copy", {})
        runs = f" (each figure the median of {len(copy['runs_s'])} runs)" if copy.get("runs_s") \
            else ""
        lines.append(f"opinions export ({copy.get('rows', 0):,} rows){runs}; PostgreSQL COPY: "
                     f"{copy.get('rows_per_s', 0):,.0f} rows/s")
        for kind in ("csv", "json", "xlsx"):
            e = export.get(kind)
            if not e:
                continue
            if e.get("skipped"):
                lines.append(f"  {kind}: {e['skipped']}")
                continue
            lines.append(
                f"  {kind}: {e['rows']:,} rows in {e['seconds']:.2f} s = "
                f"{e['rows_per_s']:,.0f} rows/s, ratio to COPY "
                f"{_fmt(e.get('ratio_to_copy'), '.2f')}, worker peak RSS "
                f"{e['peak_rss_mb']:.0f} MB (+{e['rss_growth_mb']:.0f} MB during the export)")
    lines.append("")
    lines.append("targets (issues 8 and 16):")
    for name, verdict in results.get("targets", {}).items():
        if name in ("queries", "queries_constant"):
            continue
        if isinstance(verdict, dict):
            verdict = (f"ratio >= {verdict['target']}: {_yes(verdict['ratio_met'])}, "
                       f"p99 < {MAX_P99_MS:g} ms: {_yes(verdict['p99_met'])}")
        else:
            verdict = _yes(verdict)
        lines.append(f"  {LABELS.get(name, name)}: {verdict}")
    lines.append(f"total time {results.get('total_seconds', 0):.0f} s")
    return "\n".join(lines)
