"""What a figure in a sentence counts, read by proximity: the thing counted, its category,
its stage and its year, from the lexicon cues nearest to the number within its clause.

The nearest words win: what follows a number names what it counts ('183 representations'),
what precedes it may name a category ('withdrawn (10)'), the nearest year in its clause is
its year. A section about the Ombudsman, or a sentence whose subject is the Ombudsman,
rules over plain 'complaints' and 'cases'. Frames (frames.yaml) override this reading for
the constructions they know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.finders.reading import DOMINANT_CONTEXT_BASES, Reading, with_dominant_context
from extract.finders.sentences import Figure, Sentence
from extract.finders.values import NUMBER_WORDS
from extract.lexicon import Cue
from extract.settings import SETTINGS
from schemas import Method, Stage
from schemas.periods import shift

LABELS_NEXT_NUMBER_RE = re.compile(r"\s*:\s*(?:[£$]?\d|(?:%s)\b)" % "|".join(NUMBER_WORDS), re.IGNORECASE)
FIXED_BREAKDOWNS = ("outcome", "response_time", "enquiry_type", "complainant", "channel")


@dataclass
class Window:
    """A figure's neighbourhood in its sentence (character offsets)."""

    left_start: int  # the end of the figure before (0 for the first)
    left_clause: int  # the start of the figure's clause
    fig_end: int
    right_clause: int  # the end of the figure's clause
    right_end: int  # the start of the figure after (or the sentence's end)


def read_base(s: Sentence, figure: Figure, w: Window, compared_with: Reading | None,
              compare_from: int | None) -> tuple[Reading, bool]:
    """What the number counts, and whether the words next to it name it themselves.

    Nearest first: a phrase around the number ('dealt with 4,156 children'), the words after
    it ('183 representations'), the thing of the figure it is compared with when nothing is
    named in between ('186 concerns ..., up from 141'), the words before it ('withdrawn
    (10)'), the compared figure's, the sentence's, then a list's introduction.
    """
    reading = Reading()
    spanning = [c for c in s.cues if c.kind == "base" and c.start <= figure.start < c.end]
    bracketed = re.search(r"\(\s*$", s.text[:figure.start]) is not None
    right_limit = min(w.right_clause, s.word_limit(w.fig_end, SETTINGS.base_window_words))
    if bracketed:  # 'withdrawn (10)' names nothing after it; '(37 complaints)' names it inside the bracket
        closing = s.text.find(")", w.fig_end, right_limit)
        right_limit = closing if closing >= 0 else right_limit  # (a bracket the line break left open)
    right_bases = [c for c in s.cues if c.kind == "base" and w.fig_end <= c.start < right_limit]
    aside = s.lexicon.marker("aside_before")
    # ('38 of the Stage 1 complaints, compared to 29 last year': the words before 'compared' are the 38's)
    own_from = max(_own_words_from(s, figure, w), compare_from or 0)
    left_bases = [c for c in s.cues_in(own_from, figure.start, "base") if not aside.search(s.text[:c.start])]
    sentence_bases = [c for c in s.cues if c.kind == "base" and c.end <= figure.start]
    opening = _opening_total_base(s, figure)
    predicate = re.compile(r"\d[\d,]*\s+(?:were|was|are|is)\s+(?:all\s+)?$")
    if opening is not None and sentence_bases and predicate.search(s.text[:max(sentence_bases, key=lambda c: c.end).start]):
        # 'Of the 60 contacts, 41 were complaints and 7 were made by ...': what the 41 were, the 7
        # need not be; they are contacts
        sentence_bases = [opening]
    compared_directly = (compared_with is not None and compare_from is not None
                         and not s.cues_in(compare_from, figure.start, "base"))
    if spanning:
        reading.base = spanning[0].value
    elif right_bases:
        reading.base = _by_priority(s, right_bases)
    elif compared_directly:
        reading.base = compared_with.base
    elif left_bases:
        reading.base = _nearest_before(s, left_bases)
    elif compared_with is not None:
        reading.base = compared_with.base
    elif sentence_bases:
        reading.base = max(sentence_bases, key=lambda c: c.end).value
    elif s.method is Method.LIST and s.ctx.bases:
        reading.base = s.ctx.bases[0]
    named = [c for c in spanning + right_bases + left_bases if c.value == reading.base]
    reading.base_text = named[0].text if named else None
    if (compared_with is not None and compared_with.base_text and reading.base_text and reading.base != compared_with.base
            and reading.base_text.lower() in compared_with.base_text.lower()):
        # '187 formal contacts ... compared with the number of contacts received in 2020/21 (215)': the same thing
        reading.base, reading.base_text = compared_with.base, compared_with.base_text
    if reading.base == "contacts" and not s.lexicon.marker("front_door").search(s.text):
        # contacts with the complaints team ('60 contacts were made to team') are no front-door contacts
        reading.base = "uncounted"
    reading = with_dominant_context(reading, s.ctx.bases if s.ctx.heading_info else [], fill_missing=False)
    # 'The Ombudsman made final decisions on 6 cases': the sentence's subject rules the figure
    before = [c for c in s.cues if c.kind == "base" and c.end <= figure.start]
    subject = [before[0].value] if before and before[0].value in DOMINANT_CONTEXT_BASES else []
    reading = with_dominant_context(reading, subject, fill_missing=False)
    return reading, bool(right_bases or left_bases)


