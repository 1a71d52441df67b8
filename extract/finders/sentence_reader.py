"""One sentence's figures -> candidate facts: what each number counts, by frame and by proximity.

The frames that match the sentence (frames.yaml) are applied first; what they do not say is
read from the words around the number (meaning.py, labels.py), and the reading becomes a
measure by the decision table (measures.yaml). A number whose meaning cannot be established
makes no candidate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extract.finders.context import BlockContext
from extract.finders.frames import Effects, frame_engine
from extract.finders.labels import (
    about_services,
    listed_label,
    named_before,
    remedy_after,
    services_for,
    subject_is_upheld,
)
from extract.finders.meaning import Window, read_base, read_category, read_period, read_stage, timescale_stage
from extract.finders.reading import Reading, resolve, unit_allowed
from extract.finders.scope import Scope, figure_scope
from extract.finders.sentences import Figure, Sentence
from extract.lexicon import Lexicon
from extract.settings import SETTINGS
from schemas import STAGED_MEASURES, Candidate, Measure, Method, Unit
from schemas.periods import parse_period, shift


@dataclass
class SentenceReading:
    reading: Reading
    period: str | None
    inherited: bool = False  # read from the figure it is compared with
    extra: list[tuple[Reading, str | None]] = field(default_factory=list)
    frames: list[str] = field(default_factory=list)


def bracketed_period(ctx: BlockContext, lexicon: Lexicon) -> str | None:
    """The year a section's bracketed figures belong to, when its heading or introduction says
    so: '(2023/24 in brackets)', 'last year's figures in brackets'."""
    for text in [ctx.intro, *reversed(ctx.trail)]:
        match = lexicon.marker("bracket_convention").search(text or "")
        if match:
            if match.group("period"):
                return parse_period(match.group("period"))
            return shift(ctx.period, -1) if ctx.period else None
    return None


def _list_colon(text: str) -> bool:
    """A colon that opens a list of parts ('12 decisions: 7 were ...'), not one that labels a
    year ('(2021/22: 371)')."""
    return ":" in re.sub(r"(?:19|20)\d\d\s*[/-]\s*\d{2,4}\s*:", "", text)


def _same_figures(made: list[Candidate], total: list[Candidate]) -> bool:
    """Whether candidates count the same thing (measure, stage, category, year) as a total before them."""
    keys = {(c.measure, c.stage, c.category, c.period) for c in total}
    return bool(made) and all((c.measure, c.stage, c.category, c.period) in keys for c in made)


def respectively(s: Sentence, figures: list[Figure]) -> dict[int, int]:
    """'148 ... and 96 ..., against 88 and 112 respectively': each figure of the group before
    'respectively' answers the figure in the same place among as many figures before it."""
    marker = re.search(r"\brespectively\b", s.text)
    if marker is None:
        return {}
    before = [i for i, f in enumerate(figures) if f.span_end <= marker.start()]
    if not before or not re.fullmatch(r"\s*(?:(?:in|for|during)\s+\S+\s*)?", s.text[figures[before[-1]].span_end:marker.start()]):
        return {}
    group = [before[-1]]
    while group[0] > 0 and re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", s.text[figures[group[0] - 1].span_end:figures[group[0]].start]):
        group.insert(0, group[0] - 1)
    first = group[0] - len(group)
    if len(group) < 2 or first < 0:
        return {}
    return {member: first + k for k, member in enumerate(group)}


