"""The local runner: the deployed functions mounted in one process."""