def _own_words_from(s: Sentence, figure: Figure, w: Window) -> int:
    """Where the words before a number that may be its own begin: after the figure before it,
    and after an 'and' that closes that figure's words ('41 were complaints and 7 were made by
    ...': 'complaints' are the 41's)."""
    if w.left_start == 0:
        return 0
    joined = list(re.finditer(r"\band\b", s.text[w.left_start:figure.start]))
    return w.left_start + joined[-1].end() if joined else w.left_start


def _opening_total_base(s: Sentence, figure: Figure) -> Cue | None:
    """The thing counted by a total that opens the sentence ('Of the 60 contacts, ...'): its
    parts are of that thing unless their own words say otherwise."""
    opening = s.lexicon.marker("opening_total").match(s.text)
    if opening is None or opening.end() > figure.start:
        return None
    named = s.cues_in(opening.start("number"), opening.end(), "base")
    return named[-1] if named else None


def _nearest_before(s: Sentence, cues: list[Cue]) -> str:
    """The thing named nearest before the number, as a compound: 'Ombudsman enquiries (5)'
    counts Ombudsman cases."""
    ordered = sorted(cues, key=lambda c: (c.end, -c.start))  # the longest phrase ending nearest
    compound = [ordered[-1]]
    for cue in reversed(ordered[:-1]):
        if cue.end <= compound[0].start and not s.text[cue.end:compound[0].start].strip():
            compound.insert(0, cue)
    dominant = [c for c in compound if c.value in DOMINANT_CONTEXT_BASES]
    return dominant[0].value if dominant else compound[-1].value


def _by_priority(s: Sentence, cues: list[Cue]) -> str:
    """The thing named nearest after the number ('57 complaints and the Ombudsman ...' counts
    complaints), unless what follows qualifies it: 'enquiries from the Ombudsman',
    'complaints referred to the Local Government Ombudsman'."""
    ordered = sorted(cues, key=lambda c: c.start)
    for first, then in zip(ordered, ordered[1:]):
        if re.fullmatch(r"\s+(?:were|was|are|is)\s+(?:all\s+)?", s.text[first.end:then.start]):
            return then.value  # '125 of all contacts were compliments': what they were
    compound = [ordered[0]]
    for cue in ordered[1:]:  # 'complaint representations': the last noun of a compound is what is counted
        if cue.start > compound[-1].end and not s.text[compound[-1].end:cue.start].strip():
            compound.append(cue)
    dominant = [c for c in compound if c.value in DOMINANT_CONTEXT_BASES]
    if dominant:  # 'Local Government Ombudsman complaints' are Ombudsman cases
        return dominant[0].value
    nearest = compound[-1]
    linked = s.lexicon.marker("linked")
    for cue in cues:
        if cue.value in DOMINANT_CONTEXT_BASES and cue.start > nearest.end and linked.fullmatch(s.text[nearest.end:cue.start]):
            return cue.value
    return nearest.value


# -- fixed categories -----------------------------------------------------------------------

