"""Errors the ingest pipeline raises: each carries a reason a user can act on (in Chinese)."""


class ExtractionError(Exception):
    """A file could not be turned into records; str() is the reason, without the file name."""


class ReadError(ExtractionError):
    """The file itself could not be read (corrupt, encrypted, scanned, too large, unsupported)."""