class SentenceReader:
    def __init__(self, sentence: Sentence, carried: SentenceReading | None, paragraph_scope: Scope | None = None):
        self.s = sentence
        self.carried = carried  # the last reading of the sentence before, in the same paragraph
        self.paragraph_scope = paragraph_scope  # the service an earlier sentence of the paragraph named
        self.last_reading: SentenceReading | None = None
        self.bracket_period = bracketed_period(sentence.ctx, sentence.lexicon)

    def run(self) -> list[Candidate]:
        s = self.s
        figures = s.figures()
        if not figures:
            return []
        effects, carry = frame_engine().apply(s, figures, {"bracket_convention"} if self.bracket_period else set())
        if not carry:
            self.carried = None
        first_start = figures[0].start if figures else len(s.text)
        found: list[Candidate] = []
        previous: SentenceReading | None = None
        previous_fact: SentenceReading | None = None  # '(2021/22: 84%)' after a target is last year's fact
        claimed: set[int] = set()
        total: tuple[Figure, list[Candidate]] | None = None
        respective = respectively(s, figures)
        readings: dict[int, tuple[SentenceReading, Scope]] = {}
        for index, figure in enumerate(figures):
            effect = effects.get(index, Effects())
            if effect.not_a_value:
                continue
            if index and not effect.part and effects.get(index - 1, Effects()).part and \
                    re.search(r"\band\s*$", s.text[figures[index - 1].span_end:figure.start]):
                # 'one of these was withdrawn ... and 57 were investigated': a part as well
                effect = replace(effect, part=True)
            left_start = figures[index - 1].span_end if index else 0
            right_end = figures[index + 1].start if index + 1 < len(figures) else len(s.text)
            if effect.own_words_end is not None:
                right_end = min(right_end, effect.own_words_end)
            right_clause = s.clause_end(figure.end, right_end)
            window = Window(left_start, s.clause_start(left_start, figure.start), figure.end, right_clause, right_end)
            compared = previous_fact if effect.reading == "previous_fact" else previous
            if respective.get(index) in readings:
                # 'children's social care 96 ..., against 88 and 112 respectively in 2020/21': the same
                # things as the figures they answer, in order, in the year named
                like, scope = readings[respective[index]]
                period = read_period(s, figure, window, claimed, first_start)
                if period is not None:
                    reading = SentenceReading(replace(like.reading, qualifiers=set(like.reading.qualifiers)), period,
                                              inherited=True, frames=["respectively"])
                    found.extend(self.candidates(figure, reading, effect, scope))
                continue
            scope = figure_scope(s, figure, window, self.paragraph_scope)
            reading = self.read(figure, window, effect, compared, claimed, first_start,
                                parallel=self._parallel(figures, index), narrower=scope.where == "words")
            if reading is None:
                continue
            readings[index] = (reading, scope)
            made = self.candidates(figure, reading, effect, scope)
            if total is not None and _list_colon(s.text[total[0].span_end:figure.start]) and _same_figures(made, total[1]):
                continue  # 'made 12 decisions: 7 were closed ...': a part of the total, with no measure of its own
            if made and not any(_list_colon(s.text[f.span_end:figure.start]) for f in figures[:index]):
                total = (figure, made)
            found.extend(made)
            if effect.reading:
                continue  # '(2014-15: 12)': an aside about another year; what follows goes on from the figure before it
            previous = reading
            previous_fact = reading if made else previous_fact
        self.last_reading = previous_fact
        return found

    def _parallel(self, figures: list[Figure], index: int) -> bool:
        """'13 working days at Stage 1 and 47 working days at Stage 2': the same words after two
        numbers joined by 'and' or a comma make the second read like the first."""
        if index == 0:
            return False
        text, previous, figure = self.s.text, figures[index - 1], figures[index]
        if not re.fullmatch(r"(?:\s+\S+){0,6}?\s*(?:,|and|,\s*and)\s*", text[previous.span_end:figure.start]):
            return False
        words_after = lambda f: re.findall(r"[A-Za-z]+", text[f.span_end:f.span_end + 40])[:2]  # noqa: E731
        return len(words_after(figure)) == 2 and words_after(figure) == words_after(previous)

    def _inherited_period(self, effect: Effects, previous: SentenceReading, claimed: set[int]) -> str | None:
        """The year of a figure read as the one before it, as its frame says."""
        if effect.period == "year" and effect.year:
            claimed.update(id(m) for m in self.s.periods if effect.year_span and
                           effect.year_span[0] <= m.start < effect.year_span[1])
            return effect.year
        if effect.period == "bracket_convention":
            return self.bracket_period
        if effect.period == "previous_year":
            base = previous.period or self.s.ctx.document_period
            return shift(base, -1) if base else None
        return None

    def read(self, figure: Figure, w: Window, effect: Effects, previous: SentenceReading | None, claimed: set[int],
             first_start: int, parallel: bool = False, narrower: bool = False) -> SentenceReading | None:
        """What one number counts; None when nothing it counts is named. `narrower`: its own
        words name its scope ('seven of which related to children's social care')."""
        s = self.s
        if previous is not None and effect.reading:
            period = self._inherited_period(effect, previous, claimed)
            if period:
                return SentenceReading(replace(previous.reading, qualifiers=set(previous.reading.qualifiers)), period,
                                       inherited=True, frames=effect.frames)
        comparison = previous is not None and (parallel or effect.compare_from is not None)
        reading, own_base = read_base(s, figure, w, previous.reading if comparison else None,
                                      effect.compare_from if comparison else None)
        coordinated = s.lexicon.marker("next_clause").search(s.text, w.fig_end, w.right_end)
        qualifiers_end = coordinated.start() if coordinated else w.right_end
        if re.search(r"\(\s*$", s.text[:figure.start]):
            # '(37 complaints), disagreement with a decision': a bracketed count's words end at the bracket
            closing = s.text.find(")", w.fig_end, qualifiers_end)
            qualifiers_end = closing if closing >= 0 else qualifiers_end
        later = re.search(r"\d", s.text[w.right_clause:qualifiers_end])
        if later:  # ', which represented 3% of open cases': a number in a later clause has its own words
            qualifiers_end = w.right_clause + later.start()
        if s.lexicon.has("elsewhere", s.text[:figure.start]) or s.lexicon.has("elsewhere", s.text[w.fig_end:w.right_clause]):
            return None  # 'Across England about 20% of stage 1 complaints are upheld': not this council's
        reading.qualifiers = {c.value for c in s.cues_in(w.left_clause, figure.start, "qualifier")
                              + s.cues_in(w.fig_end, qualifiers_end, "qualifier")
                              # '90% ..., against a local target of 95%': the target is the next clause's
                              if c.value != "target" or c.start < w.right_clause or c.end <= figure.start}
        if comparison and not own_base:
            reading.qualifiers |= previous.reading.qualifiers
        if reading.base is None and "decision" in reading.qualifiers and "lgsco" in s.ctx.bases:
            reading.base = "lgsco"  # '18 decisions made' under the Ombudsman's heading
        if reading.base is None and (reading.qualifiers & {"average_days", "in_timescale"}
                                     or any(c.kind == "stage" for c in s.cues)):
            reading.base = "complaints"  # response times and stages are about complaints
        listed_part = s.method is Method.LIST and bool(s.lexicon.marker("parts_intro").search(s.ctx.intro or ""))
        part = effect.part or listed_part
        # the total it is a part of: the figure before it, or the list's 'Of the 136 complaints:'
        total_base = (previous.reading.base if effect.part and previous is not None
                      else s.ctx.intro_info.base if listed_part and s.ctx.intro_info else None)
        if (part and effect.stage is None and not narrower
                and not (own_base and total_base is not None and reading.base != total_base)):
            reading.qualifiers.add("part")  # 'the remaining 58': a part of a total, not a volume of its own
        if self.carried is not None and (reading.base is None or (
                reading.base == "complaints" and self.carried.reading.base == "lgsco" and not effect.part)):
            # 'A further 12 were withdrawn': the last sentence's complaints; 'This compared to 6
            # complaints in the previous year' after a sentence about the Ombudsman: its cases
            reading.base = self.carried.reading.base
        if reading.base is None and (comparison or s.method is Method.TEXT):
            return None  # a sentence that names nothing the number counts

        read_category(s, reading, figure, w, effect.outcome_from)
        if (effect.part and previous is not None and previous.reading.category_dim is not None
                and reading.category_dim == previous.reading.category_dim and not own_base
                and re.search(r"\(\s*$", s.text[:figure.start])):
            # 'young people made 19 (12 of them with an advocate)': the bracketed 12 are within the 19's
            # group ('22 councillor enquiries and 36 of the 41 MP enquiries' name their own)
            return None
        if comparison and reading.category_dim is None and not own_base and previous.reading.category_dim:
            reading.category_dim, reading.category, reading.label = (
                previous.reading.category_dim, previous.reading.category, previous.reading.label)
        services = self._labels(reading, figure, w)
        if services is None:
            return None
        if reading.label_dim is None and reading.category_dim is None and \
                s.lexicon.marker("about_a_subset").match(s.text, w.fig_end, w.right_clause):
            reading.qualifiers.add("part")  # '21 complaints were about a disabled child': some of them, by subject
        reading.stage = effect.stage or read_stage(s, figure, w)
        named = s.cues_in(w.fig_end, w.right_clause, "stage")
        if (effect.stage is None and len(named) > 1 and named[0].value != named[1].value
                and re.match(r"\s*stage", s.text[w.fig_end:], re.IGNORECASE)
                and re.fullmatch(r"\s*(?:,|and|or|&|/)\s*", s.text[named[0].end:named[1].start])):
            reading.qualifiers.add("part")  # '9 stage 1 and stage 2 complaints': two stages together, no one's figure
        if reading.stage is None and comparison:
            reading.stage = previous.reading.stage
        if reading.stage is None and self.carried is not None and reading.base == self.carried.reading.base:
            reading.stage = self.carried.reading.stage
        period = self._own_period(figure, w, effect, comparison, previous, read_period(s, figure, w, claimed, first_start))
        result = SentenceReading(reading, period, inherited=comparison, frames=list(effect.frames))
        # 'Cross Portfolio and Adult Social Care complaints saw 0% upheld': one figure, two services
        result.extra.extend((replace(reading, label=name), period) for _, _, name in services[1:])
        result.extra.extend((reading, year) for year in effect.also_periods)
        return result

    def _own_period(self, figure: Figure, w: Window, effect: Effects, comparison: bool, previous: SentenceReading | None,
                    period: str | None) -> str | None:
        """The year read by proximity, unless a frame says otherwise and the figure's own words
        name no year."""
        if period is None or effect.period is None or self.s.names_a_year(w.fig_end, w.right_clause):
            return period
        if effect.period == "year_before_compared" and comparison and period == previous.period:
            return shift(period, -1)  # '18 (up from 11)': a change from last year's figure
        if effect.period == "previous_year":
            return shift(period, -1)  # 'up from 6 to 13': the first number is last year's
        if effect.period == "same_as_previous" and previous is not None and previous.period:
            return previous.period  # 'This compared to 6 complaints in 2018/19, of which 1 was upheld'
        if effect.period == "later_year":
            later = [m for m in self.s.periods if m.start >= figure.end]
            return later[0].period if later else period  # 'This compared to 2,843 referrals and 2.7% for 2022/23'
        return period

    def _labels(self, reading: Reading, figure: Figure, w: Window) -> list[tuple[int, int, str]] | None:
        """The service, theme or remedy the figure is counted under (the services named, when
        several); None when it fits no measure."""
        s = self.s
        listed = listed_label(s, figure, w.left_start) or remedy_after(s, figure)
        if listed is not None and reading.category_dim is None:
            reading.label_dim, reading.label = listed
            if reading.base not in ("compliments", "remedies"):
                reading.base = "remedies" if listed[0] == "remedy" else "complaints"
        services = [] if listed else services_for(s, figure)
        in_a_list = False
        if not services and not listed:
            services = named_before(s, figure, w.left_start)
            in_a_list = bool(services)
        if services and not about_services(s, reading, figure, services):
            return None
        if in_a_list and reading.label_dim == "service" and subject_is_upheld(s):
            reading.qualifiers.add("upheld")  # 'Upheld complaints were highest in Children in Care (28)'
        return services

    def candidates(self, figure: Figure, result: SentenceReading, effect: Effects, scope: Scope) -> list[Candidate]:
        found: list[Candidate] = []
        readings = [(result.reading, result.period)] + result.extra
        for reading, period in readings:
            for fig in [figure] + ([figure.partner] if figure.partner else []):
                found.extend(self._candidate(fig, reading, period, result, scope))
        if effect.outcome_from is not None and result.reading.category_dim is None:
            outcome = [c for c in self.s.cues_in(figure.span_end, len(self.s.text), "category") if c.value.startswith("outcome:")]
            if outcome:
                extra = replace(result.reading, category_dim="outcome", category=outcome[0].value.split(":")[1],
                                label=outcome[0].text, qualifiers=set(result.reading.qualifiers))
                found.extend(self._candidate(figure, extra, result.period, result, scope))
        return found

    def _candidate(self, figure: Figure, reading: Reading, period: str | None, result: SentenceReading,
                   scope: Scope) -> list[Candidate]:
        if period is None:
            return []
        unit = figure.unit
        if "average_days" in reading.qualifiers and unit is Unit.COUNT:
            unit = Unit.DAYS
        resolved = resolve(replace(reading, money=unit is Unit.GBP))
        if resolved is None:
            return []
        measure, category = resolved
        if not unit_allowed(measure, unit):
            return []
        stage = reading.stage if measure in STAGED_MEASURES else None
        if stage is None and measure in {Measure.COMPLAINTS_BY_RESPONSE_TIME, Measure.COMPLAINTS_IN_TIMESCALE}:
            stage = timescale_stage(self.s, category)
        block = self.s.block
        return [Candidate(
            period=period, measure=measure, stage=stage, category=category,
            category_raw=reading.label if (category is not None or reading.label_dim) else None,
            value=figure.value, unit=unit, quote=self._quote(figure), method=self.s.method,
            block=block.index, page=block.page, line=block.line,
            confidence=SETTINGS.confidence["prose:compared" if result.inherited else "prose"],
            rule="prose:compared" if result.inherited else "prose",
            evidence=tuple(f"frame:{name}" for name in result.frames), scope=scope.name, scope_where=scope.where,
            aside=figure.doubt,
        )]

    def _quote(self, figure: Figure) -> str:
        text = self.s.text.strip()
        if len(text) <= SETTINGS.quote_chars:
            return text
        start = max(0, figure.start - SETTINGS.quote_chars // 2)
        return ("…" if start else "") + text[start:start + SETTINGS.quote_chars].strip() + "…"
