"""`make bench`: the API measured side by side with a bare WSGI ceiling and Datasette.

    BENCH_SCALE=0.05 BENCH_SECONDS=5 python -m bench.run

Steps:
1. Generate the synthetic corpus (bench/corpus.py) and import it through
   `treaty-api seed` into a fresh SQLite file (timed: import.rows_per_s is
   articles per second); also into PostgreSQL when BENCH_DATABASE_URL is set.
   Corpus and database are cached under bench/work/, keyed by the scale and by
   the code that writes them (generator, seeding, schemas, models, migrations),
   so a rerun with unchanged code skips the import and reports the cached
   import figures (BENCH_REIMPORT=1 imports again).
2. Start three servers: the API (gunicorn with the project's gunicorn.conf.py),
   the ceiling (bench/ceiling.py under the same gunicorn settings) and Datasette
   on the same SQLite file. Only one is loaded at a time.
3. Load each with wrk (32 connections, a separate process, loopback) in
   interleaved rounds: ceiling, then for each endpoint the API and Datasette's
   equivalent; BENCH_SECONDS per endpoint per round, BENCH_ROUNDS rounds.
4. Process faults (issue 7): a soak at 64 connections, one worker SIGKILLed
   mid-run, SIGTERM to the master with requests in flight.
5. Print the table; write bench/results/latest.json.

Environment: BENCH_SCALE (default 1), BENCH_SECONDS (default 10), BENCH_ROUNDS
(default 3), BENCH_SOAK_SECONDS (default 60; shorter by default when
BENCH_SCALE or BENCH_SECONDS is set), BENCH_DATABASE_URL (PostgreSQL; its
treaty tables are dropped and recreated), BENCH_ENDPOINTS (a comma-separated
subset), BENCH_FAULTS=0 (skip step 4), BENCH_REIMPORT=1, WEB_CONCURRENCY
(gunicorn workers, as for `make run`), BENCH_PORT_BASE (default 8201: the servers use
five ports from it).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from api.renderings import SHAPING_MODULES as RENDERING_MODULES
from api.search import RANK_WINDOW
from bench import corpus

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / "work"
RESULTS = BENCH / "results" / "latest.json"
LUA = BENCH / "wrk" / "paths.lua"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
_BASE = int(os.environ.get("BENCH_PORT_BASE") or 8201)  # five ports from here
PORTS = {"app": _BASE, "ceiling": _BASE + 1, "datasette": _BASE + 2, "sigterm": _BASE + 3, "app_pg": _BASE + 4}
CONNECTIONS = 32
SOAK_CONNECTIONS = 64
ENDPOINTS = ("agreement_detail", "article_list", "article_list_deep", "search", "agreement_facets", "csv_export")
DEEP_ROWS = 10_000  # the cursor of article_list_deep sits this many rows into the filter (at scale 1)
CSV_ROWS = 10_000  # csv_export streams a filter of about this many rows (at scale 1)
CSV_MIN_SECONDS = 30.0  # csv_export is loaded at least this long per round (at scale 1)
SEARCH_WORDS = 5_000  # draws of search words (with repeats, so the skew survives in the path file)
DATASETTE_DB = "bench"  # the SQLite file is bench.sqlite, so Datasette names it "bench"

# Targets of issue 6, as (endpoint, field, comparison, bound).
TARGETS = [
    ("agreement_detail", "ratio_ceiling", ">=", 0.35),
    ("agreement_detail", "ratio_datasette", ">=", 3),
    ("article_list", "ratio_ceiling", ">=", 0.12),
    ("article_list_deep", "ratio_ceiling", ">=", 0.12),
    ("article_list", "ratio_datasette", ">=", 5),
    ("search", "ratio_ceiling", ">=", 0.03),
    ("search", "ratio_datasette", ">=", 5),
    ("agreement_detail", "p99_ms", "<=", 50),
    ("article_list", "p99_ms", "<=", 50),
    ("article_list_deep", "p99_ms", "<=", 50),
]


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now(dt.timezone.utc):%H:%M:%S}] {message}", flush=True)


# -- settings ------------------------------------------------------------------------------------


class Settings:
    def __init__(self, env=os.environ):
        self.scale = float(env.get("BENCH_SCALE") or 1)
        self.seconds = float(env.get("BENCH_SECONDS") or 10)
        self.rounds = int(env.get("BENCH_ROUNDS") or 3)
        quick = bool(env.get("BENCH_SCALE") or env.get("BENCH_SECONDS"))
        default_soak = min(60.0, max(10.0, 3 * self.seconds)) if quick else 60.0
        self.soak_seconds = float(env.get("BENCH_SOAK_SECONDS") or default_soak)
        self.database_url = env.get("BENCH_DATABASE_URL") or None
        self.endpoints = [e for e in (env.get("BENCH_ENDPOINTS") or ",".join(ENDPOINTS)).split(",") if e]
        unknown = set(self.endpoints) - set(ENDPOINTS)
        if unknown:
            raise SystemExit(f"BENCH_ENDPOINTS: unknown endpoint(s) {sorted(unknown)}; known: {', '.join(ENDPOINTS)}")
        self.faults = (env.get("BENCH_FAULTS") or "1") not in ("0", "false", "no")
        self.reimport = (env.get("BENCH_REIMPORT") or "0") not in ("0", "false", "no", "")
        self.deep_rows = max(200, round(DEEP_ROWS * min(1.0, self.scale)))
        self.csv_rows = max(200, round(CSV_ROWS * min(1.0, self.scale)))
        # A 10,000-row CSV takes seconds: at 32 connections a short window would end before any completes.
        self.csv_seconds = max(self.seconds, CSV_MIN_SECONDS * min(1.0, max(self.scale, 0.1)))

    def endpoint_seconds(self, endpoint: str) -> float:
        return self.csv_seconds if endpoint == "csv_export" else self.seconds


# -- tools ---------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    log("wrk is not installed: installing it with apt-get (Debian package wrk)")
    install = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(prefix + install, env=env).returncode != 0:
        subprocess.run(prefix + ["apt-get", "update"], env=env, check=False)
        subprocess.run(prefix + install, env=env, check=False)
    path = shutil.which("wrk")
    if not path:
        raise SystemExit("wrk could not be installed; install it (apt-get install wrk) and run again.")
    return path


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256(corpus.VERSION.encode())
    for path in paths:
        if path.exists():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]


def schema_key() -> str:
    """A hash of what shapes the database file (generator, models, migrations, and the code that
    renders the stored agreement details): a change imports again. Documents rendered by other
    code would not be served, and the benchmark would measure the live fallback instead."""
    shaping = [ROOT / (name.replace(".", "/") + ".py") for name in RENDERING_MODULES]
    return _digest([BENCH / "corpus.py", ROOT / "api" / "models.py",
                    *sorted((ROOT / "migrations" / "versions").glob("*.py")), *shaping])


def import_code_key() -> str:
    """A hash of the import code: when it changed since the cached import, its figure is flagged stale."""
    return _digest([ROOT / "schemas" / "seed.py", *sorted((ROOT / "api" / "seeding").glob("*.py"))])


def scale_name(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


def treaty_api(args: list[str], database_url: str, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, DATABASE_URL=database_url, LOG_LEVEL="WARNING")
    return subprocess.run([str(BIN / "treaty-api"), *args], env=env, cwd=ROOT, **kwargs)


# -- corpus and import ---------------------------------------------------------------------------


def prepare_corpus(settings: Settings) -> tuple[Path, dict]:
    out = WORK / f"corpus-{scale_name(settings.scale)}-v{corpus.VERSION}"
    meta_path = out / "meta.json"
    if meta_path.exists():
        return out, json.loads(meta_path.read_text())
    for old in WORK.glob(f"corpus-{scale_name(settings.scale)}-v*"):
        shutil.rmtree(old)
    log(f"generating the corpus at scale {settings.scale:g} into {out.relative_to(ROOT)}")
    started = time.perf_counter()
    counts = corpus.write(out, settings.scale)
    counts["generate_seconds"] = round(time.perf_counter() - started, 1)
    meta_path.write_text(json.dumps(counts, indent=1))
    log(f"corpus: {counts}")
    return out, counts


def run_import(corpus_dir: Path, database_url: str, articles: int) -> dict:
    """`treaty-api seed` on the corpus, timed from the command's start to its exit."""
    import resource

    started = time.perf_counter()
    result = treaty_api(["seed", str(corpus_dir)], database_url, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"treaty-api seed failed (exit {result.returncode})")
    return {"rows_per_s": round(articles / seconds), "seconds": round(seconds, 1), "articles": articles,
            "peak_rss_mb": round(peak_mb), "output": result.stdout[-2000:]}


