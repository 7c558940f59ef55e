"""Prefect flows and the `ingest` command line; flows only wire `tasks/` and `warehouse/`."""
