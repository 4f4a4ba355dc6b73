"""Envelope checks of an X12 interchange (SPEC 2.7): what is wrong warns, it never rejects.

ISA/IEA, GS/GE and ST/SE must pair up, and their trailers carry counts (IEA01 groups, GE01
transactions, SE01 segments) and control numbers that must match their headers. Systems that
cut files out of larger ones often get these wrong while the claims inside are fine.
"""

from __future__ import annotations

from common.domain.x12.tokens import Segment

ENVELOPE_IDS = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})


class EnvelopeCheck:
    """Follows the envelope segments and collects `warnings` as (segment number, message)."""

    def __init__(self) -> None:
        self.warnings: list[tuple[int, str]] = []
        self._isa: Segment | None = None
        self._gs: Segment | None = None
        self._st: Segment | None = None
        self._groups = self._transactions = 0
        self._saw_interchange = False

    def see(self, segment: Segment) -> None:
        """Check one envelope segment (ISA, GS, ST, SE, GE, IEA); other segments are ignored."""
        if segment.id in ENVELOPE_IDS:
            getattr(self, "_on_" + segment.id.lower())(segment)

    def finish(self, last_segment: int) -> None:
        """Report the envelopes still open at the end of the file."""
        if self._st is not None:
            self._warn(last_segment, f"transaction {self._st.get(2)!r} has no SE trailer")
        if self._gs is not None:
            self._warn(last_segment, "the functional group has no GE trailer")
        if self._isa is not None:
            self._warn(last_segment, "the interchange has no IEA trailer")
        if not self._saw_interchange:
            self._warn(1, "the file has no ISA interchange header")

    def _on_isa(self, segment: Segment) -> None:
        self._saw_interchange = True
        if self._isa is not None:
            self._warn(segment.number, "an interchange starts before the last one ended (no IEA)")
        self._isa, self._groups = segment, 0

    def _on_gs(self, segment: Segment) -> None:
        if self._gs is not None:
            self._warn(segment.number, "a functional group starts before the last one ended")
        self._gs, self._transactions = segment, 0
        self._groups += 1

    def _on_st(self, segment: Segment) -> None:
        if self._st is not None:
            self._warn(segment.number, f"transaction {self._st.get(2)!r} has no SE trailer")
        if self._isa is not None and self._gs is None:
            self._warn(segment.number, "a transaction outside a GS functional group")
        self._st = segment
        self._transactions += 1

    def _on_se(self, segment: Segment) -> None:
        if self._st is None:
            self._warn(segment.number, "an SE trailer without its ST header")
            return
        counted = segment.number - self._st.number + 1
        if segment.get(1) != str(counted):
            message = f"SE01 says {segment.get(1)!r} segments; there are {counted}"
            self._warn(segment.number, message)
        if segment.get(2) != self._st.get(2):
            self._warn(segment.number, "SE02 does not match the ST02 control number")
        self._st = None

    def _on_ge(self, segment: Segment) -> None:
        if self._gs is None:
            self._warn(segment.number, "a GE trailer without its GS header")
            return
        if segment.get(1) != str(self._transactions):
            message = f"GE01 says {segment.get(1)!r} transactions; there are {self._transactions}"
            self._warn(segment.number, message)
        if segment.get(2) != self._gs.get(6):
            self._warn(segment.number, "GE02 does not match the GS06 control number")
        self._gs = None

    def _on_iea(self, segment: Segment) -> None:
        if self._isa is None:
            self._warn(segment.number, "an IEA trailer without its ISA header")
            return
        if segment.get(1) != str(self._groups):
            message = f"IEA01 says {segment.get(1)!r} groups; there are {self._groups}"
            self._warn(segment.number, message)
        if segment.get(2) != self._isa.get(13):
            self._warn(segment.number, "IEA02 does not match the ISA13 control number")
        self._isa = None

    def _warn(self, number: int, message: str) -> None:
        self.warnings.append((number, message))
