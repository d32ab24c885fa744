"""A gunicorn of our own on 127.0.0.1 for the benchmarks that load the app over HTTP."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, *options: str, **popen) -> subprocess.Popen:
    """gunicorn serving the app on `port` as `make run` starts it (config/gunicorn.conf.py), in a
    process group of its own (stop it with os.killpg), once it answers connections."""
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            *("--config", str(ROOT / "config" / "gunicorn.conf.py")),
            *("--bind", f"127.0.0.1:{port}", "--log-level", "warning"),
            *options,
        ],
        cwd=ROOT,
        start_new_session=True,
        **popen,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    os.killpg(server.pid, signal.SIGTERM)
    raise RuntimeError("gunicorn did not start")
