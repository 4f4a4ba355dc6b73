"""ASC X12 tokenising (SPEC 2.7): separators from ISA, segments streamed from a byte stream.

X12 is ASCII; bytes are decoded as Latin-1 so no byte can fail to decode. Segment terminators
may or may not be followed by line breaks, and some systems end segments with a line break
alone: whitespace around a segment is dropped. Memory stays flat: the stream is read in chunks
and only the current partial segment is kept between chunks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from common.domain import rules
from common.domain.csv_reader import CsvFormatError

CHUNK_BYTES = 1 << 16
UTF8_BOM = b"\xef\xbb\xbf"
PADDED_ELEMENTS = 20  # CAS has 19 elements, BPR16 is the furthest one read
_PADDING = [""] * PADDED_ELEMENTS
# The ids of an 835 and its envelope, as written: anything else is checked for a valid id.
KNOWN_IDS = frozenset({
    "ISA", "GS", "ST", "BPR", "TRN", "CUR", "REF", "DTM", "N1", "N2", "N3", "N4", "PER", "RDM",
    "LX", "TS3", "TS2", "CLP", "CAS", "NM1", "MIA", "MOA", "AMT", "QTY", "SVC", "LQ", "PLB", "SE",
    "GE", "IEA",
})  # fmt: skip
_ISA_ELEMENTS = 16
_HEAD_BYTES = 4096


class X12Malformed(CsvFormatError):
    """The file cannot be read on (a CsvFormatError so the load path rejects it the same way)."""

    def __init__(self, message: str, segment: int) -> None:
        super().__init__(f"segment {segment}: {message}", rules.X12_MALFORMED)
        self.segment = segment


@dataclass(frozen=True)
class Separators:
    """The delimiters the reader splits by (an 835 repeats no element, so the repetition
    separator of ISA11 is not needed)."""

    element: str
    component: str
    segment: str


class Segment:
    """An envelope segment (ISA, GS, ST, SE, GE, IEA) with its 1-based number in the file.

    `elements` is the tokenised list: `elements[0]` is the id and `elements[n]` element n as X12
    numbers them (CLP01 is elements[1]).
    """

    __slots__ = ("number", "id", "elements")

    def __init__(self, number: int, segment_id: str, elements: list[str]) -> None:
        self.number, self.id, self.elements = number, segment_id, elements

    def get(self, position: int) -> str:
        """Element `position` (1-based, as X12 numbers them: CLP01 is get(1)), or ""."""
        try:
            return self.elements[position]
        except IndexError:
            return ""


def looks_like_x12(head: bytes) -> bool:
    """Whether the first bytes of a file are an X12 interchange (ISA) or a bare transaction."""
    text = head.removeprefix(UTF8_BOM).lstrip(b" \t\r\n")
    return text.startswith(b"ISA") or text.startswith(b"ST") and text[2:3] in (b"*", b"|", b"^")


def separators(head: str) -> Separators:
    """The delimiters, read from the ISA segment at the start of `head` (or guessed for a
    transaction without an envelope: `*`, `:` and `~`, or a line break when there is no `~`)."""
    text = head.lstrip("\ufeff \t\r\n")
    if not text.startswith("ISA"):
        if not (text.startswith("ST") and len(text) > 2 and not text[2].isalnum()):
            raise X12Malformed("the file does not start with an ISA or ST segment", 1)
        terminator = "~" if "~" in text else "\n"
        return Separators(text[2], ":", terminator)
    element = text[3:4]
    position = 3
    for _ in range(_ISA_ELEMENTS - 1):
        position = text.find(element, position + 1)
        if position < 0:
            raise X12Malformed("the ISA segment is incomplete", 1)
    # After the 16th separator: ISA16 (the component separator), then the segment terminator.
    component, terminator = text[position + 1 : position + 2], text[position + 2 : position + 3]
    if not component or not terminator or terminator.isalnum():
        raise X12Malformed("the ISA segment has no segment terminator after ISA16", 1)
    return Separators(element, component, terminator)


def read_segments(blob: BinaryIO) -> tuple[Separators, Iterator[list[str]]]:
    """The file's separators and its segments, read lazily from `blob`.

    Each segment is its list of elements, `[id, element 1, element 2, …]` padded with "" to
    PADDED_ELEMENTS: plain lists, since a million-line file has seven million segments. The
    n-th list is segment number n.
    """
    raw = blob.read(_HEAD_BYTES)
    # Bytes are decoded as Latin-1, so a UTF-8 byte-order mark (Windows editors add one) has to
    # go as bytes: decoded it would be three letters before ISA.
    head = raw.removeprefix(UTF8_BOM).decode("latin-1")
    seps = separators(head)
    return seps, _segments(blob, head, seps)


def _segments(blob: BinaryIO, buffered: str, seps: Separators) -> Iterator[list[str]]:
    number = 0
    element, terminator = seps.element, seps.segment
    pending = buffered.lstrip("\ufeff")
    while True:
        *complete, pending = pending.split(terminator)
        for raw in complete:
            text = raw.strip()
            if not text:
                continue
            number += 1
            parts = text.split(element)
            if parts[0] not in KNOWN_IDS:
                parts[0] = _checked_id(parts[0], number)
            if len(parts) < PADDED_ELEMENTS:
                parts.extend(_PADDING[: PADDED_ELEMENTS - len(parts)])
            yield parts
        chunk = blob.read(CHUNK_BYTES)
        if not chunk:
            break
        pending += chunk.decode("latin-1")
    if text := pending.strip():  # the last segment without its terminator
        parts = text.split(element)
        parts[0] = _checked_id(parts[0], number + 1)
        yield parts + _PADDING[: max(PADDED_ELEMENTS - len(parts), 0)]


def _checked_id(raw: str, number: int) -> str:
    segment_id = raw.strip().upper()
    if not (2 <= len(segment_id) <= 3 and segment_id.isalnum()):
        raise X12Malformed("the segment does not start with a segment id", number)
    return segment_id
