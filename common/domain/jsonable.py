"""JSON-native forms of the values database rows carry (one place for API and CLI)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal


def plain(value):
    """Decimal → float, date/datetime → ISO text, UUID → text; anything else unchanged."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
