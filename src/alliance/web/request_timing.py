"""Where a request's time goes, for the load bench only (``bench/web.py``).

Enabled by ``ALLIANCE_REQUEST_TIMING=1`` (the bench sets it on the server it starts; nothing
else does): the settings then put :class:`RequestTimingMiddleware` first, and every answer
carries an ``X-Request-Timing`` header with

- ``wall``: the request's wall time inside Django (all middleware, the view, the template),
- ``cpu``: the CPU time of the thread that served it (``time.thread_time``) in that window,
- ``db`` / ``dbcpu`` / ``q``: the summed wall time of its queries, the thread's CPU time
  spent inside them (the driver's own work: building the statement, reading the rows), and
  their number,
- ``connect``: the wall time spent opening a database connection,
- ``pid`` / ``tid`` / ``start``: the process and thread, and when it started (epoch seconds),

all times in milliseconds but ``start``. The rest of the wall — neither the thread's own CPU
nor the database — is waiting: for the interpreter lock held by another thread of the same
process, or for a core taken by another process.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-Timing"
ENVIRONMENT_VARIABLE = "ALLIANCE_REQUEST_TIMING"


class _Counter:
    """The queries of one request: an ``execute_wrapper`` summing wall and CPU time."""

    def __init__(self) -> None:
        self.queries = 0
        self.wall = 0.0
        self.cpu = 0.0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return execute(sql, params, many, context)
        finally:
            self.wall += time.perf_counter() - wall
            self.cpu += time.thread_time() - cpu
            self.queries += 1


_local = threading.local()


def _timed_connect(connection: Any) -> None:
    """Count the time this thread's connection spends opening (once per connection object:
    Django keeps one per thread)."""
    if getattr(connection, "_request_timing_connect", False):
        return
    connect = connection.connect

    def timed() -> None:
        started = time.perf_counter()
        try:
            connect()
        finally:
            counter = getattr(_local, "connect", None)
            if counter is not None:
                counter[0] += time.perf_counter() - started

    connection.connect = timed
    connection._request_timing_connect = True


def timing_header(wall: float, cpu: float, counter: _Counter, connect: float, start: float) -> str:
    """The header's value (times in seconds in, milliseconds out)."""
    return (
        f"wall={wall * 1000:.2f};cpu={cpu * 1000:.2f};db={counter.wall * 1000:.2f};"
        f"dbcpu={counter.cpu * 1000:.2f};q={counter.queries};connect={connect * 1000:.2f};"
        f"pid={os.getpid()};tid={threading.get_ident()};start={start:.6f}"
    )


def parse_timing(value: str) -> dict[str, float]:
    """The header back into numbers (what the bench reads)."""
    return {key: float(number) for key, _, number in (p.partition("=") for p in value.split(";"))}


class RequestTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection = connections["default"]
        _timed_connect(connection)
        counter = _Counter()
        _local.connect = [0.0]
        start = time.time()
        wall, cpu = time.perf_counter(), time.thread_time()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        cpu = time.thread_time() - cpu
        wall = time.perf_counter() - wall
        response[HEADER] = timing_header(wall, cpu, counter, _local.connect[0], start)
        _local.connect = None
        return response
