"""Data files shipped with the domain package (read with importlib.resources)."""
