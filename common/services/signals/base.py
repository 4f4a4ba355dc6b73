"""What every signal of one product run shares."""

from __future__ import annotations

from datetime import date


def run_fields(product: str, customer_id: str, as_of: date, windows: dict) -> dict:
    """Signal fields fixed by the run: product, customer, as_of and the half-open windows."""
    return {
        "product": product,
        "customer_id": customer_id,
        "as_of": as_of,
        "window_start": windows["current_start"],
        "window_end": windows["current_end"],
        "baseline_start": windows["baseline_start"],
        "baseline_end": windows["baseline_end"],
    }
