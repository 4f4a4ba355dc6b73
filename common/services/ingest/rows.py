"""The file's rows around the probe: read ahead without closing the source, replay in order."""

from __future__ import annotations

from common.domain.columns import HeaderMap
from common.domain.csv_reader import CsvFormatError


class ReplayedRows:
    """The source's rows; a format error found while probing is raised again in order."""

    def __init__(self, rows) -> None:
        self._rows = rows

    def __iter__(self):
        for item in self._rows:
            if isinstance(item, CsvFormatError):
                raise item
            yield item


def read_ahead(rows, limit: int) -> list:
    """Up to `limit` rows, ending with the CsvFormatError (as an item) if reading fails there.

    A plain loop: a generator wrapped around `rows` would close it when the wrapper goes away.
    """
    head: list = []
    try:
        for item in rows:
            head.append(item)
            if len(head) == limit:
                break
    except CsvFormatError as exc:
        head.append(exc)
    return head


def header_columns(header: HeaderMap, names: list[str]) -> dict:
    return {
        "recognised": {f: names[i] for f, i in header.index.items()},
        "ignored": header.ignored,
        "dropped_phi": header.dropped_phi,
    }
