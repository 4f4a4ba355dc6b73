"""What is not product: synthetic data, benchmarks and quality checks (DESIGN §2).

The `upstream` commands that use it are thin wrappers; nothing here is deployed or imported by
the functions.
"""
