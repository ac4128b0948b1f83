"""待核实: values the sanity rules (data/sanity.toml) find implausible, in the doubtful_values table
(queries/schema/001c_doubtful_values.sql), each with the report's own words around it.

Rebuilt by the loader's derive step after every load, correction and rederive. Headline totals and
rankings read `evaluation_facts.amounts_doubtful` and leave those reports' amounts out by default.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl

from dashboard.metrics import sanity_rules
from dashboard.metrics.sanity_rules import SanityError  # noqa: F401 - re-exported
from dashboard.settings import ROOT
from dashboard.warehouse import replace_rows

QUERY = ROOT / "queries" / "rollup" / "doubtful_values.sql"
QUOTE_CHARS = 40


def rules(path: str | Path | None = None, this_year: int | None = None) -> dict:
    """The rule thresholds as the query's parameters."""
    return sanity_rules.load(path, this_year).query_params()


def _number_pattern(value: float) -> str:
    """The digits of a stored value as a report may print them (thousands separators optional)."""
    whole, _, frac = f"{abs(value):.4f}".rstrip("0").rstrip(".").partition(".")
    grouped = r",?".join(re.escape(d) for d in whole)
    return grouped + (r"\.?" + re.escape(frac) if frac else "")


def quote_for(value: float | None, full_text: str | None, facts_json: str | None, field: str) -> str | None:
    """The report's words around the value: a quoted mention the extractor kept, else the value found
    in the text (as 万元 or as the 元 it may have been written in)."""
    if value is None:
        return None
    facts = json.loads(facts_json) if facts_json else {}
    key = {"budget_wan": "budget_mentions", "spent_wan": "spent_mentions"}.get(field)
    for mention in facts.get(key, []) if key else []:
        if mention.get("quote") and abs(float(mention.get("value_wan", value)) - value) < 0.01:
            return mention["quote"]
    text = full_text or ""
    for candidate in (value, value * 10000):
        m = re.search(_number_pattern(candidate), text)
        if m:
            start, end = max(0, m.start() - QUOTE_CHARS), min(len(text), m.end() + QUOTE_CHARS)
            return re.sub(r"\s+", " ", text[start:end]).strip()
    return None


def refresh(con) -> int:
    """Rewrite doubtful_values from the current (corrected) facts; returns the rows written."""
    cur = con.cursor()
    rows = cur.sql(QUERY.read_text(encoding="utf-8"), params=rules()).pl()
    if rows.height:
        texts = cur.sql("select evaluation_id, full_text, facts_json from evaluation_facts "
                        "where evaluation_id in (select unnest($ids))",
                        params={"ids": rows["evaluation_id"].unique().to_list()}).pl()
        by_id = {r["evaluation_id"]: r for r in texts.iter_rows(named=True)}
        quotes = [quote_for(r["value"], by_id.get(r["evaluation_id"], {}).get("full_text"),
                            by_id.get(r["evaluation_id"], {}).get("facts_json"), r["field"])
                  for r in rows.iter_rows(named=True)]
        rows = rows.with_columns(pl.Series("quote", quotes, dtype=pl.String))
    else:
        rows = rows.with_columns(pl.lit(None, dtype=pl.String).alias("quote"))
    return replace_rows(con, "doubtful_values", rows)
