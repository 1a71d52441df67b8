"""A sentence made ready for reading: its tokens, lexicon cues, years, and the numbers in it
that are figures.

spaCy (a blank English pipeline: tokenizer, sentencizer and a Matcher for numbers) splits
paragraphs into sentences and finds the numbers. A number is a figure unless its
neighbours show it is something else: a year, a date, a phone number, a section number, a
timescale ('20 working days'), a change ('a decrease of 48'), a rate ('1% of active cases')
or a count of a thing the lexicon does not know ('two routes'). A count and its percentage
('9 (10%)', '6 of these 9 complaints (67%)') are one figure with a partner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import spacy
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, filter_spans

from extract.finders.context import BlockContext
from extract.finders.values import NUMBER_WORDS, to_number
from extract.lexicon import Cue, Lexicon
from extract.settings import SETTINGS
from schemas import ListItem, Method, Paragraph, Unit
from schemas.periods import PeriodMention, find_periods

PHONE_RE = re.compile(r"(?:\+44\s?\(?0?\)?|\(?\b0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}\b")
YEAR_RE = re.compile(r"^(?:19[5-9]\d|20\d\d)$")
SECTION_NUMBER_RE = re.compile(r"^\d+\.\d+")  # '1.3 All of the 4 complaints': a paragraph number
# '36 Annual Report on Children's Services ...', '2 CHILDREN'S SOCIAL CARE ...': an agenda item's number
ITEM_TITLE_RE = re.compile(
    r"^\s*(?=(?:[A-Z][\w'’&,-]*\s+(?:(?:of|on|and|for|the|to|in|&|-|–)\s+)*){3,})"
    r"(?:[A-Z][\w'’&,-]*\s+(?:(?:of|on|and|for|the|to|in|&|-|–)\s+)*)*?"
    r"(?:Annual|Report|Review|Minutes|Update|Policy|Strategy|Plan|Statement|Appendix|Service)\b"
    r"|^\s*[A-Z][A-Z'’&,\s-]{12,}\b"
    r"|^[^.]{0,80}?\bPDF\s+\d+\s*[KM]B\b")  # '57 Customer Feedback ... pdf icon PDF 195 KB': a link to a paper
HYPHENED_WORD_RE = re.compile(r"^\s*[-–]\s*\w")  # '3-stage process', 'six-weekly'
NAME_RANGE_RE = re.compile(r"^\s*(?:[-–]\s*\d+|\+)\s+[A-Z]")  # 'the 0-25 Disability Service', '16+ Team'
PAIR_BETWEEN_RE = re.compile(
    # '9 (10%)', '6 of these 9 (67%)', '41 complaints (32%)', '10 stage 2 complaints (5%)'
    r"\s*\(\s*|\s+of\s+(?:these|those|the)?\s*\d[\d,]*\s+(?:these\s+|those\s+)?[\w' ]{0,40}?\s*\(\s*"
    r"|\s+(?:stage\s+(?:\d|one|two|three)\s+)?(?:[A-Za-z'’-]+\s+){1,3}\(\s*", re.IGNORECASE
)


@lru_cache(maxsize=1)
def nlp_and_matcher() -> tuple[spacy.language.Language, Matcher]:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    # '7(13%)' is a count and a percentage: split at the bracket as a person reads it
    # '2020/21,(215)': a bracketed figure glued to a year
    infixes = list(nlp.Defaults.infixes) + [r"(?<=[0-9])[\(\)](?=[0-9%])", r"(?<=[0-9%])\)", r"(?<=[0-9]),(?=\()",
                                            r"(?<=,)\((?=[0-9])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    matcher = Matcher(nlp.vocab)
    matcher.add("MONEY", [[{"ORTH": {"IN": ["£", "$"]}}, {"LIKE_NUM": True}]])
    matcher.add("PERCENT", [[{"LIKE_NUM": True}, {"ORTH": "%"}]])
    matcher.add("NUMBER", [[{"LIKE_NUM": True}]])
    return nlp, matcher


@dataclass
class Figure:
    start: int
    end: int
    value: float
    unit: Unit
    text: str
    partner: "Figure | None" = None  # '9 (10%)': the percentage of the count
    doubt: str = ""  # why the figure, read, is not to be published (a percentage that is not its count's share)

    @property
    def span_end(self) -> int:
        return max(self.end, self.partner.end) if self.partner else self.end


@dataclass
class Sentence:
    """One sentence of a paragraph or list item, with what the lexicon finds in it."""

    span: Span
    block: Paragraph | ListItem
    ctx: BlockContext
    lexicon: Lexicon
    method: Method
    block_start: bool  # the sentence opens its block
    section_text: str = ""  # the running text of its section
    services: list[tuple[int, int, str]] = field(default_factory=list)  # the document's service names in it
    text: str = field(init=False)
    doc: Doc = field(init=False)

    def __post_init__(self) -> None:
        self.text = self.span.text
        self.doc = self.span.as_doc()

    # read on first use: most sentences of a report hold no figure and are never read further
    @cached_property
    def cues(self) -> list[Cue]:
        return self.lexicon.cues(self.text)

    @cached_property
    def periods(self) -> list[PeriodMention]:
        return find_periods(self.text)

    def cues_in(self, start: int, end: int, kind: str | None = None) -> list[Cue]:
        return [c for c in self.cues if c.start >= start and c.end <= end and (kind is None or c.kind == kind)]

    def clause_end(self, start: int, end: int) -> int:
        match = self.lexicon.marker("clause_break").search(self.text, start, end)
        return match.start() if match else end

    def clause_start(self, start: int, end: int) -> int:
        last = start
        for match in self.lexicon.marker("clause_break").finditer(self.text, start, end):
            last = match.end()
        return last

    def word_limit(self, start: int, words: int) -> int:
        """The position `words` words after `start`."""
        match = re.match(r"(?:\W*\w+){0,%d}" % words, self.text[start:])
        return start + (match.end() if match else 0)

    def names_a_year(self, start: int, end: int) -> bool:
        return any(start <= m.start < end for m in self.periods) or any(
            c.kind == "period" and start <= c.start < end for c in self.cues)

    def subject(self) -> str:
        """The words before the sentence's first number (not counting its paragraph number)."""
        text = re.sub(r"^\s*\d+(?:\.\d+)*\s", "", self.text)
        first = re.search(r"\d", text)
        return text[:first.start()] if first else ""

    def figures(self) -> list[Figure]:
        """The numbers that are figures, in order, counts paired with their percentages."""
        _, matcher = nlp_and_matcher()
        spans = filter_spans([self.doc[s:e] for _, s, e in matcher(self.doc)])
        found: list[Figure] = []
        for span in sorted(spans, key=lambda s: s.start_char):
            number_text = re.sub(r"[£$%\s]", "", span.text)
            value = number_value(number_text)
            if value is None:
                continue
            unit = Unit.GBP if span.text[:1] in "£$" else Unit.PERCENT if span.text.endswith("%") else Unit.COUNT
            figure = Figure(span.start_char, span.end_char, value, unit, span.text)
            if not self._not_a_figure(figure, number_text):
                found.append(figure)
        return self._pair(found)

    # -- numbers that are not figures ------------------------------------------------------

    def _not_a_figure(self, figure: Figure, number_text: str) -> bool:
        before, after = self.text[: figure.start], self.text[figure.end:]
        lexicon = self.lexicon
        if any(m.start() <= figure.start < m.end() for m in PHONE_RE.finditer(self.text)):
            return True
        if any(m.start <= figure.start < m.end for m in self.periods):
            return True
        if YEAR_RE.match(number_text) and figure.unit is Unit.COUNT:
            return True
        if self.block_start and figure.start == 0 and (SECTION_NUMBER_RE.match(self.text) or ITEM_TITLE_RE.match(after)):
            return True
        if figure.unit is Unit.COUNT and HYPHENED_WORD_RE.match(after) and not re.match(r"^\s*[-–]\s*\d", after):
            return True
        if NAME_RANGE_RE.match(after) or lexicon.is_change(before):
            return True
        if lexicon.is_not_a_count(before, after):
            return not self._average_days(figure, before, after)
        if "remedies" in lexicon.bases_in(self.subject()):
            return False  # 'Remedies included 41 apologies': the noun after the number is the remedy
        return self._counts_something_else(figure, after)

    def _counts_something_else(self, figure: Figure, after: str) -> bool:
        """'two routes', '3 panel members': the word after the number is a noun the lexicon does not know."""
        words = re.findall(r"[A-Za-z][\w'’/-]*|[^\sA-Za-z]", after)
        if not words or not words[0][0].isalpha() or words[0].lower() in self.lexicon.words("function_words"):
            return False
        window_end = figure.end + len(" ".join(words[:SETTINGS.noun_window_words])) + 3
        return not any(
            c.kind in {"base", "category", "stage", "qualifier"} and figure.end <= c.start < window_end for c in self.cues
        )

    def _average_days(self, figure: Figure, before: str, after: str) -> bool:
        """'was 14 working days' after 'the average number of days' is a figure, not a timescale."""
        if not re.match(r"^\s*(?:working\s+)?days?\b", after) or re.search(r"\bwithin\s*$", before):
            return False
        return self.lexicon.has("average_days", self.text[: figure.start]) or bool(
            re.search(r"\bthe\s*$", before) and self.lexicon.has("average_days", self.text)
        )

    # -- counts with their percentages -----------------------------------------------------

    def _pair(self, figures: list[Figure]) -> list[Figure]:
        kept = [f for f in figures if not self._is_denominator(f, figures)]
        total = self._opening_total()
        paired: list[Figure] = []
        skip = set()
        for i, figure in enumerate(kept):
            if i in skip:
                continue
            following = kept[i + 1] if i + 1 < len(kept) else None
            if following is not None and {figure.unit, following.unit} == {Unit.COUNT, Unit.PERCENT}:
                if PAIR_BETWEEN_RE.fullmatch(self.text[figure.end:following.start]):
                    figure.partner = following
                    skip.add(i + 1)
                    count, share = (figure, following) if figure.unit is Unit.COUNT else (following, figure)
                    if total and abs(count.value / total * 100 - share.value) > SETTINGS.share_tolerance_points:
                        share.doubt = (f"the percentage printed ({share.text}) is not {count.text} of the "
                                       f"{total:g} the sentence counts from ({count.value / total * 100:.1f}%)")
            paired.append(figure)
        return paired

    def _opening_total(self) -> float | None:
        """The total a sentence opens with ('Of the 75 complaints received, 17 (22.7%) ...')."""
        opening = self.lexicon.marker("denominator_total").match(self.text)
        return number_value(opening.group("number").replace(",", "")) if opening else None

    def _is_denominator(self, figure: Figure, figures: list[Figure]) -> bool:
        """'6 of these 9': the 9 is the base of the 6. 'Of the 52 valid complaints, ...' restates a
        total, but 'Of the 47 MP enquiries received, ...' may be the only place it is printed."""
        before = self.text[: figure.start]
        if not self.lexicon.marker("denominator_before").search(before):
            return False
        if self.lexicon.marker("denominator_opening").match(before):
            return not self.lexicon.marker("received_total").match(self.text[figure.end:])
        previous = [f for f in figures if f.span_end <= figure.start]
        return bool(previous) and len(self.text[previous[-1].span_end:figure.start].split()) <= 3


def number_value(text: str) -> float | None:
    lowered = text.lower()
    if lowered in NUMBER_WORDS:
        return float(NUMBER_WORDS[lowered])
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", text):
        return to_number(text)
    return None
