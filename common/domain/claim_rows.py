"""One claim-file row → a staged record, or the rules it breaks (SPEC 2.3–2.4).

Speed matters (≥150k rows/s): every column keeps a bounded cache from raw string to its parsed
result, so a repeated value costs one dict lookup, and the rules that need two columns compare
ISO date strings. A structured value that parses (a date, an amount, a CPT code, a known outcome)
cannot hold an identifier, so PHI is scanned only when it does not parse, and always in the
payer, claim_id and denial columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from operator import itemgetter

from common.domain import phi, rules
from common.domain.columns import HeaderMap
from common.domain.dates import DAY_FIRST, MONTH_FIRST, date_order_evidence, parse_date
from common.domain.money import POINT, decimal_evidence, money_text
from common.domain.values import (
    RowError,
    cpt_group,
    is_placeholder,
    is_self_pay,
    lost_leading_zeros,
    normalise_outcome,
    normalise_payer,
    parse_cpt,
    payer_key,
)

STAGE_COLUMNS = (
    "row_number", "claim_id", "line_number", "payer", "cpt", "cpt_modifiers", "cpt_group",
    "service_date", "submitted_date", "decided_date", "payment_date", "outcome", "billed_amount",
    "allowed_amount", "paid_amount", "denial_reason_code", "denial_reason_text",
)  # fmt: skip
FIELDS = (
    "claim_id", "line_number", "payer", "cpt", "service_date", "submitted_date", "decided_date",
    "payment_date", "outcome", "billed_amount", "allowed_amount", "paid_amount",
    "denial_reason_code", "denial_reason_text",
)  # fmt: skip
LINE_NUMBER_MAX = 9999
DATE_FLOOR = "2000-01-01"
_CACHE_LIMIT = 50_000  # per column; cleared when full so memory stays flat on unique values
_EVIDENCE_SAMPLES = 20
_NO_ERRORS = (None,) * len(FIELDS)
_FOOTER_WORDS = frozenset({"total", "totals", "grand total", "total:", "totals:", "grand total:"})


class RowResult:
    """Accepted (`record` set, no `errors`), rejected (`errors` as (column, rule) pairs) or
    skipped (`skipped` names the skip rule: the row is no payer decision)."""

    __slots__ = ("row_number", "record", "errors", "warnings", "skipped")

    def __init__(
        self, row_number: int, record: tuple | None, errors=(), warnings=(), skipped=None
    ) -> None:
        self.row_number = row_number
        self.record = record  # in STAGE_COLUMNS order; dates ISO, money "1234.56", empty None
        self.errors = errors
        self.warnings = warnings
        self.skipped = skipped

    @property
    def accepted(self) -> bool:
        """True when the row loads."""
        return not self.errors

    @property
    def date_key(self) -> date | None:
        """decided_date, else the lag start: what an upload's date range spans."""
        if self.record is None:
            return None
        value = self.record[9] or self.record[8] or self.record[7]
        return date.fromisoformat(value) if value else None


