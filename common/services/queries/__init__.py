"""Read models of the HTTP API: named SQL per query, always inside a tenant transaction.

Every function takes a connection opened with `uow.transaction(customer_id)` (RLS) AND filters
on `customer_id` itself: two walls. Lists return `(rows, key_of)` for keyset pagination.
"""
