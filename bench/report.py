"""Render bench/results/latest.json as the Markdown tables of BENCHMARKS.md.

    python -m bench.report [bench/results/latest.json]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.run import RESULTS


def render(result: dict) -> str:
    run, machine = result["run"], result["machine"]
    corpus = run["corpus"]
    out = [
        f"Scale {run['scale']:g}: {corpus['agreements']:,} agreements, {corpus['articles']:,} articles, "
        f"{corpus['parties']} parties, {corpus['sectors']} sectors; {run['rounds']} interleaved rounds x "
        f"{run['seconds']:g} s per endpoint (csv_export: at least 30 s), {run['connections']} connections, "
        f"{run['workers']} gunicorn sync workers; run {run['started']} to {run['finished']}.",
        "",
        "| endpoint | rps | p50 ms | p99 ms | errors | x ceiling | x Datasette | Datasette rps | Datasette query |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    c = result["ceiling"]
    out.append(f"| ceiling (bare WSGI, 1 KB) | {c['rps']:,.1f} | {c['p50_ms']:.1f} | {c['p99_ms']:.1f} | {c['errors']} "
               "| 1 | | | |")
    ds_query = {
        "agreement_detail": "row page `/bench/agreements/{pk}.json`",
        "article_list": "`?sql=` the API's own statement",
        "article_list_deep": "`?sql=` the API's own keyset statement",
        "search": "`?sql=` the same windowed ranked query + `snippet()`",
        "agreement_facets": "`?sql=` five GROUP BYs, UNION ALL",
        "csv_export": "`articles.csv?_stream=on&_where=`",
    }
    for name, e in result["endpoints"].items():
        ds = result["datasette"].get(name, {})
        ratio = "-" if e["ratio_datasette"] is None else f"{e['ratio_datasette']:.2f}"
        out.append(f"| `{name}` | {e['rps']:,.1f} | {e['p50_ms']:,.1f} | {e['p99_ms']:,.1f} | {e['errors']} "
                   f"| {e['ratio_ceiling']:.4f} | {ratio} | {ds.get('rps', 0):,.1f} | {ds_query.get(name, '')} |")
    full = result["datasette"].get("search_full_rank")
    if full:
        out.append(f"| (Datasette: search ranking every match) | | | | | | {full['api_search_ratio']:.2f} "
                   f"| {full['rps']:,.1f} | `ORDER BY bm25(...)` over all matches |")
    f = result.get("api_floor_healthz")
    if f:
        out.append(f"| (API `/healthz`: the framework floor) | {f['rps']:,.1f} | {f['p50_ms']:.1f} | {f['p99_ms']:.1f} "
                   f"| {f['errors']} | {f['ratio_ceiling']:.4f} | | | |")
    imp = run["import"]
    out += [
        "",
        f"Import (`treaty-api seed` on the JSON Lines corpus, validation, links and search index included): "
        f"**{result['import']['rows_per_s']:,} articles/s**, {result['import']['seconds']} s"
        f"{', peak ' + str(imp['peak_rss_mb']) + ' MB resident' if imp.get('peak_rss_mb') else ''}"
        f"{' (cached from an earlier run)' if imp.get('cached') else ''}"
        f"{' (stale: the import code changed since)' if imp.get('stale') else ''}. "
        f"Database {result['db_size_mb']:,} MB. Resident memory per worker after the run: "
        f"**{result['rss_mb_per_worker']} MB** max ({', '.join(str(x) for x in run['rss_mb_workers'])}; "
        f"at boot {', '.join(str(x) for x in run.get('rss_mb_workers_at_boot', []))}).",
    ]
    faults = result.get("resilience")
    if faults:
        s, k, t = faults["soak"], faults["worker_kill"], faults["sigterm"]
        out += [
            "",
            "| process fault (issue 7) | figure |",
            "| --- | --- |",
            f"| soak, {s['seconds']} s at {s['connections']} connections (mix of the endpoints) | "
            f"{s['requests']:,} requests, **{s['errors']} errors**, {s['rps']} rps, p99 {s['p99_ms']:,} ms |",
            f"| one worker SIGKILLed mid-run ({k['requests']:,} requests at 32 connections) | "
            f"**{k['errors']} error(s)** ({', '.join(f'{n} {kind}' for kind, n in k['errors_by_kind'].items() if n) or 'none'}) "
            f"with {k['in_flight_at_kill']} request(s) in flight in that worker; replaced: {k['replaced']}, "
            f"/healthz after: {k['healthz_after']} |",
            f"| SIGTERM to the master with a slow request in every worker (`{t['path']}`) | "
            f"**{t['completed_200']}/{t['requests']} completed with 200** ({t['in_flight_at_sigterm']} in flight), "
            f"slowest {t['slowest_s']} s, master exited after {t['master_exit_s']} s |",
        ]
    out += ["", "| target (issue 6 / 7) | value | met |", "| --- | --- | --- |"]
    for t in result["targets"]:
        out.append(f"| {t['target']} | {t['value']} | {'yes' if t['met'] else '**no**'} |")
    out += [
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB; {machine['os']}; "
        f"Python {machine['python']}, SQLite {machine['sqlite']}, {machine['gunicorn']}, {machine['datasette']}, "
        f"{machine['wrk']}; load average at the start {machine['load_average_at_start']:.1f} "
        "(the machine is shared: absolute figures move, the ratios are taken within one run).",
    ]
    return "\n".join(out)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS
    print(render(json.loads(path.read_text())))


if __name__ == "__main__":
    main()
