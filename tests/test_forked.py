"""api/forked.py: calls in worker processes, results in order, failures reported, nothing left behind."""
from __future__ import annotations

import os
import signal

import pytest

from api import forked


def _pid_and(value):
    return os.getpid(), value


def _fail(message):
    raise ValueError(message)


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


def _none_left(pids):
    """Every one of them has ended and been waited for: none is running, none is a zombie."""
    assert pids
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_the_calls_run_in_worker_processes_and_the_results_come_in_order():
    answers = list(forked.results((_pid_and, (n,)) for n in range(40)))
    assert [value for _, value in answers] == list(range(40))
    workers = {pid for pid, _ in answers}
    assert os.getpid() not in workers and 1 <= len(workers) <= forked.CHILDREN
    _none_left(workers)


def test_a_single_call_runs_in_the_callers_process():
    assert list(forked.results([(_pid_and, ("only",))])) == [(os.getpid(), "only")]
    assert list(forked.results([])) == []


def test_a_call_that_fails_in_a_worker_fails_the_caller_with_the_workers_traceback():
    results = forked.results([(_pid_and, (1,)), (_fail, ("no such sector",)), (_pid_and, (3,))])
    worker, _ = next(results)
    with pytest.raises(forked.ChildFailed, match=r"(?s)Traceback.*ValueError: no such sector"):
        next(results)
    _none_left([worker])


def test_a_worker_that_dies_fails_the_caller():
    with pytest.raises(forked.ChildFailed, match="ended without a result"):
        list(forked.results([(_pid_and, (1,)), (_die, ()), (_pid_and, (2,))]))


def test_a_caller_that_stops_early_leaves_no_worker_behind():
    results = forked.results((_pid_and, (n,)) for n in range(20))
    worker, first = next(results)
    assert first == 0
    results.close()
    _none_left([worker])
