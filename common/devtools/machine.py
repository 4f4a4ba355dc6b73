"""What machine a benchmark ran on (printed with every benchmark)."""

from __future__ import annotations

import contextlib
import os
import platform

from sqlalchemy import text


def machine_info(engine=None) -> dict:
    """CPU model and count, memory, OS, Python and (when given an engine) Postgres version."""
    import psutil  # the `local` extra: imported when a benchmark runs, not with the CLI

    model = platform.processor() or "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    info = {
        "cpu_model": model,
        "cpu_count": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
    }
    if engine is not None:
        with engine.connect() as conn:
            info["postgres"] = conn.execute(text("SHOW server_version")).scalar()
    return info
