"""gunicorn settings for `make run` and the benchmark: a plain settings module."""
import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sync workers: each request is short, CPU-bound work on one connection.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30  # SIGTERM lets in-flight requests finish within this
keepalive = 5
# GUNICORN_MAX_REQUESTS=N replaces each worker after about N requests (jittered), should a
# deployment ever see a worker's memory grow. Off by default: a worker held 62 MB at boot and
# 78 MB after the full benchmark, well inside its budget, while at a few hundred requests a
# second a worker booting every few seconds pushed the p99 of agreement detail from 45 ms to
# 0.6-1 s (make bench, BENCHMARKS.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# The application writes one structured JSON access line per request to stdout
# (logger api.access, with its request id); GUNICORN_ACCESS_LOG=- adds gunicorn's own.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '{"remote": "%(h)s", "request": "%(r)s", "status": %(s)s, "bytes": "%(B)s", "duration_us": %(D)s, "request_id": "%({x-request-id}o)s"}'

# Request limits sit above the application's own (api/guard.py: a 4 KiB query
# string, a 1 KiB path, 100 headers of at most 8 KiB, 16 KiB in all), so that
# every request the application can see is answered with its problem+json.
# Only a request beyond these, gunicorn's hard maxima, gets a bare 414 or 431.
limit_request_line = 8190  # gunicorn's maximum
limit_request_fields = 200
limit_request_field_size = 16380
# The app is not preloaded: every worker imports it and opens its own
# database engine after the fork, so no connection pool crosses processes.
preload_app = False
