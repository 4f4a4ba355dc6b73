"""The issue 11 targets judged on a backtest document, and its rendering for a person."""

from __future__ import annotations

from common.services.signals import PRODUCTS

FP_LIMITS = {"driftwatch": 1.0, "denialscope": 2.0, "delayguard": 2.0}  # per 100 unit-weeks
LARGE = {
    "denial_rate": 0.08, "decision_delay": 8, "new_reason": 10, "payment_delay": 8,
    "payment_lag": 8,
}  # fmt: skip
PAYMENT = ("payment_delay", "payment_lag")  # found within 10 days, not 14
CHANGE_COLUMNS = [
    "change", "size", "n", "found", "recall 14d", "recall 28d", "median d", "max d",
    "highest label", "alerted", "signals/change", "alerts/change",
]  # fmt: skip
FP_COLUMNS = [
    "product", "per", "untouched unit-weeks", "signals", "/100", "alert level", "/100 (alert)",
    "no-change unit-weeks", "no-change signals", "no-change alert level",
]  # fmt: skip


def targets(document: dict) -> dict:
    """Issue 11's targets on this run: a change of at least +8 points / +8 days / 10 reasons a
    week on ≥ 10 lines a day is found within 14 days (payment slowdowns within 10) and alerts;
    false positives ≤ 1 (DriftWatch) or ≤ 2 per 100 untouched unit-weeks, none at alert level
    on customers with no change; one signal per change and one alert per label it reaches."""
    large = [
        c for c in document["changes"] if c["size"] >= LARGE[c["type"]] and c["lines_per_day"] >= 10
    ]
    met = [
        c
        for c in large
        if c["detected"]
        and c["days_to_detection"] <= (10 if c["type"] in PAYMENT else 14)
        and c["default_rule_alerted"]
    ]
    fp = document["false_positives"]
    per_change = document["per_change"]
    return {
        "large_changes_found_in_time_and_alerted": f"{len(met)} of {len(large)}",
        "large_changes": len(met) == len(large),
        **{
            f"{p}_false_positives": (fp[p]["all"]["per_100_unit_weeks"] or 0) <= FP_LIMITS[p]
            for p in PRODUCTS
        },
        "no_alert_level_signal_on_no_change_customers": all(
            fp[p].get("no_change", {}).get("alert_level", 0) == 0 for p in PRODUCTS
        ),
        "one_signal_per_change": per_change["signals_max"] in (None, 1),
        "one_alert_per_change_and_label": per_change["alerts_beyond_escalation"] == 0,
    }


def render(document: dict, table) -> str:
    """Tables (drawn by `table(rows, columns)`): per change type and size, false positives,
    per-change counts, targets."""
    rows = [
        {
            "change": r["type"], "size": r["size_label"], "n": r["changes"],
            "found": r["found"], "recall 14d": _share(r["recall_14d"]),
            "recall 28d": _share(r["recall_28d"]),
            "median d": r["median_days"], "max d": r["max_days"],
            "highest label": r["highest_label"] or "-", "alerted": f"{r['alerted']}/{r['changes']}",
            "signals/change": r["signals_per_change"], "alerts/change": r["alerts_per_change"],
        }
        for r in document["by_change"]
    ]  # fmt: skip
    fps = []
    for product, fp in document["false_positives"].items():
        quiet = fp.get("no_change", {})
        fps.append({
            "product": product, "per": fp["unit"], "untouched unit-weeks": fp["all"]["unit_weeks"],
            "signals": fp["all"]["signals"], "/100": fp["all"]["per_100_unit_weeks"],
            "alert level": fp["all"]["alert_level"],
            "/100 (alert)": fp["all"]["alert_level_per_100_unit_weeks"],
            "no-change unit-weeks": quiet.get("unit_weeks"),
            "no-change signals": quiet.get("signals"),
            "no-change alert level": quiet.get("alert_level"),
        })  # fmt: skip
    pc, seconds, m = document["per_change"], document["seconds"], document.get("machine", {})
    lines = [
        f"upstream backtest: seed {document['seed']}, {len(document['scenarios'])} customers, "
        f"{document['days']} days from the onset {document['onset']} after "
        f"{document['history_days']} days of history; signals are {document['signal_rows']}",
        "",
        table(rows, CHANGE_COLUMNS),
        "",
        "false positives (signals on units no change could move, per 100 unit-weeks):",
        table(fps, FP_COLUMNS),
        "by type: "
        + "; ".join(f"{p} {fp['by_type'] or '-'}" for p, fp in document["false_positives"].items()),
        "",
        f"changes found: {pc['detected']} of {pc['changes']}; signals per found change: mean "
        f"{pc['signals_mean']}, max {pc['signals_max']}; alerts per found change: mean "
        f"{pc['alerts_mean']}, max {pc['alerts_max']} ({pc['alerts_beyond_escalation']} beyond "
        f"one per label reached); collateral signals: {document['collateral_signals']}",
        f"as-of guarantee: {document['data_guarantee']['as_of_runs']} runs checked, "
        f"{document['data_guarantee']['violations']} violations",
        "targets (issue 11): " + ", ".join(f"{k}: {v}" for k, v in document["targets"].items()),
        f"wall {seconds['wall']} s (history loads {seconds['history_loads']} s, replays "
        f"{seconds['replays']} s) on {m.get('cpu_model')} × {m.get('cpu_count')}, "
        f"{m.get('memory_gib')} GiB, Postgres {m.get('postgres')}",
    ]
    return "\n".join(lines)


def _share(value) -> str:
    return "-" if value is None else f"{value:.0%}"
