"""Ingestion (SPEC 2): one finalized claim file → validated service lines, rollups, a report.

This package root stays light so that decoding an event never loads the load stack: it holds
what names an object (`ObjectEvent`, `object_event`, the prefixes). The use case itself is
`common.services.ingest.ingestor.Ingestor`, built by the composition root.
"""

from common.services.ingest.event import FINALIZED, QUARANTINE_PREFIX, ObjectEvent, object_event

__all__ = ["FINALIZED", "QUARANTINE_PREFIX", "ObjectEvent", "object_event"]
