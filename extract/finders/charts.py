"""Charts -> candidate facts.

A chart's title says what is counted ('Stage Two complaint outcomes in 2023/24'), its
categories say the breakdown (years, outcomes, services, themes, remedies), and each
series may add a qualifier ('Number upheld'). When a series has fewer values than there
are categories, its empty points were dropped on export and the values cannot be placed
with certainty: they are read in order, with a low confidence, and marked as such.
"""

from __future__ import annotations

from extract.finders.context import BlockContext
from extract.finders.reading import Reading, resolve, unit_allowed, with_dominant_context
from extract.lexicon import FIXED_DIMENSIONS, Lexicon
from extract.settings import SETTINGS
from schemas.periods import is_period_label, parse_period
from schemas import STAGED_MEASURES, Candidate, Chart, Document, Method, Unit



def find(doc: Document, contexts: dict[int, BlockContext], lexicon: Lexicon) -> list[Candidate]:
    found: list[Candidate] = []
    for block in doc.blocks:
        if isinstance(block, Chart):
            found.extend(read_chart(block, contexts[block.index], lexicon))
    return found


def _category_dimension(categories: list[str], lexicon: Lexicon) -> str | None:
    """The fixed breakdown most categories belong to, if most do."""
    best, best_count = None, 0
    for dimension in FIXED_DIMENSIONS:
        count = sum(1 for c in categories if lexicon.category(dimension, c))
        if count > best_count:
            best, best_count = dimension, count
    return best if best_count * 2 > len(categories) else None


def read_chart(chart: Chart, ctx: BlockContext, lexicon: Lexicon) -> list[Candidate]:
    title = lexicon.label(chart.title or ctx.heading or "")
    by_period = all(is_period_label(c) for c in chart.categories)
    fixed = None if by_period else _category_dimension(chart.categories, lexicon)
    free = None
    if not by_period and fixed is None:
        free = title.dimension if title.dimension in {"service", "theme", "remedy"} else None
        if "remedies" in title.bases:
            free = "remedy"
    found: list[Candidate] = []
    for series in chart.series:
        name = lexicon.label(series.name)
        if "placeholder" in name.qualifiers:
            continue
        dimension = free
        if dimension is None and not by_period and fixed is None:
            dimension = name.dimension if name.dimension in {"service", "theme", "remedy"} else None
        complete = len(series.values) == len(chart.categories)
        for position, value in enumerate(series.values):
            if value is None:
                continue
            category_label = chart.categories[position]
            reading = Reading(base=title.base, stage=title.stage)
            if fixed is None or not name.categories:
                reading.base = name.base or reading.base
                reading.stage = name.stage or reading.stage
                reading.qualifiers = set(name.qualifiers)
            reading.qualifiers |= title.qualifiers - {"total"}
            if "response_time" in name.categories and dimension:
                continue  # response times by service: the contract has no such measure
            if dimension == "service" and name.categories.get("outcome") == "upheld":
                reading.qualifiers.add("upheld")  # a 'Number upheld' series over services
            period = parse_period(category_label) if by_period else (title.period or ctx.period)
            if fixed:
                category = lexicon.category(fixed, category_label)
                if category is None:
                    continue
                reading.category_dim, reading.category, reading.label = fixed, category, category_label
            elif dimension:
                reading.label_dim, reading.label = dimension, category_label
            elif not by_period:
                continue  # categories that are neither years nor a known breakdown
            reading = with_dominant_context(reading, ctx.bases)
            resolved = resolve(reading)
            if resolved is None or period is None:
                continue
            measure, category = resolved
            unit = Unit.COUNT
            if not unit_allowed(measure, unit):
                continue
            found.append(
                Candidate(
                    period=period,
                    measure=measure,
                    stage=reading.stage if measure in STAGED_MEASURES else None,
                    category=category,
                    category_raw=reading.label if (category is not None or reading.label_dim) else None,
                    value=value,
                    unit=unit,
                    quote=f"{chart.title or ''} — {series.name}: {category_label} {value:g}".strip(" —"),
                    method=Method.CHART,
                    block=chart.index,
                    page=chart.page,
                    line=chart.line,
                    bbox=chart.bbox,
                    confidence=SETTINGS.confidence["chart" if complete else "chart:unplaced"],
                    scope=ctx.scope.name, scope_where=ctx.scope.where,
                    rule="chart" if complete else "chart:unplaced",
                    group=f"chart{chart.index}",
                )
            )
    return found