def read_category(s: Sentence, reading: Reading, figure: Figure, w: Window, outcome_from: int | None) -> None:
    """The fixed category a number belongs to: an outcome, response band, enquiry type,
    complainant or channel named next to it."""
    right_limit = min(w.right_clause, s.word_limit(w.fig_end, SETTINGS.base_window_words))
    # 'N complaints ... with an outcome of X': N is first a count of complaints (X is added later)
    limit = outcome_from if outcome_from is not None else right_limit
    # a phrase that starts within reach of the number counts, even if it ends further on
    right = [c for c in s.cues if c.kind == "category" and w.fig_end <= c.start < limit]
    left_from = w.left_clause
    if w.left_start > 0:  # 'one of these was withdrawn ... and 57 were investigated': 'withdrawn' is the one's
        joined = list(re.finditer(r"\band\b", s.text[w.left_start:figure.start]))
        left_from = max(left_from, w.left_start + joined[-1].end()) if joined else left_from
    left = s.cues_in(left_from, figure.start, "category")
    spanning = [c for c in s.cues if c.kind == "category" and c.start < figure.start and c.end > figure.end]
    bracketed = re.search(r"\(\s*$", s.text[:figure.start]) is not None
    if any(c.value == "combined_outcome" for c in s.cues_in(w.left_clause, w.right_end, "qualifier")):
        reading.qualifiers.add("combined_outcome")
        return
    dimensions = FIXED_BREAKDOWNS
    if reading.base == "enquiries":
        # enquiries have no response bands: 'answered within 10 working days' means in time
        if any(c.value.startswith("response_time:") for c in right + left):
            reading.qualifiers.add("in_timescale")
        dimensions = ("enquiry_type",)
    if reading.base == "lgsco":
        dimensions = ("outcome",)  # 'the Ombudsman received 23 representations from service users': its cases
    for dimension in dimensions:
        def of(cues):
            return [c for c in cues if c.value.startswith(dimension + ":")]

        before = sorted(of(left), key=lambda c: -c.end)
        # 'upheld two complaints in part' spans the number; a bracketed number belongs to the words before it
        candidates = of(spanning) + (before + of(right) if bracketed else of(right) + before)
        if dimension == "complainant":
            # who made them may be named further on in the clause: '17 children's social care complaints
            # had been made by young people themselves'
            further = [c for c in of(s.cues_in(limit, w.right_clause, "category")) if c not in candidates]
            candidates = [c for c in candidates + further if _complainant_applies(s, c, figure, bracketed)]
            if candidates and _either_of_two(s, of(s.cues_in(figure.end, w.right_clause, "category")), candidates[0]):
                reading.qualifiers.add("part")  # 'made by children or by an advocate': no one group's figure
                return
        if dimension == "channel":
            candidates = [c for c in candidates if _channel_applies(s, c, figure, w, bracketed)]
        if dimension == "enquiry_type" and reading.base != "enquiries":
            continue
        if candidates:
            cue = candidates[0]
            category = cue.value.split(":", 1)[1]
            if category == "within_20_days" and not any(c.value == "response_time:within_10_days" for c in s.cues):
                # 'within 20 working days' on its own is the stage 1 limit: in time, not a band
                reading.qualifiers.add("in_timescale")
                return
            reading.category_dim, reading.category = dimension, category
            reading.label = cue.text
            return


def _either_of_two(s: Sentence, cues: list[Cue], first: Cue) -> bool:
    """'children and young people or an advocate on their behalf': two groups joined, one figure."""
    # ('grandparents and other family members' is one group)
    after = [c for c in cues if c.start >= first.end and c.value != first.value and not c.value.endswith(":other")]
    return bool(after) and re.fullmatch(r"\s+(?:or|and)\s+(?:by\s+)?(?:an?\s+|their\s+)?", s.text[first.end:after[0].start]) is not None


def _complainant_applies(s: Sentence, cue: Cue, figure: Figure, bracketed: bool) -> bool:
    """Who complained is read from 'from/by <who>' after the number, '<who> made N' before it,
    or '<who> (N)'."""
    if cue.start > figure.end and s.method is Method.LIST and s.lexicon.marker("made_by_intro").search(s.ctx.intro or ""):
        return not s.text[figure.end:cue.start].strip()  # '88 parents' under 'were made by:'
    if cue.start > figure.end:
        between = s.text[figure.end:cue.start]
        if between.count("(") > between.count(")"):
            return False  # 'young people 9% (most with support from an advocate)': an aside
        return bool(s.lexicon.marker("from_by_before").search(s.text[max(0, cue.start - 30):cue.start])) and \
            _first_from(s, figure.end, len(s.text)) == cue.start
    between = s.text[cue.end:figure.start]
    return bool(s.lexicon.marker("made_between").fullmatch(between)
                or (bracketed and re.fullmatch(r"\s*\(\s*", between))
                or re.fullmatch(r"\s+", between))  # an enumeration: 'young people 9%, foster carers 4%'


def _first_from(s: Sentence, start: int, end: int) -> int | None:
    match = s.lexicon.marker("from_by").search(s.text[start:end])
    if not match:
        return None
    following = [c.start for c in s.cues if c.kind == "category" and c.start >= start + match.start()]
    return min(following) if following else None


