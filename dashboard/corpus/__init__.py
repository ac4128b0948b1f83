"""Demo corpus: deterministic generated reports and the writers that put them into files."""
