"""A writer's CPU-bound work on the other cores: calls run in worker processes.

Rendering every document after an import is CPU work in Python (building the dicts,
dumping, encoding) on rows that the writer reads in its own transaction, which no other
connection can see. So the writer reads a batch's rows and hands them to a worker process,
and writes the documents of earlier batches while the workers build the next ones.

The workers are forked from the writer, so they hold the same app, settings and compiled
serialisers; they take their arguments and send their results by pickle, and never touch
the writer's database connection (multiprocessing ends a forked process with `os._exit`:
it closes nothing of the writer's; the writer's output is flushed before the fork, or the
workers would write it again). They are forked once per `results`, not per call: a child
forked from a process holding an import's gigabytes copies every page that it or its
parent writes to afterwards, and forking one per task had made rendering no faster.

A call that fails in a worker fails the caller with the worker's traceback, and a worker
that dies fails it too. Where `fork` is missing, or there is only one call, the calls run
in the caller's process.
"""
from __future__ import annotations

import collections
import itertools
import multiprocessing
import os
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator

# Worker processes at once: one per core, as the writer's reads and writes take less time than
# the building. At most four: one writer reads every batch's rows, and more would wait for it.
CHILDREN = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


class ChildFailed(RuntimeError):
    """A call failed in its worker process, or the process died; the message says how."""


def results(calls: Iterable[tuple[Callable, tuple]]) -> Iterator:
    """`function(*args)` for each `(function, args)` of `calls`, in order. With two calls or more,
    they run in worker processes, `CHILDREN` at a time with one more queued, while the caller
    takes the next call (doing whatever reads that takes) and uses the results that are ready.
    The functions and arguments must pickle: module-level functions, plain data."""
    calls = iter(calls)
    first, second = next(calls, None), next(calls, None)
    if second is None or "fork" not in multiprocessing.get_all_start_methods():
        for function, args in itertools.chain(filter(None, (first, second)), calls):
            yield function(*args)
        return
    sys.stdout.flush()
    sys.stderr.flush()
    executor = ProcessPoolExecutor(CHILDREN, mp_context=multiprocessing.get_context("fork"))
    pending: collections.deque[Future] = collections.deque()
    try:
        for function, args in itertools.chain([first, second], calls):
            pending.append(executor.submit(function, *args))
            if len(pending) > CHILDREN:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    finally:  # after a failure, or a caller that stopped early: what is still queued is moot
        executor.shutdown(wait=True, cancel_futures=True)


def _result(future: Future):
    try:
        return future.result()
    except BrokenProcessPool as error:
        raise ChildFailed(f"a worker process ended without a result: {error}") from None
    except Exception as error:
        remote = getattr(error.__cause__, "tb", None)  # the worker's traceback, as text
        raise ChildFailed(f"a call failed in a worker process:\n{remote or repr(error)}") from error
