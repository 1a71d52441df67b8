"""One table's figures: what each cell counts, from its row, its column, the corner cell,
the caption and the section heading; then the measure, by the decision table.

A table is one of three shapes: years down the side ('period_rows'), a single row of figures
under a header ('record'), or labelled rows ('labels': stages, outcomes, services,
councils...). Row and column labels are read with the lexicon into a Reading per cell.
"""

from __future__ import annotations

import re

from extract.finders.context import BlockContext
from extract.finders.grid import Grid
from extract.finders.scope import CHILDREN, Scope, is_scope_name, text_scope
from extract.finders.reading import (
    DOMINANT_CONTEXT_BASES,
    Reading,
    clean_label,
    resolve,
    unit_allowed,
    with_dominant_context,
)
from extract.finders.values import parse_cell
from extract.lexicon import FIXED_DIMENSIONS, LabelInfo, Lexicon
from extract.settings import SETTINGS
from extract.readers.common import looks_numeric
from schemas import STAGED_MEASURES, Candidate, Cell, Measure, Method, Stage, Table, Unit
from schemas.periods import is_period_label, parse_period

COUNTED_COLUMN_BASES = frozenset({"complaints", "compliments", "enquiries", "representations", "lgsco", "concerns", "adr"})
ROW_TOTAL_QUALIFIERS = frozenset({"average_days", "in_timescale", "received"})
DAYS_LABEL = re.compile(r"\bdays?\b|\btime\b", re.IGNORECASE)
CONTEXT_QUALIFIERS = frozenset({"in_timescale", "average_days", "responded"})
FREE_DIMENSIONS = frozenset({"service", "theme", "remedy"})
MONEY_LABEL = re.compile(r"£|\bGBP\b|\bpounds\b", re.IGNORECASE)