def prepare_sqlite(settings: Settings, corpus_dir: Path, counts: dict) -> tuple[Path, dict]:
    key = schema_key()
    folder = WORK / f"db-{scale_name(settings.scale)}-{key}"
    db = folder / f"{DATASETTE_DB}.sqlite"
    meta_path = folder / "import.json"
    if meta_path.exists() and db.exists() and not settings.reimport:
        meta = json.loads(meta_path.read_text())
        meta["cached"] = True
        meta["stale"] = meta.get("import_code") != import_code_key()
        log(f"reusing {db.relative_to(ROOT)} (imported at {meta['imported_at']}; BENCH_REIMPORT=1 imports again)")
        if meta["stale"]:
            log("the import code changed since: the import figure is stale (BENCH_REIMPORT=1 measures it again)")
        return db, meta
    for old in WORK.glob(f"db-{scale_name(settings.scale)}-*"):
        shutil.rmtree(old)
    folder.mkdir(parents=True)
    url = f"sqlite:///{db}"
    treaty_api(["migrate"], url, check=True, capture_output=True)
    log(f"importing {counts['articles']:,} articles into a fresh SQLite file through `treaty-api seed`")
    meta = run_import(corpus_dir, url, counts["articles"])
    with sqlite3.connect(db) as con:  # fold the WAL into the file, so Datasette can open it immutable
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stored = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    if stored != counts["articles"]:
        raise SystemExit(f"the import stored {stored} articles, the corpus has {counts['articles']}")
    meta.update(imported_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), cached=False,
                stale=False, import_code=import_code_key())
    meta_path.write_text(json.dumps(meta, indent=1))
    log(f"import: {meta['rows_per_s']:,} articles/s, {meta['seconds']} s")
    return db, meta


def prepare_postgresql(settings: Settings, corpus_dir: Path, counts: dict) -> dict:
    """Drop the project's tables in BENCH_DATABASE_URL, migrate, and import (always afresh)."""
    from sqlalchemy import create_engine, text

    from api.config import normalise_database_url
    from api.models import Base

    url = normalise_database_url(settings.database_url)
    log("BENCH_DATABASE_URL: dropping the treaty tables there and importing afresh")
    engine = create_engine(url)
    with engine.begin() as con:
        Base.metadata.drop_all(con)
        con.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    treaty_api(["migrate"], url, check=True, capture_output=True)
    meta = run_import(corpus_dir, url, counts["articles"])
    log(f"PostgreSQL import: {meta['rows_per_s']:,} articles/s, {meta['seconds']} s")
    return meta


