"""Coalition Impact: the data store, ingest engine and metrics behind the dashboard."""

__version__ = "0.1.0"