class TableReader:
    def __init__(self, grid: Grid, block: Table, ctx: BlockContext, lexicon: Lexicon, corner: LabelInfo,
                 context: list[LabelInfo], group: str):
        self.grid, self.block, self.ctx, self.lexicon = grid, block, ctx, lexicon
        self.corner, self.context, self.group = corner, context, group
        self.scope = ctx.scope  # what the table's figures are about (a row's own, in a table of services)
        self.row_scopes: dict[str, str] | None = None
        self.context_bases = context[0].bases if context else []  # the caption or nearest heading rules
        self.column_infos = [lexicon.label(label) if label else LabelInfo(text="") for label in grid.column_labels]
        self.timescale_stage = _implied_stage_of_rows(grid, lexicon)
        # a column that names nothing counted ('% Responded to within timeframe') counts what its
        # neighbours count ('Complaints Received')
        column_bases = [info.base for info in self.column_infos if info.base]
        self.column_base = max(set(column_bases), key=column_bases.count) if column_bases else None
        self.columns_say_what_they_count = any(
            info.qualifiers & {"upheld", "finished", "responded", "received"} or info.categories or info.bases
            for info in self.column_infos[1:]
        )

    def implied_stage(self, measure: Measure) -> Stage | None:
        return self.timescale_stage if measure is Measure.COMPLAINTS_BY_RESPONSE_TIME else None

    # -- what the table is --------------------------------------------------------------

    def mode(self) -> str:
        data = [r for r in self.grid.data if r[0].text]
        if self.grid.data and looks_numeric(self.grid.data[0][0].text):
            return "record"
        period_rows = [r for r in data if is_period_label(clean_label(r[0].text))]
        others = [r for r in data if r not in period_rows and not self.lexicon.has("change", r[0].text)
                  and not self.lexicon.has("sub_period", r[0].text)]  # quarters above the year's row
        if period_rows and not others:
            return "period_rows"
        return "labels"

    def context_value(self, attribute: str):
        for info in self.context:
            value = getattr(info, attribute)
            if value:
                return value
        return None

    def row_dimension(self, labels: list[str]) -> str | None:
        if self.corner.dimension:
            return self.corner.dimension
        counted = [label for label in labels if label and not self.lexicon.has("total", label)]
        if not counted:
            return None
        best, best_count = None, 0
        for dimension in FIXED_DIMENSIONS:
            count = sum(1 for label in counted if self.lexicon.category(dimension, label))
            if count > best_count:
                best, best_count = dimension, count
        if best and best_count >= max(2, SETTINGS.fixed_dim_vote * len(counted)):
            return best
        if all(self.lexicon.stage_value(label) for label in counted):
            return None  # rows of stages: a heading's 'Outcomes and response times' does not make them outcomes
        for info in self.context:
            if info.dimension in FREE_DIMENSIONS | set(FIXED_DIMENSIONS) | {"council"}:
                return info.dimension
        counting = set(self.lexicon.words("counted_bases"))
        services = [label for label in counted  # 'Concerns resolved by the service' counts concerns: no service
                    if self.lexicon.looks_like_service(label) and not set(self.lexicon.bases_in(label)) & counting]
        if len(services) >= SETTINGS.service_vote * len(counted):
            return "service" if len(counted) > 1 else None
        return None

    # -- reading ------------------------------------------------------------------------

    def read(self) -> list[Candidate]:
        mode = self.mode()
        if mode == "period_rows":
            return self.read_period_rows()
        if mode == "record":
            return self.read_record()
        return self.read_labelled_rows()

    def base_reading(self) -> Reading:
        """What the caption, section heading and corner cell say of every figure."""
        reading = Reading()
        reading.base = self.corner.base or self.context_value("base") or self.column_base
        reading.stage = self.corner.stage or (self.context[0].stage if self.context else None)
        if reading.stage and reading.base is None:
            reading.base = "complaints"  # 'Table 5: Stage 1 response times'
        for info in self.context:
            reading.qualifiers |= info.qualifiers & CONTEXT_QUALIFIERS
        if self.context and "upheld" in self.context[0].qualifiers and not self.columns_say_what_they_count:
            reading.qualifiers.add("upheld")  # 'Top upheld themes' over a column that only says 'Top 5 issues'
        return reading

    def read_period_rows(self) -> list[Candidate]:
        """Years down the side, measures or categories across the top."""
        found = []
        outcome_columns = [j for j in range(1, self.grid.width) if "outcome" in self.column_infos[j].categories]
        counted = [info for info in self.column_infos[1:] if not self.lexicon.has("total", info.text)]
        # 'Concerns | Stage 1 | Stage 2 | Compliments | Total': the total counts every kind
        kinds = {info.base or ("complaints" if info.stage else None) for info in counted} - {None}
        free_dimension = self._free_column_dimension(counted)
        for row in self.grid.data:
            label = clean_label(row[0].text)
            period = parse_period(label)
            if period is None:
                continue
            for j in range(1, self.grid.width):
                info = self.column_infos[j]
                reading = self.base_reading()
                if self.lexicon.has("total", info.text):
                    if len(outcome_columns) >= 2:
                        reading.base = "complaints"  # an outcome table's total is the complaints at that stage
                    elif len(kinds) >= 2:
                        reading.base = "representations"
                    else:
                        continue
                elif len(kinds) >= 2 and not (info.bases or info.stage or info.categories or info.qualifiers):
                    continue  # 'Comments' among Concerns, Complaints and Compliments: a kind we do not count
                elif free_dimension:
                    # 'Stage 1 complaints by service area' with the services across the top
                    reading.base = reading.base or "complaints"
                    reading.label_dim, reading.label = free_dimension, info.text
                else:
                    self.apply_label(reading, info, allow_category=True)
                found.extend(self.cell(row, j, reading, period, column=info.text))
        return found

    def _free_column_dimension(self, counted: list[LabelInfo]) -> str | None:
        """The caption says the columns are services or themes ('... by service area') and
        they name no measure of their own."""
        dimension = next((info.dimension for info in self.context if info.dimension), None)
        if dimension not in FREE_DIMENSIONS or self.corner.dimension not in (None, dimension):
            return None
        if any(set(info.bases) & COUNTED_COLUMN_BASES or info.stage for info in counted):
            return None
        named = sum(1 for info in counted if not info.categories or self.lexicon.looks_like_service(info.text))
        return dimension if named * 2 > len(counted) else None  # 'Other' may sit among them

    def read_record(self) -> list[Candidate]:
        """Headers over a single row of figures, no label column."""
        found = []
        row = self.grid.data[0]
        for j in range(self.grid.width):
            label = clean_label(self.grid.header[0][j].text) if self.grid.header else ""
            info = self.lexicon.label(label)
            reading = self.base_reading()
            self.apply_label(reading, info, allow_category=True)
            if "adr" in self.context_bases and reading.category_dim:
                continue  # 'cases satisfactorily resolved' in an ADR table is not a complaint outcome
            found.extend(self.cell(row, j, reading, info.period or self.ctx.period, column=label))
        return found

    def scope_rows(self, labels: list[str]) -> dict[str, str] | None:
        """In a report of several services, a table whose rows are services ('Children's Social
        Care | 233', 'Adult Social Care | 402', 'Council total'): each row's scope, by label."""
        if self.ctx.scope.is_children:
            return None
        named = {label: text_scope(label, self.lexicon) for label in labels if is_scope_name(label, self.lexicon)}
        return named if len(named) >= 2 and CHILDREN in named.values() else None

    def read_labelled_rows(self) -> list[Candidate]:
        labels = [clean_label(r[0].text) for r in self.grid.data]
        self.row_scopes = self.scope_rows(labels)
        dimension = None if self.row_scopes else self.row_dimension(labels)
        if dimension == "unsupported":
            return []
        multi_base = len({b for label in labels for b in self.lexicon.bases_in(label)[:1]}) >= 2
        group = self._first_group()
        prefix = self._corner_prefix(dimension)
        italic_rows = any(r[0].italic for r in self.grid.data)
        parent: str | None = None
        found = []
        for index, row in enumerate(self.grid.data):
            label = clean_label(row[0].text)
            if not label:
                continue
            if self.lexicon.has("change", label):
                continue
            value_cells = row[1:]
            filled = [c for c in value_cells if c.text]
            if not filled:
                group, parent = label, label
                continue
            following = self.grid.data[index + 1] if index + 1 < len(self.grid.data) else None
            if row[0].bold and len(filled) * 2 < len(value_cells) and following is not None and not following[0].bold:
                group, parent = label, label  # a bold sub-heading with a stray figure
                continue
            if italic_rows:
                path = f"{parent} > {label}" if row[0].italic and parent else label
                if not row[0].italic:
                    parent = label
            elif row[0].bold:
                group, path = None, label
            else:
                path = f"{group} > {label}" if group else label
            if prefix:
                path = f"{prefix} > {path}"
            found.extend(self.read_row(row, label, path, dimension, multi_base))
        return found

    def _first_group(self) -> str | None:
        """A label in the corner of a second header row opens the first group of rows."""
        for row in self.grid.header[1:]:
            if row[0].text:
                return clean_label(row[0].text)
        return None

    def _corner_prefix(self, dimension: str | None) -> str | None:
        corner = self.corner
        if dimension in FREE_DIMENSIONS and corner.text and not corner.dimension and (corner.bases or corner.categories):
            return corner.text
        return None

    def read_row(self, row: list[Cell], label: str, path: str, dimension: str | None, multi_base: bool) -> list[Candidate]:
        if self.row_scopes is not None:  # the row is a service of the council: its name is its scope, not a label
            self.scope = Scope(self.row_scopes.get(label), "row")
            label = ""
        info = self.lexicon.label(label)
        row_period = info.period
        found = []
        for j in range(1, self.grid.width):
            column = self.column_infos[j]
            reading = self.base_reading()
            self.apply_label(reading, column, allow_category=dimension in (None, "council", "stage"))
            authority = None
            if self.lexicon.has("total", label):
                if dimension is None and multi_base:
                    reading.base, reading.category_dim, reading.category = "representations", None, None
                elif dimension == "outcome":
                    reading.base, reading.category_dim, reading.category = "complaints", None, None
                else:
                    continue
            elif dimension is None:
                if multi_base and not (info.bases or info.stage or info.categories or info.qualifiers):
                    continue  # 'Comments' among Concerns, Complaints and Compliments: a kind we do not count
                self.apply_label(reading, info, allow_category=True)
            elif dimension == "stage":
                stage = self.lexicon.stage_value(label) or info.stage
                if stage is None:
                    continue
                reading.stage = stage
                reading.base = reading.base or "complaints"  # what a stage counts
            elif dimension == "council":
                authority = label
            elif dimension in FREE_DIMENSIONS:
                if reading.category_dim == "outcome" and reading.category == "upheld":
                    reading.qualifiers.add("upheld")
                if reading.category_dim != "enquiry_type":
                    reading.category_dim, reading.category = None, None
                reading.label_dim, reading.label = dimension, path
                if info.stage and dimension != "remedy" and not reading.stage:
                    reading.stage = info.stage
            elif (dimension in ("response_time", "outcome") and not info.categories
                  and set(info.bases) <= {"complaints"} and (info.qualifiers & ROW_TOTAL_QUALIFIERS or info.bases)):
                # 'Average working days to respond' under the response-time bands; 'Received' and
                # 'Completed in time' above and below the outcomes of a stage
                reading.base = "complaints"
                reading.qualifiers |= info.qualifiers & ROW_TOTAL_QUALIFIERS
            else:
                category = self.lexicon.category(dimension, label)
                if category is None:
                    continue  # a row this breakdown's vocabulary does not know
                reading.category_dim, reading.category = dimension, category
                reading.label = label
                if info.base:
                    reading.base = info.base
                if info.stage:
                    reading.stage = info.stage
            period = self.grid.column_periods[j] or row_period or self.corner.period or self.ctx.period
            found.extend(self.cell(row, j, reading, period, column=column.text, authority=authority))
        return found

    def apply_label(self, reading: Reading, info: LabelInfo, allow_category: bool) -> None:
        """Fold a row or column label into a reading: its base, stage, category and qualifiers."""
        if info.base:
            reading.base = info.base
        if info.stage:
            reading.stage = info.stage
            borrowed = reading.base == self.column_base and not self.corner.base and not self.context_value("base")
            if not info.base and (reading.base not in DOMINANT_CONTEXT_BASES or borrowed):
                # 'Stage 1' in a table of representations counts complaints; 'Stage 3 panels'
                # next to an 'ADR meetings' column does not borrow that column's base
                reading.base = "complaints"
        reading.qualifiers |= info.qualifiers - {"total"}
        if MONEY_LABEL.search(info.text):
            reading.money = True  # 'Remedies (£)': the column's plain numbers are pounds
        if allow_category and info.categories:
            dimension = _category_dimension(info, reading.base)
            if dimension:
                reading.category_dim, reading.category = dimension, info.categories[dimension]
                reading.label = info.text

    def cell(self, row: list[Cell], j: int, reading: Reading, period: str | None, column: str,
             authority: str | None = None) -> list[Candidate]:
        text = row[j].text
        figures = parse_cell(text)
        if not figures or period is None:
            return []
        reading = with_dominant_context(reading, self.context_bases)
        found = []
        labelled_money = reading.money
        for value, unit in figures:
            if labelled_money and unit is Unit.COUNT:
                unit = Unit.GBP
            reading.money = unit is Unit.GBP
            if unit is Unit.COUNT and "%" in column and len(figures) == 1:
                unit = Unit.PERCENT
            if unit is Unit.COUNT and "average_days" in reading.qualifiers and DAYS_LABEL.search(
                    " ".join([row[0].text, column] + [info.text for info in self.context])):
                unit = Unit.DAYS  # 'Average response time (working days) | 12'
            if reading.base == "enquiries" and self.lexicon.category("response_time", column):
                reading.qualifiers.add("in_timescale")  # 'Answered in 10 working days' for enquiries: on time
            resolved = resolve(reading)
            if resolved is None:
                continue
            measure, category = resolved
            if not unit_allowed(measure, unit):
                continue
            stage = reading.stage if measure in STAGED_MEASURES else None
            stage = stage or self.implied_stage(measure)
            raw = reading.label if (category is not None or reading.label_dim) else None
            found.append(
                Candidate(
                    period=period,
                    measure=measure,
                    stage=stage,
                    category=category,
                    category_raw=raw,
                    value=value,
                    unit=unit,
                    quote=_quote(row, j, column),
                    method=Method.TABLE,
                    block=self.block.index,
                    page=self.block.page,
                    line=self.block.line,
                    bbox=self.block.bbox,
                    confidence=SETTINGS.confidence["table"],
                    scope=self.scope.name, scope_where=self.scope.where,
                    authority_name=authority,
                    rule="table",
                    group=f"{self.group}.col{j}",  # rows of one column that share a category are summed
                )
            )
        return found


