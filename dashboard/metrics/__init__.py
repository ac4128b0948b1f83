"""Metrics: the analytics between the warehouse and the pages.

queries/*.sql aggregate in DuckDB (one statement per file, shared filters $departments, $year_from,
$year_to, $region, $grade, $kind); the modules here are pure Polars transforms, DataFrame in and
DataFrame out, composable with .pipe:
execution (budget execution), scores (distributions, grade mix, bunching), deductions (points lost
by indicator), reasons (deduction reasons and stated problems in the reason taxonomy) and
canonical (department and project names; owns the canonical_names table).
Rates are percentages and shares are fractions (0-1), never rounded here: the two engines round
halves differently, so rounding is left to what displays them.
"""
