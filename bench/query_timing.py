"""The queries a request sends, each timed: how the benches tell a page's SQL from the rest."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def timed_queries() -> Iterator[list[tuple[float, str, object]]]:
    """(milliseconds, SQL, parameters) of each query sent inside the block, in order."""
    queries = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql, params))

    with connection.execute_wrapper(record):
        yield queries