def _implied_stage_of_rows(grid: Grid, lexicon: Lexicon) -> Stage | None:
    """A table of response times banded at 10 and 20 working days is about stage 1 (the
    2006 Regulations' stage 1 timescale), including its 'outside the timescale' row."""
    labels = [clean_label(r[0].text) for r in grid.data] + grid.column_labels
    bands = {lexicon.category("response_time", label) for label in labels}
    return Stage.STAGE1 if bands & {"within_10_days", "within_20_days"} else None


def _category_dimension(info: LabelInfo, base: str | None) -> str | None:
    """Which breakdown a label's category belongs to, given what is counted."""
    if base == "enquiries" and "enquiry_type" in info.categories:
        return "enquiry_type"
    for dimension in ("outcome", "response_time", "enquiry_type", "complainant", "channel"):
        if dimension in info.categories:
            if dimension == "enquiry_type" and base not in (None, "enquiries"):
                continue
            if dimension in ("complainant", "channel") and len(info.categories) > 1:
                continue  # 'Withdrawn/ not pursued/ other' is an outcome, not a channel
            return dimension
    return None


def _quote(row: list[Cell], j: int, column: str) -> str:
    cells = [c.text for c in row[: j + 1] if c.text]
    quote = " | ".join(cells)
    return f"{quote} [{column}]" if column and column not in quote else quote
