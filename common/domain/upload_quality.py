"""Quality metrics and anomalies of one upload (SPEC 2.6): pure functions of its counts."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from common.domain import rules

if TYPE_CHECKING:
    from common.config import Thresholds

# optional field → (missing-count column, denominator column in the quality row)
MISSING_FIELDS = {
    "claim_id": ("missing_claim_id", "accepted"),
    "billed_amount": ("missing_billed_amount", "accepted"),
    "allowed_amount": ("missing_allowed_amount", "accepted"),
    "paid_amount": ("missing_paid_amount", "accepted"),
    "payment_date": ("missing_payment_date", "paid"),
    "denial_reason": ("missing_denial_reason", "denied"),
}


@dataclass(frozen=True)
class FileCounts:
    """What the file-level anomalies need beside the accepted rows' quality row."""

    rows_total: int
    rows_considered: int  # rows_total less the skipped rows (self-pay, totals)
    detection_days: int  # the longest recent window a detector compares
    today: date


VALIDITY_LOW_SHARE = 0.5


def quality_metrics(quality: dict, rows_total: int, today: date) -> dict:
    """completeness, validity (accepted / rows that were not skipped) and timeliness (days from
    newest decided_date to today)."""
    accepted = quality["accepted"]
    newest = quality["newest_decided"]
    return {
        "completeness": round(quality["complete_rows"] / accepted, 4) if accepted else None,
        "validity": round(accepted / rows_total, 4) if rows_total else None,
        "timeliness_days": (today - newest).days if newest else None,
        "missing_share": missing_shares(quality),
    }


def lag_basis(from_service: int, lines: int) -> str | None:
    """What the lags of `lines` run from, `from_service` of them from service_date (SPEC 2.2 †):
    "submitted_date", "service_date", or "mixed"."""
    if not lines:
        return None
    if from_service == 0:
        return "submitted_date"
    return "service_date" if from_service == lines else "mixed"


def missing_shares(quality: dict) -> dict:
    """Share of accepted rows missing each optional field (where it applies)."""
    denominators = {
        "accepted": quality["accepted"],
        "paid": quality["decided"] - quality["denied"],
        "denied": quality["denied"],
    }
    shares = {}
    for name, (missing_col, denominator) in MISSING_FIELDS.items():
        base = denominators[denominator]
        if base:
            shares[name] = round(quality[missing_col] / base, 4)
    return shares


def anomalies(counts: FileCounts, quality: dict, history: dict, t: Thresholds) -> list[dict]:
    """Warnings about the file itself and against the customer's own history; never block."""
    found = _file_anomalies(counts, quality)
    if quality["accepted"]:
        found.extend(_history_anomalies(counts.rows_total, quality, history, t))
    return found


def _file_anomalies(counts: FileCounts, quality: dict) -> list[dict]:
    found = []
    accepted, considered = quality["accepted"], counts.rows_considered
    if considered and accepted / considered < VALIDITY_LOW_SHARE:
        found.append(
            {
                "code": rules.VALIDITY_LOW,
                "share": round(accepted / considered, 4),
                "message": f"only {accepted} of {considered} rows were accepted: check the "
                "rejections before trusting this upload's numbers",
            }
        )
    if accepted and not quality["decided"]:
        found.append(
            {
                "code": rules.OUTCOME_ALL_OTHER,
                "message": "no line is PAID or DENIED: the detectors have nothing to compare; "
                "check how the outcome column is exported",
            }
        )
    newest = quality["newest_decided"]
    if newest is not None and (counts.today - newest).days > counts.detection_days:
        age = (counts.today - newest).days
        found.append(
            {
                "code": rules.DATA_STALE,
                "newest_decided_date": newest.isoformat(),
                "message": f"the newest decision is {age} days old and every detector compares "
                f"the last {counts.detection_days} days: this upload raises no signals until "
                "newer data arrives",
            }
        )
    if quality["missing_claim_id"]:
        found.append(
            {
                "code": rules.IDENTITY_NO_CLAIM_ID,
                "lines": quality["missing_claim_id"],
                "message": (
                    f"{quality['missing_claim_id']} lines have no claim_id: a re-send with "
                    "changed outcomes adds lines instead of updating them"
                ),
            }
        )
    return found


def _history_anomalies(rows_total: int, quality: dict, history: dict, t: Thresholds) -> list:
    found = []
    counts = list(history["recent_row_counts"] or [])
    if len(counts) >= t.anomaly_rowcount_min_uploads:
        spread = statistics.pstdev(counts)
        mean = statistics.fmean(counts)
        z = (rows_total - mean) / spread if spread else (0.0 if rows_total == mean else 99.0)
        if abs(z) > t.anomaly_rowcount_z:
            found.append(
                {
                    "code": "row_count",
                    "z_score": round(z, 2),
                    "message": f"{rows_total} rows vs a 30-day mean of {mean:.0f}",
                }
            )
    for name, share in missing_shares(quality).items():
        if share > t.anomaly_missing_share:
            found.append(
                {
                    "code": f"missing.{name}",
                    "share": share,
                    "message": f"{share:.0%} of rows have no {name}",
                }
            )
    baseline = history["denial_share_90d"]
    if baseline is not None and quality["decided"]:
        share = quality["denied"] / quality["decided"]
        if abs(share - baseline) > t.anomaly_denial_share_points:
            found.append(
                {
                    "code": "denial_share",
                    "share": round(share, 4),
                    "baseline": round(baseline, 4),
                    "message": f"denial share {share:.0%} vs {baseline:.0%} over 90 days",
                }
            )
    return found
