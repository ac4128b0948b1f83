"""Performance-evaluation analytics for county finance bureaus: ingest, warehouse, metrics, pages."""