class RowValidator:
    """Validates rows of one file against one header, customer tables and `today`.

    `date_order` and `decimal_separator` are the file's (SPEC 2.3: decided per file, never per
    value); while validating, the validator collects the evidence each value gives about them
    (`date_evidence`, `decimal_evidence`) so the caller can check its decision held.
    """

    def __init__(
        self,
        header_map: HeaderMap,
        today: date,
        payer_aliases: Mapping[str, str],
        cpt_overrides: Mapping[str, str],
        money_max: float = 10_000_000,
        date_order: str = MONTH_FIRST,
        decimal_separator: str = POINT,
        claim_level_lines: bool = False,
        payer_spellings: Mapping[str, str] | None = None,
    ) -> None:
        index = header_map.index
        width = max(header_map.width, max(index.values(), default=-1) + 1)
        # Absent optional fields read a padding slot past the header, always "".
        self._width = width
        self._need = width + 1 if len(index) < len(FIELDS) else width
        self._get = itemgetter(*(index.get(f, width) for f in FIELDS))
        self._latest = (today + timedelta(days=1)).isoformat()
        self._aliases = payer_aliases
        self._trusted = frozenset(payer_aliases) | {payer_key(v) for v in payer_aliases.values()}
        self._overrides = cpt_overrides
        # One payer is one payer whatever its letter case (SPEC 2.3): the spelling the
        # customer's lines have, else this file's first; bounded like the caches.
        self._spellings = dict(payer_spellings or {})
        self._money_max = money_max
        self.date_order, self.decimal_separator = date_order, decimal_separator
        # An 835 claim paid without SVC lines is one line with no cpt, group OTHER (SPEC 2.7).
        self._empty_cpt = ((None, None, "OTHER"), None) if claim_level_lines else None
        self.date_evidence: dict[str, list[int]] = {DAY_FIRST: [], MONTH_FIRST: []}
        self.decimal_evidence: dict[str, int] = {}
        self.hinted: set[str] = set()  # rules whose hint applies to this file
        self._row = 0
        self._payers: dict = {}
        self._cpts: dict = {}
        self._dates: dict = {}
        self._outcomes: dict = {}
        self._money: dict = {}
        self._texts: dict = {}
        self._codes: dict = {}
        self._lines: dict = {}
        # Bound lookups save an attribute fetch per column per row (caches are cleared in place).
        self._payer_hit, self._cpt_hit = self._payers.get, self._cpts.get
        self._date_hit, self._outcome_hit = self._dates.get, self._outcomes.get
        self._money_hit, self._text_hit = self._money.get, self._texts.get
        self._line_hit, self._code_hit = self._lines.get, self._codes.get

    def validate(self, row_number: int, values: list[str]) -> RowResult:
        """Check every column (first error per column) and the cross-column date rules."""
        if len(values) != self._need:
            # Absent fields read the slot just past the header: it must exist and be empty.
            values = values[: self._width]
            values.extend([""] * (self._need - len(values)))
        self._row = row_number  # for the evidence samples a cache miss records
        cid, line, payer, cpt, svc, sub, dec, pay, outcome, billed, allowed, paid, code, text = (
            self._get(values)
        )
        cid = cid.strip() or None
        if cid is not None and is_placeholder(cid):
            cid = None
        cid_err = rules.PHI_SSN if cid and "-" in cid and phi.scan(cid, phi.CODE) else None
        line, line_err = self._line_hit(line) or self._line(line)
        payer, payer_err = self._payer_hit(payer) or self._payer(payer)
        cpt, cpt_err = self._cpt_hit(cpt) or self._cpt(cpt)
        svc, svc_err = self._date_hit(svc) or self._date(svc)
        sub, sub_err = self._date_hit(sub) or self._date(sub)
        dec, dec_err = self._date_hit(dec) or self._date(dec)
        pay, pay_err = self._date_hit(pay) or self._date(pay)
        outcome, out_err, warn = self._outcome_hit(outcome) or self._outcome(outcome)
        billed, billed_err = self._money_hit(billed) or self._amount(billed)
        allowed, allowed_err = self._money_hit(allowed) or self._amount(allowed)
        paid, paid_err = self._money_hit(paid) or self._amount(paid)
        code, code_err = self._code_hit(code) or self._code(code)
        text, text_err = self._text_hit(text) or self._text(text)
        start = sub or svc  # the lag start: service_date stands in (SPEC 2.2 †)
        if start is None and not (sub_err or svc_err):
            sub_err = rules.REQUIRED_SUBMITTED_DATE
        if dec is None:
            if outcome is not None and outcome != "OTHER" and not dec_err:
                dec_err = rules.REQUIRED_DECIDED_DATE
        elif start is not None and start > dec and not dec_err:
            dec_err = rules.DATE_ORDER
        if pay is not None and not pay_err and (dec or start) and (dec or start) > pay:
            pay_err = rules.DATE_ORDER
        errors = (
            cid_err, line_err, payer_err, cpt_err, svc_err, sub_err, dec_err, pay_err, out_err,
            billed_err, allowed_err, paid_err, code_err, text_err,
        )  # fmt: skip
        if errors != _NO_ERRORS:
            return _rejected(row_number, errors, values)
        record = (
            row_number, cid, line, payer, cpt[0], cpt[1], cpt[2], svc, sub, dec, pay, outcome,
            billed, allowed, paid, code, text,
        )  # fmt: skip
        return RowResult(row_number, record, (), (("outcome", warn),) if warn else ())

    # Cache misses: compute once per distinct raw value, as (value, rule-or-None).

    def _line(self, raw: str) -> tuple:
        value = raw.strip()
        if not value or is_placeholder(value):
            return _remember(self._lines, raw, (None, None))
        try:
            number = float(value)  # Excel writes 1 as "1.0"
        except ValueError:
            rule = phi.scan(value, phi.VALUE) or rules.LINE_NUMBER_INVALID
            return _remember(self._lines, raw, (None, rule))
        if not number.is_integer() or not 1 <= number <= LINE_NUMBER_MAX:
            return _remember(self._lines, raw, (None, rules.LINE_NUMBER_INVALID))
        return _remember(self._lines, raw, (int(number), None))

    def _payer(self, raw: str) -> tuple:
        name = normalise_payer(raw)
        key = payer_key(name)
        if not name or is_placeholder(name):
            result = (None, rules.REQUIRED_PAYER)
        elif is_self_pay(name) and key not in self._aliases:
            result = (None, rules.SKIP_SELF_PAY)
        elif rule := phi.scan(name, phi.TRUSTED_PAYER if key in self._trusted else phi.PAYER):
            result = (None, rule)
        elif key in self._aliases:
            result = (self._aliases[key], None)
        else:
            spelling = self._spellings.get(key)
            if spelling is None and len(self._spellings) < _CACHE_LIMIT:
                spelling = self._spellings[key] = name
            result = (spelling or name, None)
        return _remember(self._payers, raw, result)

    def payer(self, raw: str) -> str | None:
        """The payer name a row with this raw payer would load with, or None if refused."""
        name, rule = self._payer_hit(raw) or self._payer(raw)
        return name if rule is None else None

    def _cpt(self, raw: str) -> tuple:
        if not raw.strip() or is_placeholder(raw):
            return _remember(self._cpts, raw, self._empty_cpt or (None, rules.REQUIRED_CPT))
        try:
            code, modifiers = parse_cpt(raw)
            result = ((code, modifiers, cpt_group(code, self._overrides)), None)
        except RowError as exc:
            if lost_leading_zeros(raw):
                self.hinted.add(rules.CPT_INVALID)
            result = (None, phi.scan(raw, phi.CODE) or exc.rule)
        return _remember(self._cpts, raw, result)

    def _date(self, raw: str) -> tuple:
        if not raw.strip() or is_placeholder(raw):
            return _remember(self._dates, raw, (None, None))
        evidence = date_order_evidence(raw)
        if evidence is not None and len(self.date_evidence[evidence]) < _EVIDENCE_SAMPLES:
            self.date_evidence[evidence].append(self._row)
        try:
            iso = parse_date(raw, self.date_order).isoformat()
        except RowError as exc:
            return _remember(self._dates, raw, (None, phi.scan(raw, phi.VALUE) or exc.rule))
        if iso < DATE_FLOOR:
            return _remember(self._dates, raw, (None, rules.DATE_INVALID))
        if iso > self._latest:
            return _remember(self._dates, raw, (None, rules.DATE_FUTURE))
        return _remember(self._dates, raw, (iso, None))

    def _outcome(self, raw: str) -> tuple:
        if not raw.strip() or is_placeholder(raw):
            return _remember(self._outcomes, raw, (None, rules.REQUIRED_OUTCOME, None))
        outcome, warning = normalise_outcome(raw)
        rule = phi.scan(raw, phi.VALUE) if warning == rules.OUTCOME_UNKNOWN else None
        result = (None, rule, None) if rule else (outcome, None, warning)
        return _remember(self._outcomes, raw, result)

    def _amount(self, raw: str) -> tuple:
        if is_placeholder(raw):
            return _remember(self._money, raw, (None, None))
        evidence = decimal_evidence(raw)
        if evidence is not None:
            self.decimal_evidence[evidence] = self.decimal_evidence.get(evidence, 0) + 1
        try:
            result = (money_text(raw, self._money_max, self.decimal_separator), None)
        except RowError as exc:
            result = (None, phi.scan(raw, phi.VALUE) or exc.rule)
        return _remember(self._money, raw, result)

    def _code(self, raw: str) -> tuple:
        value = raw.strip()
        if not value or is_placeholder(value):
            return _remember(self._codes, raw, (None, None))
        rule = phi.scan(value, phi.CODE)
        return _remember(self._codes, raw, (None, rule) if rule else (value, None))

    def _text(self, raw: str) -> tuple:
        value = raw.strip()
        if not value or is_placeholder(value):
            return _remember(self._texts, raw, (None, None))
        rule = phi.scan(value, phi.TEXT)
        return _remember(self._texts, raw, (None, rule) if rule else (value, None))


