"""Streaming CSV reader for claim files (SPEC 2.1–2.2): one pass, constant memory.

A reader turns one object into a header and numbered rows of strings; `RowSource` is that
narrow interface, so another format (X12 835) is one more module beside this one.
Row numbers count data records from 1 (the header is not counted; blank records are skipped but
keep their number), so "row 17" is spreadsheet line 18 when nothing spans lines and no title
lines sit above the header.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from common.domain import rules

DELIMITERS = ",;\t"
HEADER_SEARCH_LINES = 20  # the header is among the first 20 non-empty lines (SPEC 2.2)
_BOM = codecs.BOM_UTF8
_UTF16_BOMS = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}
# Excel writes "sep=;" as a first line to tell itself the delimiter.
_EXCEL_SEP_LINE = re.compile(r"\ufeff?sep=(.)\s*")
# Control characters (not tab/CR/LF) in a header mean the bytes were decoded wrongly.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PREFIX_BYTES = 1 << 16  # read ahead for encoding and delimiter decisions, then replayed
_SNIFF_CHARS = 16_384
# cp1252 leaves these bytes undefined; a file using them is decoded as latin-1 instead.
_CP1252_HOLES = frozenset(b"\x81\x8d\x8f\x90\x9d")
_FALLBACK_HANDLER = "upstream.cp1252_latin1"


class CsvFormatError(ValueError):
    """The file is not parseable at a given row (message has no cell values)."""

    def __init__(self, message: str, rule: str = rules.FILE_MALFORMED) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class ByteFacts:
    """What one pass over the raw bytes tells us before parsing."""

    sha256: str
    size: int
    utf8_ok: bool
    has_bom: bool
    has_nul: bool = False
    utf16: bool = False  # starts with a UTF-16 byte-order mark
    x12: bool = False  # an 835 remittance file (by its name or its ISA start), not CSV

    @property
    def stray_nul(self) -> bool:
        """NUL bytes in a file that is not UTF-16: text decoded from them would be garbage."""
        return self.has_nul and not self.utf16


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
    utf8_ok, has_nul = True, False
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
        has_nul = has_nul or b"\x00" in chunk
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
    utf16 = head[:2] in _UTF16_BOMS
    return ByteFacts(digest.hexdigest(), size, utf8_ok, head == _BOM, has_nul, utf16)


class CsvSource:
    """Header and `(row_number, values)` rows of one CSV stream; iterate once.

    The header is the first of the first 20 non-empty records that `is_header` accepts (the
    first non-empty record when none does); non-empty records above it are `preamble_lines`.
    """

    def __init__(
        self,
        text: io.TextIOWrapper,
        encoding: str,
        delimiter: str,
        is_header: Callable[[list[str]], bool] | None = None,
    ) -> None:
        self.encoding = encoding
        self.delimiter = delimiter
        self._text = text
        self._reader = csv.reader(text, delimiter=delimiter)
        self.preamble_lines = 0
        self._after_header: list[list[str]] = []
        self.header: list[str] = self._find_header(is_header)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        """Data rows numbered from 1 after the header; blank records skipped, still counted."""
        try:
            records = itertools.chain(self._after_header, self._reader)
            for number, row in enumerate(records, 1):
                if row and (row[0] or any(row)):
                    yield number, row
        except csv.Error as exc:
            raise self._format_error(exc) from None
        except UnicodeDecodeError:
            raise self._decode_error() from None

    def _find_header(self, is_header) -> list[str]:
        seen: list[list[str]] = []
        filled: list[int] = []  # positions in `seen` of non-empty records
        try:
            for row in self._reader:
                seen.append(row)
                if not (row and any(row)):
                    continue
                filled.append(len(seen) - 1)
                if is_header is None or is_header(row) or len(filled) == HEADER_SEARCH_LINES:
                    break
        except csv.Error as exc:
            raise self._format_error(exc) from None
        except UnicodeDecodeError:
            raise self._decode_error() from None
        if not filled:
            return []
        chosen = filled[-1]
        if is_header is not None and not is_header(seen[chosen]):
            chosen = filled[0]  # no header found: report on the first line
        self.preamble_lines = filled.index(chosen)
        self._after_header = seen[chosen + 1 :]
        return seen[chosen]

    def _format_error(self, exc: csv.Error) -> CsvFormatError:
        # csv.Error texts describe syntax only, never cell contents, so they are safe to show.
        return CsvFormatError(f"line {self._reader.line_num}: malformed CSV ({exc})")

    def _decode_error(self) -> CsvFormatError:
        return CsvFormatError(
            f"near line {self._reader.line_num}: bytes that are not valid {self.encoding}",
            rules.FILE_ENCODING,
        )

    def close(self) -> None:
        """Release the decoder (the caller still owns and closes the binary stream)."""
        self._text.close()


def header_is_garbled(header: list[str]) -> bool:
    """Control characters in the header: the bytes were not text in the encoding we chose."""
    return any(_CONTROL.search(cell) for cell in header)


def open_csv_rows(
    binary: BinaryIO, utf8_ok: bool, is_header: Callable[[list[str]], bool] | None = None
) -> CsvSource:
    """Decode (UTF-16 by BOM, UTF-8, else cp1252/latin-1), sniff the delimiter, find the header."""
    prefix = _read_prefix(binary)
    utf16 = _UTF16_BOMS.get(prefix[:2])
    if utf16:
        encoding, codec, errors = utf16, "utf-16", "strict"  # the codec reads and drops the BOM
    elif utf8_ok:
        encoding, codec, errors = "utf-8", "utf-8-sig", "strict"
    else:
        if prefix.startswith(_BOM):
            prefix = prefix[len(_BOM) :]  # a BOM on a file that is not UTF-8 after all is not data
        if _CP1252_HOLES.isdisjoint(prefix):
            encoding, codec, errors = "cp1252", "cp1252", _fallback_handler()
        else:
            encoding, codec, errors = "latin-1", "latin-1", "strict"
    # An incremental decoder leaves a multi-byte sequence cut by the prefix's end undecoded.
    sample = codecs.getincrementaldecoder(codec)(errors="replace").decode(prefix)
    sample = sample[:_SNIFF_CHARS]
    sample = sample[: sample.rfind("\n") + 1] or sample
    buffered = io.BufferedReader(_Replay(prefix, binary), buffer_size=_PREFIX_BYTES)
    text = io.TextIOWrapper(buffered, encoding=codec, errors=errors, newline="")
    return CsvSource(text, encoding, sniff_delimiter(sample), is_header)


def sniff_delimiter(sample: str) -> str:
    """`,`, `;` or tab: Excel's `sep=` line, else the delimiter of the widest of the first
    lines (the header, even under report title lines), csv.Sniffer breaking ties."""
    lines = [line for line in sample.splitlines() if line.strip()][:HEADER_SEARCH_LINES]
    if lines and (hint := _EXCEL_SEP_LINE.fullmatch(lines[0])) and hint[1] in DELIMITERS:
        return hint[1]
    counts = {d: max((_count_outside_quotes(line, d) for line in lines), default=0)
              for d in DELIMITERS}  # fmt: skip
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
