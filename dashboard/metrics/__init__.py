"""Metrics: the analytics between the warehouse and the pages.

queries/*.sql aggregate in DuckDB (one statement per file, shared filters $departments, $year_from,
$year_to, $region, $grade, $kinds); the modules here are pure Polars transforms, DataFrame in and
DataFrame out, composable with .pipe:
execution (budget execution), scores (distributions, grade mix, bunching), deductions (points lost
by indicator), reasons (deduction reasons and stated problems in the reason taxonomy) and
canonical (department and project names; owns the canonical_names table), dictionary (the metric
dictionary, data/metrics.toml: each headline figure's population, definition, label and help).
Rates are percentages and shares are fractions (0-1), never rounded here: the two engines round
halves differently, so rounding is left to what displays them.
"""
