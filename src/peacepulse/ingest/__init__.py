"""Ingest: read a file, parse its cells, check it against its kind, warn, write in one transaction."""
from __future__ import annotations

from .pipeline import Progress, Report, ingest_many, ingest_upload

__all__ = ["Progress", "Report", "ingest_many", "ingest_upload"]
