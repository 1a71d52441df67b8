"""Figures in plain words, for the site and the command line: "Stage 1 complaints received: 9",
"56%", "+9 percentage points", "only 2 of 10 neighbours have the figure".

The words for measures, stages and categories come from the vocabulary (schemas/vocabulary.py),
written into the database's `measures` and `categories` tables; these functions only put them
together. No I/O.
"""

from __future__ import annotations

import json

from publish.benchmark import LOW_ENGLAND_COVERAGE, LOW_NEIGHBOUR_COVERAGE, SMALL_NUMBER
from schemas.periods import shift
from schemas import STAGE_LABELS

#: What each checking status means, for fact, document and comparison pages (issue #14).
STATUS_WORDS = {
    "accepted": ("accepted", "read with confidence at or above the calibrated threshold; not checked by a person"),
    "needs_check": ("needs a check", "read with low confidence: check it against the report before using it"),
    "verified": ("verified", "checked against the report by a person"),
    "corrected": ("corrected", "corrected by a person after checking the report"),
}
UNCHECKED = ("not checked", "this database records no checking of facts yet")


def sentence(text: str) -> str:
    """The first letter a capital, the rest as written ('line 17' -> 'Line 17'; never 'thurrock'), and a
    full stop unless the text ends with one."""
    text = (text or "").strip()
    if not text:
        return text
    return text[:1].upper() + text[1:] + ("" if text[-1] in ".?!" else ".")


def number(value: float | int | None) -> str:
    """9 -> '9', 1234 -> '1,234', 1.98 -> '1.98', 9.5 -> '9.5' (never '9.0')."""
    if value is None:
        return "no data"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def value_words(value: float | int | None, unit: str | None) -> str:
    """A value in its unit: '9', '56%', '20 days', '£1,200'."""
    if value is None:
        return "no data"
    text = number(value)
    if unit == "percent":
        return f"{text}%"
    if unit == "days":
        return f"{text} day{'' if value == 1 else 's'}"
    if unit == "gbp":
        return f"£{text}"
    return text


def what_words(measure_label: str, stage: str | None, category_label: str | None = None) -> str:
    """'Stage 1 complaints received', 'Complaints by outcome (partially upheld)'."""
    words = measure_label
    if stage:  # the vocabulary's keys are str enums: 'stage1' finds Stage.STAGE1
        words = f"{STAGE_LABELS.get(stage, stage)} {measure_label[:1].lower()}{measure_label[1:]}"
    if category_label:
        words += f" ({category_label})"
    return words


def fact_words(measure_label: str, stage: str | None, category_label: str | None, value, unit: str | None) -> str:
    """'Stage 1 complaints received: 9'."""
    return f"{what_words(measure_label, stage, category_label)}: {value_words(value, unit)}"


def change_words(change: float | None, change_percent: float | None, previous: float | None, unit: str | None,
                 period: str) -> str:
    """The change from the year before: '-6 (-40%) from 15 in 2022-23'; for a percentage, the
    difference is in percentage points, '+9 percentage points, from 47% in 2022-23'."""
    before = shift(period, -1)
    if change is None or previous is None:
        return f"no figure for {before}"
    signed = ("+" if change > 0 else "−" if change < 0 else "±") + number(abs(change))
    if unit == "percent":
        points = "percentage point" if abs(change) == 1 else "percentage points"
        return f"{signed} {points}, from {value_words(previous, unit)} in {before}"
    if unit in ("days", "gbp"):
        signed = ("+" if change > 0 else "−" if change < 0 else "±") + value_words(abs(change), unit)
    relative = ""
    if change_percent is not None:
        relative = f" ({'+' if change_percent > 0 else '−' if change_percent < 0 else '±'}{number(abs(change_percent))}%)"
    return f"{signed}{relative}, from {value_words(previous, unit)} in {before}"


#: Fewer councils with a figure than this have no meaningful quartiles (one council a quarter).
MIN_FOR_QUARTILES = 4


def rank_words(row: dict) -> str:
    """'2 of 2 councils with the figure (1 = highest); too few for quartiles', or '..., quartile 3'."""
    ranked = row.get("ranked") or 0
    words = f"{row.get('rank')} of {ranked} council{'' if ranked == 1 else 's'} with the figure (1 = highest)"
    if ranked < MIN_FOR_QUARTILES:
        return words + f"; too few councils for quartiles (under {MIN_FOR_QUARTILES})"
    words += f", quartile {row.get('quartile')}"
    if row.get("rate_rank"):
        words += f"; by rate per 10,000 children rank {row['rate_rank']}, quartile {row.get('rate_quartile')}"
    return words


def low_coverage(with_data: int | None, councils: int | None, neighbours: bool = False) -> bool:
    """An average too weak to lean on: under 5 of 10 neighbours, or under half of the councils."""
    if not with_data:
        return True
    if neighbours:
        return with_data < LOW_NEIGHBOUR_COVERAGE
    return bool(councils) and with_data < LOW_ENGLAND_COVERAGE * councils


def flag_words(row: dict) -> list[str]:
    """The benchmark row's flags as sentences naming the council and the numbers."""
    flags = json.loads(row.get("flags") or "[]")
    name = row.get("council_name") or "the council"
    sentences = {
        "small_number": f"{name}'s figure is under {SMALL_NUMBER}: a small number, so its rates and changes "
                        "are unstable.",
        "few_neighbours_with_data": (f"None of {name}'s {row.get('neighbours')} statistical neighbours has this "
                                     "figure yet: there is no neighbours' average."
                                     if not row.get("neighbours_with_data") else
                                     f"Only {row.get('neighbours_with_data')} of {name}'s {row.get('neighbours')} "
                                     "statistical neighbours have this figure: their average is weak."),
        "no_neighbour_model": f"{name} is in no DfE statistical-neighbour model for {row.get('period')}.",
        "low_england_coverage": f"Only {row.get('england_with_data')} of {row.get('england_councils')} councils in "
                                "England have this figure: the England average, rank and quartile are among "
                                "those councils only.",
        "conflicting_sources": "The reports disagree on this figure: see the conflicting figures.",
        "no_population": f"There is no child population for {name} in {row.get('period')}: no rate.",
    }
    return [sentences.get(flag, flag.replace("_", " ")) for flag in flags]


def status_words(status: str | None) -> tuple[str, str]:
    """(short name, what it means) of a fact's checking status; 'not checked' when there is none."""
    return STATUS_WORDS.get(status or "", UNCHECKED)
