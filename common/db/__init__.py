"""Postgres access: SQLAlchemy Core tables, engines, unit of work and named SQL."""
