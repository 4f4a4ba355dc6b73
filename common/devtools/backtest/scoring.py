"""What fired against what was injected.

A change is found by its product's signals of its types on its payer and key (cpt_group, new
reason code, or none for payment delays); days to detection count from the onset to the first
as_of such a signal was seen (as_of = onset + k holds k days of changed data). A signal on a
unit no change could move (scenarios.Scenario.untouched) is a false positive: per (payer,
cpt_group) cell for DriftWatch, per payer for DenialScope and DelayGuard, per 100 unit-weeks of
replay; "alert level" when the default rule — or any rule — sent an alert for it. Signals on
touched units that match no change (a new reason's denials moving DriftWatch on that payer)
are counted as collateral, neither found nor false.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from common.devtools.backtest.scenarios import HISTORY_DAYS, KINDS, ONSET
from common.services.signals import PRODUCTS

LABEL_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}


def score(replays, seed: int, days: int) -> dict:
    """The backtest document (without timings and machine, which the runner adds)."""
    changes = [_change(r, c) for r in replays for c in r.scenario.changes]
    found = [c for c in changes if c["detected"]]
    return {
        "seed": seed,
        "days": days,
        "onset": ONSET.isoformat(),
        "history_days": HISTORY_DAYS,
        "signal_rows": "episodes" if all(r.episodes for r in replays) else "rows per run",
        "scenarios": [r.summary() for r in replays],
        "by_change": _by_change(changes, days),
        "false_positives": _false_positives(replays, days),
        "per_change": {
            "changes": len(changes),
            "detected": len(found),
            "signals_mean": _mean([c["signals"] for c in found]),
            "signals_max": max((c["signals"] for c in found), default=None),
            "alerts_mean": _mean([c["alerts"] for c in found]),
            "alerts_max": max((c["alerts"] for c in found), default=None),
            "alerts_beyond_escalation": sum(c["alerts"] - len(c["alert_labels"]) for c in found),
        },
        "collateral_signals": sum(_collateral(r) for r in replays),
        "data_guarantee": {
            "as_of_runs": sum(r.as_of_runs for r in replays),
            "violations": 0,  # the replay stops at the first one (loading.assert_known_before)
            "rule": "before each as_of run, no loaded line has decided_date or payment_date "
            "on or after the as_of",
        },
        "changes": changes,
    }


def _matches(signal: dict, change) -> bool:
    kind = KINDS[change.kind]
    return (
        signal["product"] == kind.product
        and signal["type"] in kind.types
        and signal["payer"] == change.payer
        and signal["key"] == change.key
    )


def _change(replay, change) -> dict:
    scenario = replay.scenario
    family = [s for s in replay.signals if _matches(s, change)]
    ids = {s["id"] for s in family}
    sent = [a for a in replay.alerts if a["signal_id"] in ids and not a["suppressed"]]
    payer = next(p for p in scenario.payers if p.name == change.payer)
    volume = payer.lines_per_day
    if change.group:
        volume = next(c.lines_per_day for c in payer.cells if c.group == change.group)
    first = min((s["first_seen"] for s in family), default=None)
    labels = {s["id"]: s["label"] for s in family}
    return {
        "customer": replay.slug,
        "type": change.kind,
        "size": change.size,
        "size_label": change.size_label,
        "payer": change.payer,
        "key": change.key,
        "lines_per_day": round(volume, 1),
        "detected": first is not None,
        "days_to_detection": None if first is None else (first - scenario.onset).days,
        "highest_label": max(labels.values(), key=LABEL_RANK.get, default=None),
        "highest_severity": max((s["severity"] for s in family), default=None),
        "default_rule_alerted": any(a["default_rule"] for a in sent),
        "signals": len(family),
        "alerts": len(sent),
        "alert_labels": sorted({a["label"] or labels[a["signal_id"]] for a in sent}),
    }


def _by_change(changes: list[dict], days: int) -> list[dict]:
    groups = defaultdict(list)
    for c in changes:
        groups[(c["type"], c["size"])].append(c)
    rows = []
    for (kind, size), items in sorted(groups.items(), key=lambda g: (list(KINDS).index(g[0][0]),
                                                                      g[0][1])):  # fmt: skip
        delays = [c["days_to_detection"] for c in items if c["detected"]]
        rows.append({
            "type": kind,
            "size": size,
            "size_label": items[0]["size_label"],
            "changes": len(items),
            "found": len(delays),
            "recall_14d": _recall(items, 14, days),
            "recall_28d": _recall(items, 28, days),
            "median_days": statistics.median(delays) if delays else None,
            "max_days": max(delays, default=None),
            "highest_label": max((c["highest_label"] for c in items if c["highest_label"]),
                                 key=LABEL_RANK.get, default=None),
            "alerted": sum(c["default_rule_alerted"] for c in items),
            "signals_per_change": _mean([c["signals"] for c in items if c["detected"]]),
            "alerts_per_change": _mean([c["alerts"] for c in items if c["detected"]]),
        })  # fmt: skip
    return rows


def _recall(items: list[dict], horizon: int, days: int) -> float | None:
    """Share found within `horizon` days; None when the replay was shorter than that."""
    if days < horizon:
        return None
    hits = sum(1 for c in items if c["detected"] and c["days_to_detection"] <= horizon)
    return round(hits / len(items), 3)


def _units(scenario, product: str) -> list[tuple[str, str | None]]:
    if product == "driftwatch":
        return [(p.name, c.group) for p in scenario.payers for c in p.cells]
    return [(p.name, None) for p in scenario.payers]


def _unit(signal: dict) -> tuple[str, str | None]:
    """The unit a signal speaks for: its (payer, cpt_group) cell, or its payer."""
    return signal["payer"], signal["key"] if signal["product"] == "driftwatch" else None


def _false_positives(replays, days: int) -> dict:
    out = {}
    for product in PRODUCTS:
        tally = {"all": defaultdict(int), "no_change": defaultdict(int)}
        types = defaultdict(int)
        for r in replays:
            untouched = {
                u for u in _units(r.scenario, product) if r.scenario.untouched(product, *u)
            }
            false = [s for s in r.signals if s["product"] == product and _unit(s) in untouched]
            alerted = {a["signal_id"] for a in r.alerts if not a["suppressed"]}
            scopes = ("all", "no_change") if not r.scenario.changes else ("all",)
            for s in false:
                types[s["type"]] += 1
            for scope in scopes:
                tally[scope]["units"] += len(untouched)
                tally[scope]["signals"] += len(false)
                tally[scope]["alert_level"] += sum(s["id"] in alerted for s in false)
        unit = "cell" if product == "driftwatch" else "payer"
        rates = {scope: _rates(t, days) for scope, t in tally.items()}
        out[product] = {"unit": unit, **rates, "by_type": dict(sorted(types.items()))}
    return out


def _rates(t: dict, days: int) -> dict:
    weeks = t["units"] * days / 7

    def per_100(n: int) -> float | None:
        return round(100 * n / weeks, 2) if weeks else None

    return {
        "untouched_units": t["units"],
        "unit_weeks": round(weeks, 1),
        "signals": t["signals"],
        "per_100_unit_weeks": per_100(t["signals"]),
        "alert_level": t["alert_level"],
        "alert_level_per_100_unit_weeks": per_100(t["alert_level"]),
    }


def _collateral(replay) -> int:
    scenario = replay.scenario
    return sum(
        1
        for s in replay.signals
        if not any(_matches(s, c) for c in scenario.changes)
        and not scenario.untouched(s["product"], *_unit(s))
    )


def _mean(values: list) -> float | None:
    return round(statistics.fmean(values), 2) if values else None
