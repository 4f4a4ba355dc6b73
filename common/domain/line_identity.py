"""Line identity (SPEC 2.5): the key a staged service line is merged on.

- `c:<claim_id>␟n<line_number>` when the row has a line number;
- `c:<claim_id>␟r<reference>` for an 835 line with a line item control number (REF*6R);
- `c:<claim_id>␟p<cpt>␟<modifiers>␟<n>` otherwise, n (six digits) counting the repeats of that
  code and modifiers within the claim in file order, so a claim billed 99213 twice has two lines;
- `h:<sha256>` of the normalised row when there is no claim id (the report warns
  `identity.no_claim_id`).

All of a claim's keys start with `c:<claim_id>␟`, so one range of the byte-ordered (collation
"C") key index finds its lines. Keys of rows loaded before service lines existed were converted
to exactly these shapes (revision 0009), so re-sending an old file updates, never duplicates.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from common.domain.claim_rows import STAGE_COLUMNS

SEPARATOR = "\x1f"
CLAIM_PREFIX = "c:"
HASH_PREFIX = "h:"
# Claims whose code counts are remembered. Exports list a claim's lines together; a claim whose
# lines are further apart than this many other claims restarts its count (and its repeats are
# then reported as duplicate.row). Bounded so that memory stays flat however long the file is.
RECENT_CLAIMS = 50_000


def claim_key_range(claim_id: str) -> tuple[str, str]:
    """[from, to) in byte order holding exactly the line keys of one claim."""
    prefix = CLAIM_PREFIX + claim_id + SEPARATOR
    return prefix, prefix[:-1] + chr(ord(SEPARATOR) + 1)


_AT = {name: i for i, name in enumerate(STAGE_COLUMNS)}
# The fourteen values rows had before service lines, in their order then, so that an id-less
# row loaded before revision 0009 keeps its hash; line_number and service_date follow when set.
_HASHED = tuple(_AT[name] for name in (
    "claim_id", "payer", "cpt", "cpt_modifiers", "cpt_group", "submitted_date", "decided_date",
    "payment_date", "outcome", "billed_amount", "allowed_amount", "paid_amount",
    "denial_reason_code", "denial_reason_text",
))  # fmt: skip
_HASHED_IF_SET = (("L", _AT["line_number"]), ("S", _AT["service_date"]))


class LineKeys:
    """Assigns line keys to the records of one file, in file order."""

    def __init__(self, recent_claims: int = RECENT_CLAIMS) -> None:
        self._recent_claims = recent_claims
        self._counts: OrderedDict[str, dict] = OrderedDict()
        self._current_id: str | None = None
        self._current: dict = {}

    def key(self, record: tuple, reference: str | None = None) -> str:
        """The key of one staged record (a tuple in STAGE_COLUMNS order); `reference` is the
        line's own control number when the file carries one (835 REF*6R)."""
        claim_id = record[_AT["claim_id"]]
        if claim_id is not None and reference:
            return f"{CLAIM_PREFIX}{claim_id}{SEPARATOR}r{reference}"
        if claim_id is None:
            extra = (f"{tag}{record[i]}" for tag, i in _HASHED_IF_SET if record[i] is not None)
            return hashed_line((*(record[i] for i in _HASHED), *extra))
        return self.claim_line(
            claim_id, record[_AT["line_number"]], record[_AT["cpt"]], record[_AT["cpt_modifiers"]]
        )

    def claim_line(
        self, claim_id: str, line_number: int | None, cpt: str | None, modifiers: str | None
    ) -> str:
        """The key of one line of a claim (by line number, else by code and repeat count)."""
        if line_number is not None:
            return f"{CLAIM_PREFIX}{claim_id}{SEPARATOR}n{line_number}"
        counts = self._counts_of(claim_id)
        code = (cpt, modifiers)
        n = counts[code] = counts.get(code, 0) + 1
        # A claim-level 835 line has no cpt: `p` alone (its claim has no other lines).
        return SEPARATOR.join(
            (CLAIM_PREFIX + claim_id, "p" + (cpt or ""), modifiers or "", f"{n:06d}")
        )

    def _counts_of(self, claim_id: str) -> dict:
        if claim_id == self._current_id:
            return self._current
        counts = self._counts.get(claim_id)
        if counts is None:
            counts = self._counts[claim_id] = {}
            if len(self._counts) > self._recent_claims:
                self._counts.popitem(last=False)
        else:
            self._counts.move_to_end(claim_id)
        self._current_id, self._current = claim_id, counts
        return counts


def hashed_line(content: tuple) -> str:
    """The key of an id-less line: sha256 of its values, None as NUL, unit-separated."""
    text = SEPARATOR.join("\x00" if v is None else str(v) for v in content)
    return HASH_PREFIX + hashlib.sha256(text.encode()).hexdigest()
