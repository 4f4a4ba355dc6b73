"""Streaming CSV reader for claim files (SPEC 2.1–2.2): one pass, constant memory.

A reader turns one object into a header and numbered rows of strings; `RowSource` is that
narrow interface, so another format (X12 835) is one more module beside this one.
Row numbers count data records from 1 (the header is not counted; blank records are skipped but
keep their number), so "row 17" is spreadsheet line 18 when nothing spans lines.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

DELIMITERS = ",;\t"
_BOM = codecs.BOM_UTF8
_PREFIX_BYTES = 1 << 16  # read ahead for encoding and delimiter decisions, then replayed
_SNIFF_CHARS = 16_384
# cp1252 leaves these bytes undefined; a file using them is decoded as latin-1 instead.
_CP1252_HOLES = frozenset(b"\x81\x8d\x8f\x90\x9d")
_FALLBACK_HANDLER = "upstream.cp1252_latin1"


class CsvFormatError(ValueError):
    """The file is not parseable CSV at a given row (message has no cell values)."""


@dataclass(frozen=True)
class ByteFacts:
    """What one pass over the raw bytes tells us before parsing."""

    sha256: str
    size: int
    utf8_ok: bool
    has_bom: bool


class RowSource(Protocol):
    """What ingestion needs from any claim-file reader."""

    encoding: str
    delimiter: str
    header: list[str]

    def __iter__(self) -> Iterator[tuple[int, list[str]]]: ...


def inspect_bytes(chunks: Iterable[bytes]) -> ByteFacts:
    """Hash, size and UTF-8 validity of a byte stream in one constant-memory pass."""
    digest, size, head = hashlib.sha256(), 0, b""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8_ok = True
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
        if len(head) < len(_BOM):
            head += chunk[: len(_BOM) - len(head)]
        # ASCII chunks with no pending multi-byte sequence cannot break UTF-8: skip decoding.
        if utf8_ok and not (chunk.isascii() and not decoder.getstate()[0]):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8_ok = False
    if utf8_ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    return ByteFacts(digest.hexdigest(), size, utf8_ok, head == _BOM)


class CsvSource:
    """Header and `(row_number, values)` rows of one CSV stream; iterate once."""

    def __init__(self, text: io.TextIOWrapper, encoding: str, delimiter: str) -> None:
        self.encoding = encoding
        self.delimiter = delimiter
        self._text = text
        self._reader = csv.reader(text, delimiter=delimiter)
        self.header: list[str] = self._first_filled_row()

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        """Data rows numbered from 1 after the header; blank records skipped, still counted."""
        try:
            for number, row in enumerate(self._reader, 1):
                if row and (row[0] or any(row)):
                    yield number, row
        except csv.Error as exc:
            raise self._format_error(exc) from None

    def _first_filled_row(self) -> list[str]:
        try:
            return next((row for row in self._reader if row and any(row)), [])
        except csv.Error as exc:
            raise self._format_error(exc) from None

    def _format_error(self, exc: csv.Error) -> CsvFormatError:
        # csv.Error texts describe syntax only, never cell contents, so they are safe to show.
        return CsvFormatError(f"line {self._reader.line_num}: malformed CSV ({exc})")

    def close(self) -> None:
        """Release the decoder (the caller still owns and closes the binary stream)."""
        self._text.close()


def open_csv_rows(binary: BinaryIO, utf8_ok: bool) -> CsvSource:
    """Decode (UTF-8, else cp1252/latin-1), sniff the delimiter and read the header."""
    prefix = _read_prefix(binary)
    if not utf8_ok and prefix.startswith(_BOM):
        prefix = prefix[len(_BOM) :]  # a BOM on a file that is not UTF-8 after all is not data
    if utf8_ok:
        encoding, codec, errors = "utf-8", "utf-8-sig", "strict"
    elif _CP1252_HOLES.isdisjoint(prefix):
        encoding, codec, errors = "cp1252", "cp1252", _fallback_handler()
    else:
        encoding, codec, errors = "latin-1", "latin-1", "strict"
    cut = prefix.rfind(b"\n") + 1 or len(prefix)  # decode whole lines only
    sample = prefix[:cut].decode(codec, errors="replace")[:_SNIFF_CHARS]
    sample = sample[: sample.rfind("\n") + 1] or sample
    buffered = io.BufferedReader(_Replay(prefix, binary), buffer_size=_PREFIX_BYTES)
    text = io.TextIOWrapper(buffered, encoding=codec, errors=errors, newline="")
    return CsvSource(text, encoding, sniff_delimiter(sample))


def sniff_delimiter(sample: str) -> str:
    """`,`, `;` or tab: csv.Sniffer's guess when the header agrees, else the header's count."""
    header = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    best = max(counts.values())
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        guess = None
    if guess in counts and counts[guess] == best:
        return guess
    # Ties (and single-column files) fall back to comma, the common export format.
    return next(d for d in DELIMITERS if counts[d] == best)


def _count_outside_quotes(line: str, delimiter: str) -> int:
    return sum(part.count(delimiter) for part in line.split('"')[::2])


def _read_prefix(binary: BinaryIO) -> bytes:
    parts, size = [], 0
    while size < _PREFIX_BYTES:
        chunk = binary.read(_PREFIX_BYTES - size)
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)


def _fallback_handler() -> str:
    # Registered lazily (nothing built at import). Stray undefined cp1252 bytes past the
    # sampled prefix decode as their latin-1 code points instead of failing the whole load.
    try:
        codecs.lookup_error(_FALLBACK_HANDLER)
    except LookupError:
        codecs.register_error(
            _FALLBACK_HANDLER,
            lambda exc: (exc.object[exc.start : exc.end].decode("latin-1"), exc.end),
        )
    return _FALLBACK_HANDLER


class _Replay(io.RawIOBase):
    """Serve the already-read prefix, then the rest of the caller's stream (not closed here)."""

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
