"""Find the opinions export in the app, sign in as staff, and measure CSV and XLSX against COPY."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie

import psycopg

from bench.dataset import STAFF_EMAIL, STAFF_PASSWORD

EXPORT_RULE = "/staff/exports/<any(opinions, summary):kind>.<any(csv, xlsx, json):fmt>"
SIGN_IN = "/account/sign-in"
#: The same rows and columns as the staff export of every opinion (Dutch titles), as
#: PostgreSQL writes them with nothing computed: no neutralised cells, no themes; the author
#: pseudonym is stood in for by the user id. The export itself is a COPY too (exports/copy.py).
COPY_SELECT = """
SELECT pa.code AS action_code, pa.title_nl AS action_title, pr.slug AS priority,
       e.slug AS event, coalesce(nullif(e.title_nl, ''), e.title_en) AS event_title,
       o.stance, o.body AS text, o.locale AS language,
       o.created_at, o.source, o.status, o.hidden_reason, o.user_id AS author_pseudonym,
       o.postcode, o.age_band
FROM opinions o
JOIN policy_actions pa ON pa.id = o.action_id
JOIN priorities pr ON pr.id = pa.priority_id
LEFT JOIN events e ON e.id = o.event_id
ORDER BY o.id
"""
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def find(app) -> dict | None:
    """Return what is needed to measure the opinions export, or None when the app has none."""
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    if EXPORT_RULE not in rules or SIGN_IN not in rules:
        return None
    return {"csv": "/staff/exports/opinions.csv", "json": "/staff/exports/opinions.json",
            "xlsx": "/staff/exports/opinions.xlsx"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _cookies(headers, jar: SimpleCookie) -> None:
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)


def sign_in(base_url: str) -> str:
    """Sign in as the benchmark's staff account; return the Cookie header to send."""
    jar: SimpleCookie = SimpleCookie()
    with urllib.request.urlopen(base_url + SIGN_IN, timeout=30) as response:
        html = response.read().decode("utf-8")
        _cookies(response.headers, jar)
    match = _TOKEN.search(html)
    token = (match.group(1) or match.group(2)) if match else ""
    data = urllib.parse.urlencode({"email": STAFF_EMAIL, "password": STAFF_PASSWORD,
                                   "csrf_token": token, "next": ""}).encode()
    # The session cookie is Secure (production): carry it by hand over plain HTTP.
    request = urllib.request.Request(base_url + SIGN_IN, data=data, headers={
        "Cookie": "; ".join(f"{k}={m.value}" for k, m in jar.items())})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(request, timeout=30)
        raise RuntimeError("signing in as the benchmark's staff account failed")
    except urllib.error.HTTPError as answer:
        if answer.code not in (302, 303):
            raise RuntimeError(f"signing in answered {answer.code}") from answer
        _cookies(answer.headers, jar)
    return "; ".join(f"{k}={m.value}" for k, m in jar.items())


#: Runs of the baseline and of each export; the median counts, the highest memory counts.
RUNS = 3


def measure(found: dict, server, conninfo: str, exports) -> dict:
    """Measure PostgreSQL's COPY of the rows, then the CSV, JSON and XLSX downloads."""
    # Each figure is the median of RUNS (one run of a second or two is at the mercy of
    # whatever else the machine does in that second); the baseline likewise.
    copies = [exports.copy_baseline(conninfo, COPY_SELECT) for _ in range(RUNS)]
    rows, size, seconds = sorted(copies, key=lambda run: run[2])[RUNS // 2]
    out: dict = {"copy": {"rows": rows, "bytes": size, "seconds": round(seconds, 3),
                          "rows_per_s": rows / seconds if seconds else 0.0,
                          "runs_s": [round(run[2], 3) for run in copies]}}
    print(f"  PostgreSQL COPY: {rows:,} rows in {seconds:.2f} s (median of {RUNS})", flush=True)
    cookie = sign_in(server.base_url)
    for fmt, path in found.items():
        runs = [exports.measure_http(f"opinions.{fmt}", server.base_url + path, cookie,
                                     server.worker_pids()) for _ in range(RUNS)]
        result = sorted(runs, key=lambda run: run.seconds)[RUNS // 2]
        result.peak_rss_mb = max(run.peak_rss_mb for run in runs)
        result.rss_growth_mb = max(run.rss_growth_mb for run in runs)
        if fmt != "csv":  # rows cannot be counted in the bytes: the audit log has the count
            result.rows = _rows_in_audit_log(conninfo, fmt) or result.rows
        result.rows_per_s = result.rows / result.seconds if result.seconds else 0.0
        if rows and seconds:
            result.ratio_to_copy = round(result.rows_per_s / out["copy"]["rows_per_s"], 3)
        out[fmt] = result.as_dict()
        print(f"  export {fmt}: {result.rows:,} rows in {result.seconds:.2f} s "
              f"({result.rows_per_s:,.0f} rows/s), worker peak {result.peak_rss_mb:.0f} MB "
              f"(+{result.rss_growth_mb:.0f} MB)", flush=True)
    return out


def _rows_in_audit_log(conninfo: str, fmt: str) -> int | None:
    with psycopg.connect(conninfo) as conn:
        found = conn.execute(
            "SELECT details FROM audit_log WHERE action = 'export.opinions' "
            "ORDER BY id DESC LIMIT 1").fetchone()
    if not found:
        return None
    details = found[0] or {}
    return details.get("rows") if details.get("format") == fmt else None