def _channel_applies(s: Sentence, cue: Cue, figure: Figure, w: Window, bracketed: bool) -> bool:
    """A channel is read from 'via/by/through <channel>' (the first such phrase), a verb
    ('emailed'), or '<channel> (N%)'."""
    if s.lexicon.marker("channel_verb").match(cue.text):
        return True
    if bracketed and cue.end <= figure.start:
        # 'online form (71)', 'in person at the Civic Offices (3)': the channel and where, then the figure
        return re.fullmatch(r"\s*(?:forms?)?(?:\s+(?:at|to|in|on|via)\s+[^(),;:\d]{1,40})?\s*\(\s*",
                            s.text[cue.end:figure.start]) is not None
    via = s.lexicon.marker("via").search(s.text[w.fig_end:w.right_end])
    return via is not None and w.fig_end + via.end() == cue.start


# -- stage and year -------------------------------------------------------------------------

def read_stage(s: Sentence, figure: Figure, w: Window) -> Stage | None:
    """The stage named nearest the number in its clause; the one stage the sentence names;
    else the section's."""
    for cues in (
        s.cues_in(w.fig_end, w.right_clause, "stage"),
        sorted(s.cues_in(w.left_clause, figure.start, "stage"), key=lambda c: -c.end),
        s.cues_in(w.fig_end, w.right_end, "stage"),
    ):
        if cues:
            return Stage(cues[0].value)
    stages = {c.value for c in s.cues if c.kind == "stage"}
    if len(stages) == 1:
        return Stage(stages.pop())
    return s.ctx.stage


def read_period(s: Sentence, figure: Figure, w: Window, claimed: set[int], first_figure_start: int) -> str | None:
    """The year next to the number: after it in its clause, else before it; else the context's.

    '(2021/22: 377)': a year followed by a colon labels the number after it, not the one
    before. A year mention is used once (`claimed`)."""
    # '(2021/22: 377)', 'in 2020-21 (6)': a year followed by a colon or a bracket labels the number after it
    labelling = [m for m in s.periods if re.match(r"\s*[:(]\s*$", s.text[m.end:figure.start])]
    if labelling:
        claimed.add(id(labelling[-1]))
        return labelling[-1].period
    for mention in s.periods:
        if LABELS_NEXT_NUMBER_RE.match(s.text[mention.end:mention.end + 16]):
            continue  # it labels the number after it
        if w.fig_end <= mention.start < w.right_clause and id(mention) not in claimed:
            if s.lexicon.is_origin(s.text[:mention.start]) and any(
                mention.start < m.start < w.right_clause for m in s.periods
            ):
                continue  # 'complaints from 2015-16 escalated in 2016-17'
            claimed.add(id(mention))
            return mention.period
    relative = [c for c in s.cues if c.kind == "period"]
    for cue in relative:
        if w.fig_end <= cue.start < w.right_clause:
            return relative_period(s, cue.value)
    before = [m for m in s.periods if w.left_clause <= m.start and m.end <= figure.start and id(m) not in claimed]
    before_relative = [c for c in relative if w.left_clause <= c.start and c.end <= figure.start]
    nearest = max([(m.end, m.period) for m in before] + [(c.end, relative_period(s, c.value)) for c in before_relative],
                  default=None)
    if nearest is not None:
        return nearest[1]
    since_previous = [
        m for m in s.periods
        if w.left_start <= m.start and m.end <= figure.start and id(m) not in claimed
        and not s.lexicon.is_origin(s.text[:m.start])
    ]
    if since_previous:
        return since_previous[-1].period  # 'During 2023/24, five ... progressed to Stage Two'
    if len(s.periods) == 1 and s.periods[0].end <= first_figure_start:
        # 'In 2021/22 the figures were 131 stage 1 complaints and 344 compliments'
        return s.periods[0].period
    return s.ctx.period


def relative_period(s: Sentence, value: str) -> str | None:
    """'the previous year' and 'this year', from the report's own year."""
    period = s.ctx.document_period
    if period is None:
        return None
    return shift(period, -1) if value == "previous" else period


def timescale_stage(s: Sentence, category: str | None) -> Stage | None:
    """Within 10 or 20 working days is the stage 1 timescale; 25 or 65, stage 2's.

    The timescale may be named in the sentence or earlier in the same section
    ('responded to 34 within the statutory timescales (20 working days)' ... '65% of
    cases answered in time')."""
    if category in {"within_10_days", "within_20_days"}:
        return Stage.STAGE1
    for text in (s.text, s.section_text):
        stages = s.lexicon.timescale_stages_in(text)
        if len(stages) == 1:
            return stages.pop()
        if stages:
            return None
    return None