# -- servers -------------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, argv: list[str], port: int, ready_path: str, env: dict | None = None):
        self.name, self.argv, self.port, self.ready_path = name, argv, port, ready_path
        self.env = dict(os.environ, **(env or {}))
        self.process: subprocess.Popen | None = None
        self.log_path = WORK / "logs" / f"{name}.log"

    def start(self) -> "Server":
        if port_open(self.port):
            raise SystemExit(f"port {self.port} is busy: another server is listening there")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_file = self.log_path.open("w")
        self.process = subprocess.Popen(
            self.argv, env=self.env, cwd=ROOT, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited at start; see {self.log_path}")
            try:
                status, _, _ = http_get(self.port, self.ready_path, timeout=5)
                if status == 200:
                    log(f"{self.name} is up on {HOST}:{self.port} (pid {self.process.pid})")
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"{self.name} did not answer on port {self.port}; see {self.log_path}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def workers(self) -> list[int]:
        return children(self.pid)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(45)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()


def gunicorn_server(name: str, wsgi: str, port: int, database_url: str | None = None) -> Server:
    env = {"HOST": HOST, "PORT": str(port), "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "WARNING"}
    if database_url:
        env["DATABASE_URL"] = database_url
    argv = [str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"), wsgi]
    return Server(name, argv, port, "/healthz" if database_url else "/", env)


def datasette_server(db: Path) -> Server:
    argv = [
        str(BIN / "datasette"), "serve", "--immutable", str(db), "--host", HOST, "--port", str(PORTS["datasette"]),
        # Its default 1 s limit would turn the slow ranked searches into errors rather than measure them.
        "--setting", "sql_time_limit_ms", "60000",
        "--setting", "max_returned_rows", "1000",
    ]
    return Server("datasette", argv, PORTS["datasette"], "/-/versions.json")


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def http_get(port: int, path: str, timeout: float = 60, headers: dict | None = None):
    con = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        con.request("GET", path, headers=headers or {})
        response = con.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        con.close()


def get_json(port: int, path: str):
    status, _, body = http_get(port, path)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}: {body[:500]!r}")
    return json.loads(body)


# -- /proc ---------------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def established(pid: int, port: int) -> int:
    """TCP connections on `port` that process `pid` holds open and that are established (accepted)."""
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return 0
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[3] == "01" and int(cols[1].rsplit(":", 1)[1], 16) == port and cols[9] in inodes:
                count += 1
    return count


# -- wrk -----------------------------------------------------------------------------------------


def write_paths(name: str, paths: list[str]) -> Path:
    folder = WORK / "paths"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{name}.txt"
    out.write_text("\n".join(paths) + "\n")
    return out


def wrk(port: int, paths_file: Path, seconds: float, connections: int = CONNECTIONS, seed: int = 1,
        background: bool = False, timeout: int = 30):
    argv = [
        "wrk", "-t", "2", "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--timeout", f"{timeout}s",
        "-s", str(LUA), f"http://{HOST}:{port}", "--", str(paths_file), str(seed),
    ]
    if background:
        return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    result = subprocess.run(argv, capture_output=True, text=True)
    return parse_wrk(result.stdout, result.stderr)


def parse_wrk(stdout: str, stderr: str = "") -> dict:
    match = re.search(r"^WRK_JSON (\{.*\})$", stdout, re.M)
    if not match:
        raise SystemExit(f"wrk printed no summary:\n{stdout}\n{stderr}")
    data = json.loads(match.group(1))
    data["errors"] = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def aggregate(runs: list[dict]) -> dict:
    """Rounds combined: requests over time, the median p50, the worst p99, all errors."""
    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["duration_us"] for r in runs) / 1e6
    return {
        "rps": round(requests / seconds, 1),
        "p50_ms": round(statistics.median(r["p50_us"] for r in runs) / 1000, 2),
        "p99_ms": round(max(r["p99_us"] for r in runs) / 1000, 2),
        "errors": sum(r["errors"] for r in runs),
        "requests": requests,
        "mb_per_s": round(sum(r["bytes"] for r in runs) / seconds / 1024 / 1024, 2),
        "rounds_rps": [round(r["rps"], 1) for r in runs],
    }


# -- what each endpoint requests -----------------------------------------------------------------


def ds_sql(sql: str, **params) -> str:
    query = {"sql": " ".join(sql.split()), **params, "_shape": "array"}
    return f"/{DATASETTE_DB}.json?" + urllib.parse.urlencode(query)


# Datasette is sent the statements the API itself runs for these filters (captured from its SQL log),
# with the ids the API resolves first given as parameters: the same plan, the same rows.
ARTICLE_FILTER_SQL = """
  a.agreement_id IN (SELECT agreement_id FROM agreement_parties WHERE party_id = :party_id)
  AND EXISTS (SELECT * FROM article_sectors x WHERE x.article_id = a.id AND x.sector_id = :sector_id)
"""
# The API's statement for a page of this filter assembled live (and for its CSV): the sector's article keys
# walked in agreement order (api/queries/articles.py, `_keyed_plan`), the article rows joined.
KEYED_SQL = """
SELECT a.id, ag.slug AS agreement, a.number, a.heading, a.summary, a.text
FROM articles a JOIN agreements ag ON ag.id = a.agreement_id JOIN article_sector_keys k ON k.article_id = a.id
WHERE k.sector_id = :sector_id AND k.agreement_id IN (
  SELECT agreement_id FROM agreement_parties WHERE party_id = :party_id AND agreement_id >= {after_agreement})
  {after}
ORDER BY k.agreement_id, k.number LIMIT 51
"""
LIST_SQL = KEYED_SQL.format(after_agreement="-4611686018427387904", after="")
DEEP_SQL = KEYED_SQL.format(
    after_agreement=":after_agreement",
    after="AND k.agreement_id >= :after_agreement AND (k.agreement_id, k.number) > (:after_agreement, :after_number)")
# The API ranks a window: the first RANK_WINDOW matches in id order, best first (api/search.py). SEARCH_SQL
# is that same query, so both return the same hits; SEARCH_FULL_SQL ranks every match (what a plain
# `ORDER BY rank` does), measured on Datasette as an extra figure.
SEARCH_SQL = """
WITH window AS (
  SELECT search_articles.rowid AS id, -bm25(search_articles, 10.0, 4.0, 1.0) AS score
  FROM search_articles WHERE search_articles MATCH :q ORDER BY search_articles.rowid LIMIT {window}
), best AS (SELECT id, score FROM window ORDER BY score DESC, id LIMIT 20)
SELECT a.id, ag.slug AS agreement, a.number, a.heading, best.score,
       snippet(search_articles, -1, '<mark>', '</mark>', '…', 24) AS snippet
FROM best JOIN articles a ON a.id = best.id JOIN agreements ag ON ag.id = a.agreement_id
JOIN search_articles ON search_articles.rowid = best.id
WHERE search_articles MATCH :q ORDER BY best.score DESC, best.id
""".format(window=RANK_WINDOW + 1)
SEARCH_FULL_SQL = """
SELECT a.id, ag.slug AS agreement, a.number, a.heading, -bm25(search_articles, 10.0, 4.0, 1.0) AS score,
       snippet(search_articles, -1, '<mark>', '</mark>', '…', 24) AS snippet
FROM search_articles JOIN articles a ON a.id = search_articles.rowid JOIN agreements ag ON ag.id = a.agreement_id
WHERE search_articles MATCH :q ORDER BY bm25(search_articles, 10.0, 4.0, 1.0), a.id LIMIT 20
"""
FACETS_SQL = """
WITH f AS (SELECT agreement_id AS id FROM agreement_parties WHERE party_id = :party_id)
SELECT 'party' AS facet, p.code AS value, count(*) AS n FROM agreement_parties ap JOIN parties p ON p.id = ap.party_id
  WHERE ap.agreement_id IN (SELECT id FROM f) GROUP BY p.code
UNION ALL
SELECT 'sector', s.slug, count(*) FROM agreement_sector_rollups x JOIN sectors s ON s.id = x.sector_id
  WHERE x.agreement_id IN (SELECT id FROM f) GROUP BY s.slug
UNION ALL
SELECT 'clause_type', c.slug, count(*) FROM agreement_clause_type_rollups x
  JOIN clause_types c ON c.id = x.clause_type_id WHERE x.agreement_id IN (SELECT id FROM f) GROUP BY c.slug
UNION ALL
SELECT 'status', status, count(*) FROM agreements WHERE id IN (SELECT id FROM f) GROUP BY status
UNION ALL
SELECT 'kind', kind, count(*) FROM agreements WHERE id IN (SELECT id FROM f) GROUP BY kind
"""
FACETS = "party,sector,clause_type,status,kind"


def pair_counts(db: Path) -> list[tuple[str, str, int]]:
    """Rows per (sector, party) article filter, largest first (cached beside the database)."""
    cache = db.parent / "pairs.json"
    if cache.exists():
        return [tuple(p) for p in json.loads(cache.read_text())]
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = con.execute("""
            SELECT s.slug, p.code, count(*) AS n
            FROM article_sectors x JOIN articles a ON a.id = x.article_id
            JOIN agreement_parties ap ON ap.agreement_id = a.agreement_id
            JOIN sectors s ON s.id = x.sector_id JOIN parties p ON p.id = ap.party_id
            GROUP BY x.sector_id, ap.party_id ORDER BY n DESC, s.slug, p.code
        """).fetchall()
    cache.write_text(json.dumps(rows))
    return rows


def article_filter(sector: str, party: str, **extra) -> str:
    return "/v1/articles?" + urllib.parse.urlencode({"sector": sector, "party": party, **extra})


def build_requests(settings: Settings, db: Path, app_port: int) -> tuple[dict, dict]:
    """{endpoint: {"app": [paths], "datasette": [paths]}} and a description of what was chosen."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        agreements = con.execute("SELECT id, slug FROM agreements ORDER BY id").fetchall()
        parties = [r[0] for r in con.execute(
            "SELECT code FROM parties WHERE id IN (SELECT party_id FROM agreement_parties) ORDER BY code")]
        party_id = dict(con.execute("SELECT code, id FROM parties"))
        sector_id = dict(con.execute("SELECT slug, id FROM sectors"))
    pk_by_slug = {slug: pk for pk, slug in agreements}
    pairs = pair_counts(db)
    listable = [(s, p, n) for s, p, n in pairs if n >= 50]
    deep_pairs = [(s, p, n) for s, p, n in pairs if n >= settings.deep_rows + 50][:5]
    csv_pairs = sorted(pairs, key=lambda t: abs(t[2] - settings.csv_rows))[:3]
    words = corpus.Generator(settings.scale).search_words(SEARCH_WORDS)
    requests: dict[str, dict[str, list[str]]] = {}
    info: dict[str, object] = {}

    requests["agreement_detail"] = {
        "app": [f"/v1/agreements/{slug}" for _, slug in agreements],
        "datasette": [f"/{DATASETTE_DB}/agreements/{pk}.json" for pk, _ in agreements],
    }
    info["agreement_detail"] = f"GET /v1/agreements/{{id}}, uniformly random over all {len(agreements):,} agreements"

    requests["article_list"] = {
        "app": [article_filter(s, p) for s, p, _ in listable],
        "datasette": [ds_sql(LIST_SQL, sector_id=sector_id[s], party_id=party_id[p]) for s, p, _ in listable],
    }
    info["article_list"] = (f"GET /v1/articles?sector=S&party=P (first page, 50 rows); random over all "
                            f"{len(listable):,} sector+party pairs with at least 50 articles "
                            f"(median {statistics.median(n for *_, n in listable):,.0f} rows)")

    if "article_list_deep" in settings.endpoints:
        app_deep, ds_deep = [], []
        for s, p, n in deep_pairs:
            cursor, (slug, number) = walk(app_port, s, p, settings.deep_rows)
            app_deep.append(article_filter(s, p, cursor=cursor))
            ds_deep.append(ds_sql(DEEP_SQL, sector_id=sector_id[s], party_id=party_id[p],
                                  after_agreement=pk_by_slug[slug], after_number=number))
        requests["article_list_deep"] = {"app": app_deep, "datasette": ds_deep}
        info["article_list_deep"] = (f"the same filter, 50 rows after a cursor {settings.deep_rows:,} rows in; "
                                     f"{len(deep_pairs)} pairs of {', '.join(str(n) for *_, n in deep_pairs)} rows")

    requests["search"] = {
        "app": ["/v1/articles?" + urllib.parse.urlencode({"q": w, "limit": 20}) for w in words],
        "datasette": [ds_sql(SEARCH_SQL, q=f'"{w}"') for w in words],
    }
    requests["search_full_rank"] = {"datasette": [ds_sql(SEARCH_FULL_SQL, q=f'"{w}"') for w in words]}
    info["search"] = (f"GET /v1/articles?q=WORD&limit=20: {SEARCH_WORDS} draws from the corpus vocabulary "
                      f"(Zipf s={corpus.SEARCH_SKEW} over word rank; common words included)")

    requests["agreement_facets"] = {
        "app": ["/v1/agreements?" + urllib.parse.urlencode({"party": p, "facets": FACETS}) for p in parties],
        "datasette": [ds_sql(FACETS_SQL, party_id=party_id[p]) for p in parties],
    }
    info["agreement_facets"] = f"GET /v1/agreements?party=P&facets={FACETS}, random over {len(parties)} parties"

    def ds_csv(s, p):
        where = ARTICLE_FILTER_SQL.replace(":sector_id", str(sector_id[s])).replace(":party_id", str(party_id[p]))
        where = " ".join(where.split()).replace("a.agreement_id", "articles.agreement_id").replace("a.id", "articles.id")
        return f"/{DATASETTE_DB}/articles.csv?" + urllib.parse.urlencode({"_stream": "on", "_size": "max", "_where": where})

    requests["csv_export"] = {
        "app": [article_filter(s, p, format="csv") for s, p, _ in csv_pairs],
        "datasette": [ds_csv(s, p) for s, p, _ in csv_pairs],
    }
    info["csv_export"] = (f"GET /v1/articles?sector=S&party=P&format=csv, filters of "
                          f"{', '.join(str(n) for *_, n in csv_pairs)} rows; Datasette: articles.csv?_stream=on&_where=")
    wanted = settings.endpoints + (["search_full_rank"] if "search" in settings.endpoints else [])
    return {k: v for k, v in requests.items() if k in wanted}, info


def walk(port: int, sector: str, party: str, rows: int) -> tuple[str, tuple]:
    """Page through a filter with limit=200 until `rows` rows are behind; return the cursor and the last row."""
    seen, cursor, last = 0, None, None
    while seen < rows:
        limit = min(200, rows - seen)
        extra = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = get_json(port, article_filter(sector, party, **extra))
        seen += len(page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            raise SystemExit(f"the walk through sector={sector} party={party} ended after {seen} rows")
        item = page["items"][-1]
        last = (item["agreement"], item["number"])
    return cursor, last


# -- the run -------------------------------------------------------------------------------------


def check_requests(port: int, name: str, paths: list[str], who: str) -> None:
    """Each kind of request answers 200 before it is timed (a benchmark of 400s measures nothing)."""
    for path in paths[:3]:
        status, _, body = http_get(port, path, timeout=120)
        if status != 200:
            raise SystemExit(f"{who} {name}: GET {path} answered {status}: {body[:600]!r}")


def drain(port: int, path: str, limit: float = 120) -> float:
    """Wait until the server has finished what the last load left queued (a client that went away
    does not stop a query already running or a connection already in the backlog): a probe through
    the same queue must answer fast twice in a row. Returns the seconds waited."""
    started = time.monotonic()
    fast = 0
    while fast < 2 and time.monotonic() - started < limit:
        t = time.monotonic()
        try:
            http_get(port, path, timeout=limit)
        except OSError:
            pass
        fast = fast + 1 if time.monotonic() - t < 0.1 else 0
    return time.monotonic() - started


DRAIN_PATHS = {"datasette": f"/{DATASETTE_DB}.json?sql=select+1&_shape=array"}


def measure(settings: Settings, targets: dict[str, tuple[int, dict[str, Path]]], ceiling_port: int,
            ceiling_paths: Path, floor: tuple[int, Path]) -> dict:
    """Interleaved rounds; returns {target: {endpoint: [wrk result per round]}}.

    Each round also loads the API's /healthz (no database, no schema: the cost of
    Flask, flask-smorest and the app's own request hooks alone), the floor under
    every endpoint."""
    runs: dict[str, dict[str, list]] = {"ceiling": {"ceiling": []}, "floor": {"healthz": []}}
    for who in targets:
        runs[who] = {e: [] for e in targets[who][1]}
    log(f"warming up ({len(settings.endpoints)} endpoints x {len(targets)} servers)")
    wrk(ceiling_port, ceiling_paths, 2)
    for who, (port, files) in targets.items():
        for endpoint, path in files.items():
            wrk(port, path, 2, seed=99)
            drain(port, DRAIN_PATHS.get(who, "/healthz"))
    for round_number in range(1, settings.rounds + 1):
        result = wrk(ceiling_port, ceiling_paths, settings.seconds, seed=round_number)
        runs["ceiling"]["ceiling"].append(result)
        floor_result = wrk(floor[0], floor[1], max(1.0, settings.seconds / 2), seed=round_number)
        runs["floor"]["healthz"].append(floor_result)
        log(f"round {round_number}/{settings.rounds}: ceiling {result['rps']:,.0f} rps; "
            f"api /healthz {floor_result['rps']:,.0f} rps")
        order = settings.endpoints + [e for files in (t[1] for t in targets.values()) for e in files
                                      if e not in settings.endpoints]
        for endpoint in dict.fromkeys(order):
            line = []
            for who, (port, files) in targets.items():
                if endpoint in files:
                    # A CSV of 10,000 rows behind 31 others may wait longer than 30 s: slow, not failed.
                    result = wrk(port, files[endpoint], settings.endpoint_seconds(endpoint), seed=round_number,
                                 timeout=120 if endpoint == "csv_export" else 30)
                    result["drain_s"] = round(drain(port, DRAIN_PATHS.get(who, "/healthz")), 1)
                    runs[who][endpoint].append(result)
                    line.append(f"{who} {result['rps']:,.1f} rps p99 {result['p99_us'] / 1000:,.0f} ms"
                                 + (f" ERRORS {result['errors']}" if result["errors"] else ""))
            log(f"round {round_number}/{settings.rounds}: {endpoint}: " + "; ".join(line))
    return runs


def soak_and_faults(settings: Settings, app: Server, mix: Path, slow_path: str, database_url: str) -> dict:
    out: dict[str, dict] = {}
    drain(app.port, "/healthz")
    log(f"soak: {settings.soak_seconds:.0f} s at {SOAK_CONNECTIONS} connections on a mix of the endpoints")
    soak = wrk(app.port, mix, settings.soak_seconds, connections=SOAK_CONNECTIONS, seed=7)
    out["soak"] = {
        "seconds": round(soak["duration_us"] / 1e6, 1), "connections": SOAK_CONNECTIONS,
        "requests": soak["requests"], "rps": round(soak["rps"], 1), "p99_ms": round(soak["p99_us"] / 1000, 1),
        "errors": soak["errors"],
    }
    log(f"soak: {out['soak']}")

    seconds = max(10.0, min(20.0, settings.seconds * 2))
    log(f"worker kill: SIGKILL to one gunicorn worker halfway through {seconds:.0f} s at {CONNECTIONS} connections")
    before = app.workers()
    process = wrk(app.port, mix, seconds, seed=8, background=True)
    time.sleep(seconds / 2)
    victim = before[len(before) // 2]
    # Kill it while it serves a request: wait (up to 2 s) until it holds a connection, stop it
    # (SIGSTOP: it can neither finish nor accept now) to count exactly what it holds, then SIGKILL.
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and not established(victim, app.port):
        time.sleep(0.001)
    os.kill(victim, signal.SIGSTOP)
    in_flight = established(victim, app.port)
    os.kill(victim, signal.SIGKILL)
    stdout, stderr = process.communicate()
    killed = parse_wrk(stdout, stderr)
    time.sleep(2)
    after = app.workers()
    status, _, _ = http_get(app.port, "/healthz")
    out["worker_kill"] = {
        "requests": killed["requests"], "errors": killed["errors"], "in_flight_at_kill": in_flight,
        "errors_by_kind": {k: killed[k] for k in ("connect", "read", "write", "status", "timeout")},
        "lost_only_in_flight": killed["errors"] <= in_flight,
        "workers_before": len(before), "workers_after": len(after), "replaced": victim not in after and len(after) == len(before),
        "healthz_after": status,
    }
    log(f"worker kill: {out['worker_kill']}")

    log("SIGTERM: the master is sent SIGTERM while every worker has a slow request in flight")
    server = gunicorn_server("api-sigterm", "api:create_app()", PORTS["sigterm"], database_url).start()
    workers = server.workers()
    for _ in range(len(workers) * 2):  # the workers open their engines
        http_get(server.port, "/readyz", timeout=120)
    results: list[dict] = []
    lock = threading.Lock()

    def fetch():
        started = time.perf_counter()
        try:
            status, _, body = http_get(server.port, slow_path, timeout=120)
            record = {"status": status, "bytes": len(body)}
        except Exception as error:  # noqa: BLE001 -- any failure is the figure being measured
            record = {"status": None, "error": f"{type(error).__name__}: {error}"}
        record["seconds"] = round(time.perf_counter() - started, 3)
        with lock:
            results.append(record)

    threads = [threading.Thread(target=fetch) for _ in workers]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and sum(established(w, server.port) > 0 for w in workers) < len(workers):
        time.sleep(0.002)
    in_flight = sum(established(w, server.port) for w in workers)
    signalled = time.perf_counter()
    os.kill(server.pid, signal.SIGTERM)
    for thread in threads:
        thread.join()
    try:
        server.process.wait(60)
        exit_seconds = round(time.perf_counter() - signalled, 2)
    except subprocess.TimeoutExpired:
        exit_seconds = None
    server.stop()
    full = max((r.get("bytes", 0) for r in results), default=0)
    completed = sum(1 for r in results if r["status"] == 200 and r.get("bytes") == full)
    out["sigterm"] = {
        "requests": len(results), "in_flight_at_sigterm": in_flight, "completed_200": completed,
        "errors": len(results) - completed, "slowest_s": max(r["seconds"] for r in results),
        "master_exit_s": exit_seconds, "path": slow_path,
    }
    log(f"SIGTERM: {out['sigterm']}")
    return out


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))

    def version(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return None

    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "gunicorn": version([str(BIN / "gunicorn"), "--version"]),
        "datasette": version([str(BIN / "datasette"), "--version"]),
        "wrk": (version(["wrk", "-v"]) or "").split(" [")[0],
        "load_average_at_start": os.getloadavg()[0],
    }


def evaluate(endpoints: dict, import_: dict, rss: float, faults: dict | None) -> list[dict]:
    out = []
    for endpoint, field, op, bound in TARGETS:
        if endpoint not in endpoints:
            continue
        value = endpoints[endpoint][field]
        met = value is not None and (value >= bound if op == ">=" else value <= bound)
        out.append({"target": f"{endpoint} {field} {op} {bound}", "value": value, "met": met})
    errors = sum(e["errors"] for e in endpoints.values())
    out.append({"target": "zero errors (all endpoints)", "value": errors, "met": errors == 0})
    out.append({"target": "import rows_per_s >= 30000", "value": import_["rows_per_s"],
                "met": import_["rows_per_s"] >= 30000})
    out.append({"target": "rss_mb_per_worker <= 100", "value": rss, "met": rss <= 100})
    if faults:
        out.append({"target": "soak: zero errors", "value": faults["soak"]["errors"], "met": faults["soak"]["errors"] == 0})
        k = faults["worker_kill"]
        out.append({"target": "worker kill loses only in-flight requests",
                    "value": f"{k['errors']} errors, {k['in_flight_at_kill']} in flight", "met": k["lost_only_in_flight"]})
        t = faults["sigterm"]
        out.append({"target": "SIGTERM: in-flight requests complete",
                    "value": f"{t['completed_200']}/{t['requests']} completed, {t['in_flight_at_sigterm']} in flight",
                    "met": t["errors"] == 0})
    return out


def table(result: dict) -> str:
    rows = [f"{'endpoint':<20}{'rps':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'x ceiling':>11}{'x Datasette':>13}"
            f"{'Datasette rps':>15}"]
    c = result["ceiling"]
    rows.append(f"{'ceiling (1 KB)':<20}{c['rps']:>10,.1f}{c['p50_ms']:>9.1f}{c['p99_ms']:>9.1f}{c['errors']:>8}"
                 f"{1:>11.3f}{'':>13}{'':>15}")
    for name, e in result["endpoints"].items():
        ds = result["datasette"].get(name, {})
        ratio = f"{e['ratio_datasette']:.2f}" if e["ratio_datasette"] is not None else "-"
        rows.append(f"{name:<20}{e['rps']:>10,.1f}{e['p50_ms']:>9.1f}{e['p99_ms']:>9.1f}{e['errors']:>8}"
                    f"{e['ratio_ceiling']:>11.4f}{ratio:>13}{ds.get('rps', 0):>15,.1f}")
    return "\n".join(rows)


def main() -> None:
    settings = Settings()
    started = dt.datetime.now(dt.timezone.utc)
    wrk_path = ensure_wrk()
    log(f"scale {settings.scale:g}, {settings.seconds:g} s per endpoint per round, {settings.rounds} rounds, "
        f"{CONNECTIONS} connections (wrk: {wrk_path})")
    WORK.mkdir(parents=True, exist_ok=True)
    machine_info = machine()
    corpus_dir, counts = prepare_corpus(settings)
    db, import_meta = prepare_sqlite(settings, corpus_dir, counts)
    pg_import = prepare_postgresql(settings, corpus_dir, counts) if settings.database_url else None
    sqlite_url = f"sqlite:///{db}"

    servers: list[Server] = []
    try:
        app = gunicorn_server("api", "api:create_app()", PORTS["app"], sqlite_url).start()
        servers.append(app)
        ceiling = gunicorn_server("ceiling", "bench.ceiling:app", PORTS["ceiling"]).start()
        servers.append(ceiling)
        datasette = datasette_server(db).start()
        servers.append(datasette)
        app_pg = None
        if settings.database_url:
            app_pg = gunicorn_server("api-postgresql", "api:create_app()", PORTS["app_pg"], settings.database_url).start()
            servers.append(app_pg)

        rss_boot = [round(rss_mb(pid), 1) for pid in app.workers()]
        requests, chosen = build_requests(settings, db, app.port)
        files: dict[str, dict[str, Path]] = {"api": {}, "datasette": {}}
        if app_pg:
            files["api_postgresql"] = {}
        for endpoint, by_target in requests.items():
            check_requests(datasette.port, endpoint, by_target["datasette"], "datasette")
            files["datasette"][endpoint] = write_paths(f"datasette-{endpoint}", by_target["datasette"])
            if "app" not in by_target:
                continue
            check_requests(app.port, endpoint, by_target["app"], "api")
            files["api"][endpoint] = write_paths(f"api-{endpoint}", by_target["app"])
            if app_pg:
                check_requests(app_pg.port, endpoint, by_target["app"], "api (PostgreSQL)")
                files["api_postgresql"][endpoint] = files["api"][endpoint]
        ceiling_paths = write_paths("ceiling", ["/"])
        ports = {"api": app.port, "datasette": datasette.port, "api_postgresql": PORTS["app_pg"]}
        runs = measure(settings, {who: (ports[who], f) for who, f in files.items()}, ceiling.port, ceiling_paths,
                       (app.port, write_paths("healthz", ["/healthz"])))

        rss = [round(rss_mb(pid), 1) for pid in app.workers()]
        pss = [round(pss_mb(pid), 1) for pid in app.workers()]
        ceiling_agg = aggregate(runs["ceiling"]["ceiling"])
        floor_agg = aggregate(runs["floor"]["healthz"])
        floor_agg["ratio_ceiling"] = round(floor_agg["rps"] / ceiling_agg["rps"], 4)
        endpoints, ds_out, pg_out, api_out = {}, {}, {}, {}
        ds_extra = aggregate(runs["datasette"]["search_full_rank"]) if "search_full_rank" in requests else None
        if ds_extra:
            ds_extra["ratio_ceiling"] = round(ds_extra["rps"] / ceiling_agg["rps"], 4)
        for endpoint in settings.endpoints:
            mine = aggregate(runs["api"][endpoint])
            api_out[endpoint] = mine
            ds = aggregate(runs["datasette"][endpoint])
            endpoints[endpoint] = {
                "rps": mine["rps"], "p50_ms": mine["p50_ms"], "p99_ms": mine["p99_ms"], "errors": mine["errors"],
                "ratio_ceiling": round(mine["rps"] / ceiling_agg["rps"], 4),
                "ratio_datasette": round(mine["rps"] / ds["rps"], 2) if ds["rps"] else None,
            }
            ds_out[endpoint] = {**ds, "ratio_ceiling": round(ds["rps"] / ceiling_agg["rps"], 4)}
            if endpoint == "search" and ds_extra:
                # The API's search over Datasette ranking every match (not the same query: see SEARCH_FULL_SQL).
                ds_out["search_full_rank"] = {**ds_extra, "api_search_ratio": round(mine["rps"] / ds_extra["rps"], 2)}
            if app_pg:
                pg = aggregate(runs["api_postgresql"][endpoint])
                pg_out[endpoint] = {**pg, "ratio_ceiling": round(pg["rps"] / ceiling_agg["rps"], 4)}

        faults = None
        if settings.faults:
            mix_rng = random.Random(5)
            weights = {"agreement_detail": 40, "article_list": 25, "article_list_deep": 10, "search": 15,
                       "agreement_facets": 10}
            mix = []
            for endpoint, weight in weights.items():
                if endpoint in requests:
                    mix += [mix_rng.choice(requests[endpoint]["app"]) for _ in range(weight * 20)]
            pairs = pair_counts(db)
            slow = min(pairs, key=lambda t: abs(t[2] - CSV_ROWS))  # a CSV of about 10,000 rows, at any scale
            faults = soak_and_faults(settings, app, write_paths("mix", mix), article_filter(slow[0], slow[1], format="csv"),
                                     sqlite_url)
    finally:
        for server in reversed(servers):
            server.stop()

    db_bytes = sum(p.stat().st_size for p in db.parent.glob(f"{db.name}*"))
    result = {
        "endpoints": endpoints,
        "import": {"rows_per_s": import_meta["rows_per_s"], "seconds": import_meta["seconds"]},
        "db_size_mb": round(db_bytes / 1024 / 1024, 1),
        "rss_mb_per_worker": max(rss) if rss else None,
        "machine": machine_info,
        "ceiling": ceiling_agg,
        "api_floor_healthz": floor_agg,
        "api": api_out,
        "datasette": ds_out,
        "resilience": faults,
        "run": {
            "scale": settings.scale, "seconds": settings.seconds, "rounds": settings.rounds,
            "connections": CONNECTIONS, "workers": len(rss), "rss_mb_workers": rss, "pss_mb_workers": pss,
            "rss_mb_workers_at_boot": rss_boot,
            "corpus": counts, "import": import_meta, "requests": chosen, "raw": runs,
            "started": started.isoformat(timespec="seconds"),
            "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        },
    }
    if settings.database_url:
        result["postgresql"] = {"import": pg_import, "endpoints": pg_out}
    result["targets"] = evaluate(endpoints, result["import"], result["rss_mb_per_worker"] or 0, faults)

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    tmp = RESULTS.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=2) + "\n")
    os.replace(tmp, RESULTS)

    print()
    print(f"Scale {settings.scale:g} ({counts['agreements']:,} agreements, {counts['articles']:,} articles), "
          f"{settings.rounds} rounds x {settings.seconds:g} s, {CONNECTIONS} connections, "
          f"{len(rss)} gunicorn workers; {machine_info['cpu']}, {machine_info['cores']} cores")
    print(table(result))
    full = result["datasette"].get("search_full_rank")
    if full:
        print(f"(Datasette ranking every match of the search, not the API's windowed query: {full['rps']:,.1f} rps; "
              f"API search = {full['api_search_ratio']} x that)")
    f = result["api_floor_healthz"]
    print(f"{'(api /healthz floor)':<20}{f['rps']:>10,.1f}{f['p50_ms']:>9.1f}{f['p99_ms']:>9.1f}{f['errors']:>8}"
          f"{f['ratio_ceiling']:>11.4f}")
    print(f"import: {result['import']['rows_per_s']:,} articles/s ({result['import']['seconds']} s"
          f"{', cached' if import_meta.get('cached') else ''}{', STALE: import code changed' if import_meta.get('stale') else ''}"
          f"); database {result['db_size_mb']} MB; "
          f"RSS per worker {result['rss_mb_per_worker']} MB")
    if settings.database_url:
        print(f"PostgreSQL: import {pg_import['rows_per_s']:,} articles/s; "
              + "; ".join(f"{k} {v['rps']:,.1f} rps" for k, v in pg_out.items()))
    if faults:
        s, k, t = faults["soak"], faults["worker_kill"], faults["sigterm"]
        print(f"soak: {s['seconds']} s at {s['connections']} connections, {s['requests']:,} requests, "
              f"{s['errors']} errors, p99 {s['p99_ms']} ms")
        print(f"worker SIGKILL: {k['errors']} errors with {k['in_flight_at_kill']} request(s) in flight in the "
              f"killed worker, out of {k['requests']:,}; worker replaced: {k['replaced']}")
        print(f"master SIGTERM: {t['completed_200']}/{t['requests']} in-flight requests completed with 200 "
              f"({t['in_flight_at_sigterm']} in flight), master exited after {t['master_exit_s']} s")
    print("targets:")
    for t in result["targets"]:
        print(f"  {'met   ' if t['met'] else 'MISSED'} {t['target']}: {t['value']}")
    print(f"written: {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
