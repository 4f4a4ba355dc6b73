"""The BlobStore port."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Protocol


@dataclass(frozen=True)
class BlobInfo:
    """What the store knows about one object."""

    name: str
    size: int
    generation: str


@dataclass(frozen=True)
class UploadForm:
    """An HTML form target that sends a file straight to the bucket: the form's action URL and
    the hidden fields (a signed policy) that must travel with the file."""

    url: str
    fields: dict[str, str]


class BlobStore(Protocol):
    """A bucket: streamed reads and writes of named objects."""

    def open_read(self, name: str) -> BinaryIO:
        """A streaming, seekable binary reader (FileNotFoundError when missing)."""
        ...

    def write(self, name: str, source: BinaryIO | bytes) -> BlobInfo:
        """Store bytes (streamed from a file object, or given) under `name`."""
        ...

    def info(self, name: str) -> BlobInfo:
        """Size and generation of an object (FileNotFoundError when missing)."""
        ...

    def move(self, name: str, new_name: str) -> BlobInfo:
        """Move an object to a new name."""
        ...

    def list(self, prefix: str = "") -> list[BlobInfo]:
        """Objects whose names start with `prefix`, sorted by name."""
        ...

    def delete(self, name: str) -> None:
        """Remove an object (no error when missing)."""
        ...

    def upload_form(
        self, name: str, redirect_url: str, max_bytes: int, expires_seconds: int
    ) -> UploadForm | None:
        """A signed form a browser can post `name` to directly (then redirected to
        `redirect_url`), or None when files reach this store through the application."""
        ...
