"""Signal products: DriftWatch, DenialScope and DelayGuard (one module each, SPEC §3)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

PRODUCTS: tuple[str, ...] = ("driftwatch", "denialscope", "delayguard")


def detector(product: str) -> Callable:
    """The product's `detect(conn, customer_id, as_of, thresholds) -> list[Signal]`."""
    if product not in PRODUCTS:
        raise ValueError(f"unknown product {product!r}")
    return import_module(f"common.services.signals.{product}").detect
