"""The upload report (SPEC 2.6, DESIGN 5b): the one type every path shapes it with."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date

from common.domain import upload_quality

# The stable head of the report, in this order (DESIGN 5b); the detail follows.
CONTRACT_KEYS = (
    "upload_id",
    "status",
    "rows_total",
    "rows_accepted",
    "rows_rejected",
    "rows_skipped",
    "rows_warning",
    "rejections",
    "date_min",
    "date_max",
    "signals_created",
)
LOADED_STATUSES = ("loaded", "partial")


class Tally:
    """Rows per rule, up to N sample row numbers per rule, and the columns each rule hit.

    Callers add a row once per rule (a row failing one rule in two columns counts once).
    """

    def __init__(self, samples: int) -> None:
        self.samples = samples
        self.counts: Counter[str] = Counter()
        self.rows: dict[str, list[int]] = defaultdict(list)
        self.columns: dict[str, dict[str, None]] = defaultdict(dict)  # ordered sets

    def add(self, rule: str, row_number: int) -> None:
        """Count one row breaking `rule`, keeping the row number while samples are short."""
        self.counts[rule] += 1
        if len(self.rows[rule]) < self.samples:
            self.rows[rule].append(row_number)

    def add_row(self, row_number: int, findings) -> None:
        """Count a row's (column, rule) findings: once per rule, every column noted."""
        for column, rule in findings:
            if rule not in self.columns or column not in self.columns[rule]:
                self.columns[rule][column] = None
        for rule in {rule for _, rule in findings}:
            self.add(rule, row_number)

    def absorb(self, other: Tally) -> None:
        """Add another tally's counts, samples (in the order found) and columns."""
        self.counts.update(other.counts)
        for rule, rows in other.rows.items():
            room = self.samples - len(self.rows[rule])
            self.rows[rule].extend(rows[: max(room, 0)])
        for rule, columns in other.columns.items():
            self.columns[rule].update(columns)

    def sorted_columns(self) -> dict[str, list[str]]:
        """The columns each rule was found in, by rule name (row-level rules have none)."""
        return {k: [c for c in self.columns[k] if c] for k in sorted(self.columns)}

    def sorted_counts(self) -> dict[str, int]:
        """Counts by rule name."""
        return dict(sorted(self.counts.items()))

    def sorted_samples(self) -> dict[str, list[int]]:
        """Sample row numbers by rule name."""
        return {k: self.rows[k] for k in sorted(self.rows)}


@dataclass(frozen=True)
class UploadReport:
    """What happened to one upload; `as_dict` is the JSON stored, served and printed."""

    status: str
    upload_id: str | None = None
    rows_total: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    rows_warning: int = 0
    rejections: Mapping[str, int] = field(default_factory=dict)
    date_min: date | None = None
    date_max: date | None = None
    signals_created: int | None = None
    # detail: absent from the JSON when None
    message: str | None = None
    reason: str | None = None
    object_name: str | None = None
    sha256: str | None = None
    quarantine_object: str | None = None
    duplicate_of: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    preamble_lines: int | None = None
    date_order: str | None = None
    decimal_separator: str | None = None
    columns: Mapping | None = None
    missing_fields: list | None = None
    rejection_samples: Mapping | None = None
    rejection_columns: Mapping | None = None
    hints: Mapping | None = None
    skips: Mapping | None = None
    skip_samples: Mapping | None = None
    warnings: Mapping | None = None
    warning_samples: Mapping | None = None
    warning_columns: Mapping | None = None
    lines: Mapping | None = None
    lag_basis: str | None = None
    quality: Mapping | None = None
    anomalies: list | None = None
    remittance: Mapping | None = None  # an 835's transactions, claims and envelope findings

    @property
    def loaded_lines(self) -> bool:
        """Whether this upload put lines into claims."""
        return self.status in LOADED_STATUSES

    def but(self, **changes) -> UploadReport:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict:
        """The report as JSON: the contract keys first, then every detail that is set."""
        out = {}
        for name in CONTRACT_KEYS:
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, date) else value
        out["rejections"] = dict(self.rejections)
        for f in fields(self):
            if f.name not in out and getattr(self, f.name) is not None:
                out[f.name] = getattr(self, f.name)
        return out

    @classmethod
    def from_dict(cls, stored: Mapping) -> UploadReport:
        """A report read back from its stored JSON (unknown keys are not kept)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in stored.items() if k in known and v is not None}
        for name in ("date_min", "date_max"):
            if isinstance(values.get(name), str):
                values[name] = date.fromisoformat(values[name])
        return cls(**({"status": "unknown"} | values))

    @classmethod
    def whole_file_rejected(cls, rule: str, message: str, **detail) -> UploadReport:
        """The file as a whole is unusable: nothing loads."""
        return cls("rejected", rejections={rule: 1}, message=message, **detail)

    @classmethod
    def duplicate(cls, original_upload_id) -> UploadReport:
        """Same bytes as an earlier upload of this customer: loads nothing."""
        return cls("duplicate", duplicate_of=str(original_upload_id))

    @classmethod
    def quarantined(cls, reason: str, object_name: str, target: str) -> UploadReport:
        """The object was moved aside and will never load."""
        return cls("quarantined", reason=reason, object_name=object_name, quarantine_object=target)

    @classmethod
    def ignored(cls, reason: str, object_name: str) -> UploadReport:
        """The object is not ingestion's to load (e.g. one it quarantined itself)."""
        return cls("ignored", reason=reason, object_name=object_name)


def loaded(
    *,
    totals: Mapping,
    errors: Tally,
    warnings: Tally,
    skips: Tally,
    hints: Mapping,
    quality: Mapping,
    history: Mapping,
    lines: Mapping,
    thresholds,
    detection_days: int,
    today: date,
    **detail,
) -> UploadReport:
    """The report of a file that was read to the end (whatever share of it loaded)."""
    accepted, rows_total = quality["accepted"], totals["rows_total"]
    considered = rows_total - totals["rows_skipped"]  # skipped rows are no payer decisions
    if accepted == 0:
        status = "rejected"
    elif totals["rows_rejected"]:
        status = "partial"
    else:
        status = "loaded"
    return UploadReport(
        status,
        rows_total=rows_total,
        rows_accepted=accepted,
        rows_rejected=totals["rows_rejected"],
        rows_skipped=totals["rows_skipped"],
        rows_warning=totals["rows_warning"],
        rejections=errors.sorted_counts(),
        rejection_samples=errors.sorted_samples(),
        rejection_columns=errors.sorted_columns(),
        hints=dict(sorted(hints.items())),
        skips=skips.sorted_counts(),
        skip_samples=skips.sorted_samples(),
        warnings=warnings.sorted_counts(),
        warning_samples=warnings.sorted_samples(),
        warning_columns=warnings.sorted_columns(),
        date_min=quality["date_min"],
        date_max=quality["date_max"],
        lines=lines,
        lag_basis=upload_quality.lag_basis(quality["lag_from_service"], accepted),
        quality=upload_quality.quality_metrics(quality, considered, today),
        anomalies=upload_quality.anomalies(
            upload_quality.FileCounts(rows_total, considered, detection_days, today),
            quality,
            history,
            thresholds,
        ),
        message=_message(rows_total, considered),
        **detail,
    )


def _message(rows_total: int, considered: int) -> str | None:
    if rows_total == 0:
        return "the file has a header but no data rows"
    if considered == 0:
        return "every row was skipped (self-pay or totals rows): no payer decisions to load"
    return None
