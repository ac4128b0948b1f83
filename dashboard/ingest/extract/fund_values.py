"""A funds row whose empty cells were dropped, or whose numbers ran together, put back in its columns.

Web pages drop empty cells (`年度资金总额: 620 620 620 10 10` under six columns) and some drop every
separator (`年度资金总额86.486.4100%`). The columns' own arithmetic decides where each value goes:
a rate is spent / budget, a score is at most its weight and near weight × rate, a weight is a few
points. An arrangement is taken only when the arithmetic prefers it; otherwise the values stay in
order (the old reading) and fused digits stay unsplit with a warning.
"""
from __future__ import annotations

import re
from itertools import combinations

from dashboard.ingest.normalize import normalize_text

_AMOUNT_ROLES = {"initial_budget", "budget", "spent"}


def _value(cell: str) -> tuple[float | None, bool]:
    """(number, written with %) of a cell; None for a dash or an unreadable cell."""
    text = normalize_text(cell).strip().replace(",", "")
    m = re.fullmatch(r"([-+]?\d+(?:\.\d+)?)\s*(%?)", text)
    if not m:
        return None, False
    return float(m.group(1)), bool(m.group(2))


def _fit(assigned: dict[str, str]) -> float:
    """How well an assignment of cells to roles agrees with the funds block's arithmetic."""
    score = 0.0
    values = {role: _value(cell) for role, cell in assigned.items()}
    for role, (number, percent) in values.items():
        if percent and role != "rate":
            score -= 5
        if role == "rate" and number is not None:
            score += 1 if percent else 0
    budget = values.get("budget", (None, False))[0] or values.get("initial_budget", (None, False))[0]
    spent = values.get("spent", (None, False))[0]
    rate, rate_percent = values.get("rate", (None, False))
    weight = values.get("weight", (None, False))[0]
    got = values.get("score", (None, False))[0]
    implied = spent / budget * 100 if budget and spent is not None else None
    if rate is not None:
        as_percent = rate if rate_percent or rate > 1.5 else rate * 100
        if implied is not None:
            score += 3 if abs(as_percent - implied) <= 0.6 else -1
        implied = as_percent if implied is None else implied
    if "budget" in assigned and assigned["budget"].strip():
        score += 0.1  # a lone budget figure is the full-year one more often than 年初
    if weight is not None:
        score += 1 if 0 < weight <= 30 else -3
    if got is not None and weight is not None:
        score += 1 if got <= weight + 1e-9 else -3
        if implied is not None:
            score += 2 if abs(weight * min(implied, 100) / 100 - got) <= 0.15 else 0
    for role in _AMOUNT_ROLES:
        number = values.get(role, (None, False))[0]
        if number is not None and weight is not None and got is not None and number < 0:
            score -= 3
    return score


def place_values(roles: list[str | None], values: list[str]) -> list[str]:
    """The values laid into len(roles) cells, empty where a cell was dropped."""
    n, k = len(roles), len(values)
    if k >= n or k == 0:
        return (values + [""] * n)[:n]
    best, best_fit = None, None
    for positions in combinations(range(n), k):
        assigned = {roles[p]: values[i] for i, p in enumerate(positions) if roles[p]}
        fit = _fit(assigned)
        if best_fit is None or fit > best_fit + 1e-9:
            best, best_fit = positions, fit
    cells = [""] * n
    for i, p in enumerate(best):
        cells[p] = values[i]
    return cells


_PIECE = re.compile(r"(?:0|[1-9]\d*)(?:\.\d{1,2})?%?")


def _segmentations(text: str, most: int) -> list[list[str]]:
    out: list[list[str]] = []

    def walk(pos: int, parts: list[str]) -> None:
        if len(out) > 2000:
            return
        if pos == len(text):
            out.append(list(parts))
            return
        if len(parts) == most:
            return
        for end in range(pos + 1, len(text) + 1):
            piece = text[pos:end]
            if _PIECE.fullmatch(piece):
                # "100.00%" is one piece; a % closes it.
                parts.append(piece)
                walk(end, parts)
                parts.pop()
            if piece.endswith("%"):
                break

    walk(0, [])
    return out


def split_fused(text: str, roles: list[str | None]) -> list[str] | None:
    """`86.486.4100%` under (budget, spent, rate) -> ['86.4', '86.4', '100%'] when exactly one
    split agrees with the arithmetic (rate = spent / budget); None when none or several do."""
    compact = normalize_text(text).replace(",", "").strip()
    if not re.fullmatch(r"[\d.%]+", compact) or ("%" not in compact and compact.count(".") < 2):
        return None
    winners: list[tuple[float, list[str]]] = []
    for parts in _segmentations(compact, len(roles)):
        if len(parts) < 2:
            continue
        cells = place_values(roles, parts)
        assigned = {r: c for r, c in zip(roles, cells) if r and c}
        if "rate" not in assigned or not ({"budget", "initial_budget"} & set(assigned)) or "spent" not in assigned:
            continue
        fit = _fit(assigned)
        if fit >= 3:
            winners.append((fit, cells))
    if not winners:
        return None
    top = max(f for f, _ in winners)
    best = [cells for f, cells in winners if f == top]
    distinct = {tuple(c) for c in best}
    return list(best[0]) if len(distinct) == 1 else None


def split_fused_funds(tokens: list[str], roles: list[str | None]) -> list[str]:
    """A funds row read as one fused token (`86.486.4100%`) split where the arithmetic allows it."""
    if len(tokens) != 1:
        return tokens
    parts = split_fused(tokens[0], roles)
    return [p for p in parts if p] if parts else tokens
