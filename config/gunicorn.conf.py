"""How gunicorn runs Marginalia's workers, for `make run` and the benchmarks (bench/server.py);
the command line adds the address and the number of workers."""

import gc

from django.urls import resolve


def post_worker_init(worker) -> None:
    """Once a worker has loaded the app and its URLs (with every view module they import), what
    it loaded lives as long as the worker: frozen, it is left out of the garbage collector's
    walks. A full collection otherwise walked ~130,000 objects and held up the request in hand
    for 70 ms on a quiet machine (180 ms on a busy one), the chapter page's worst tail."""
    resolve("/")
    gc.collect()
    gc.freeze()
