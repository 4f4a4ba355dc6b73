"""A folder that behaves like a bucket (the local default)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from common.storage.port import BlobInfo, UploadForm


class LocalFolderStore:
    """Objects are files below `root`; the generation is the file's mtime in nanoseconds."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, name: str) -> Path:
        parts = PurePosixPath(name).parts
        if not name or name.startswith("/") or ".." in parts:
            raise ValueError("object names are relative and may not contain '..'")
        return self.root.joinpath(*parts)

    def open_read(self, name: str) -> BinaryIO:
        """Open the object's file for streaming reads."""
        return open(self._path(name), "rb")  # noqa: SIM115 - the caller closes it

    def write(self, name: str, source: BinaryIO | bytes) -> BlobInfo:
        """Write atomically (temp file + rename), like a finalized GCS object."""
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.partial")
        with open(tmp, "wb") as out:
            if isinstance(source, bytes | bytearray):
                out.write(source)
            else:
                shutil.copyfileobj(source, out, 1 << 20)
        os.replace(tmp, path)
        return self.info(name)

    def info(self, name: str) -> BlobInfo:
        """Size and mtime-based generation."""
        stat = self._path(name).stat()
        return BlobInfo(name=name, size=stat.st_size, generation=str(stat.st_mtime_ns))

    def move(self, name: str, new_name: str) -> BlobInfo:
        """Rename within the folder."""
        target = self._path(new_name)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._path(name), target)
        return self.info(new_name)

    def list(self, prefix: str = "") -> list[BlobInfo]:
        """Every finished object below the root whose name starts with `prefix`."""
        if not self.root.exists():
            return []
        found = []
        for path in self.root.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                name = path.relative_to(self.root).as_posix()
                if name.startswith(prefix):
                    found.append(self.info(name))
        return sorted(found, key=lambda b: b.name)

    def delete(self, name: str) -> None:
        """Remove the file if present."""
        self._path(name).unlink(missing_ok=True)

    def upload_form(
        self, name: str, redirect_url: str, max_bytes: int, expires_seconds: int
    ) -> UploadForm | None:
        """None: a browser cannot reach a folder, so the portal receives the file and writes
        it here."""
        return None