def _rejected(row_number: int, errors: tuple, values: list[str]) -> RowResult:
    """A row with errors; a self-pay row or a totals footer is skipped instead (SPEC 2.3)."""
    if rules.SKIP_SELF_PAY in errors:
        return RowResult(row_number, None, skipped=rules.SKIP_SELF_PAY)
    first = next((v for v in values if v.strip()), "")
    if " ".join(first.lower().split()) in _FOOTER_WORDS or _no_claim_line(errors):
        return RowResult(row_number, None, skipped=rules.SKIP_FOOTER)
    return RowResult(row_number, None, [(f, e) for f, e in zip(FIELDS, errors, strict=True) if e])


_REQUIRED_RULES = (
    rules.REQUIRED_PAYER, rules.REQUIRED_CPT, rules.REQUIRED_SUBMITTED_DATE, rules.REQUIRED_OUTCOME,
)  # fmt: skip
_REQUIRED_POSITIONS = tuple(FIELDS.index(f) for f in ("payer", "cpt", "submitted_date", "outcome"))


def _no_claim_line(errors: tuple) -> bool:
    """Every field a claim line needs is empty (an unlabelled subtotal row): no line at all."""
    pairs = zip(_REQUIRED_POSITIONS, _REQUIRED_RULES, strict=True)
    return all(errors[i] == rule for i, rule in pairs)


def _remember(cache: dict, raw: str, result: tuple) -> tuple:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[raw] = result
    return result
