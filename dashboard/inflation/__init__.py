"""Inflated self-scores: report-level and corpus-level flags, re-scoring, risk and the unit inflation index."""
