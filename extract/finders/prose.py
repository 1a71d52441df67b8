"""Sentences and list items -> candidate facts.

spaCy (a blank English pipeline: tokenizer, sentencizer and a Matcher for numbers) finds
the sentences and the numbers in them. Each number is then read from the lexicon cues
around it:

* the words after it ("183 representations", "were not upheld", "within timeframe"),
* the words before it back to the previous figure ("not upheld is 56%", "withdrawn (10)"),
* the rest of the sentence ("Of the 52 valid complaints, the department responded to 34"),
* the heading or the sentence that introduces a list.

Numbers that are not figures (dates, section numbers, timescales like "20 working days",
changes like "a decrease of 48", rates like "1% of active cases") are left out.
A number after "compared with", "an improvement on" or "from" takes the meaning of the
figure before it: "102 compliments ..., compared to 44 in 2020/21".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import spacy
from spacy.matcher import Matcher
from spacy.util import compile_infix_regex, filter_spans

from extract.finders.context import BlockContext, Contexts
from extract.finders.lines import consumed_blocks
from extract.finders.reading import (
    DOMINANT_CONTEXT_BASES,
    Reading,
    resolve,
    unit_allowed,
    with_dominant_context,
)
from extract.finders.values import NUMBER_WORDS, to_number
from extract.lexicon import Cue, Lexicon
from schemas.periods import find_periods, parse_period, shift
from schemas import LABELLED_MEASURES, STAGED_MEASURES, Candidate, Document, Heading, ListItem, Measure, Method, Paragraph, Stage, Unit

CLAUSE_BREAK_RE = re.compile(r"[,;:]|\b(?:whereas|while|but|however|compared|than)\b", re.IGNORECASE)
LABELS_NEXT_NUMBER_RE = re.compile(r"\s*:\s*(?:[£$]?\d|(?:%s)\b)" % "|".join(NUMBER_WORDS), re.IGNORECASE)
BRACKETS_CONVENTION_RE = re.compile(
    r"(?:(?P<period>(?:19|20)\d\d\s*[/-]\s*\d{2,4})|(?:last|previous|prior)\s+year(?:'s)?)\s+(?:figures?\s+)?(?:shown\s+)?in\s+brackets",
    re.IGNORECASE,
)
SERVICE_NAME_JOINERS = {"and", "&", "of", "with", "for", "in", "the"}
# a sentence that goes on counting what the one before counted: 'A further 12 were withdrawn'
CONTINUATION_RE = re.compile(
    r"^\W*(?:a\s+further|another|the\s+remaining|the\s+other|of\s+(?:these|them|those)"
    r"|of\s+the(?:se)?\s+(?:\d+|%s))\b" % "|".join(NUMBER_WORDS), re.IGNORECASE)
CHANGE_FROM_RE = re.compile(
    r"\b(?:up|down|(?:an?\s+)?(?:increase|decrease|rise|fall|drop|reduction))\s+(?:from|on)\s*$", re.IGNORECASE)
PHONE_RE = re.compile(r"(?:\+44\s?\(?0?\)?|\(?\b0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}\b")
MADE_BY_INTRO_RE = re.compile(r"\b(?:made|raised|submitted|brought|received)\s+(?:by|from)\s*:?\s*$|\bfrom\s*:\s*$", re.IGNORECASE)
MOST_RECEIVED_RE = re.compile(
    r"\s+(?:received|had|got|attracted)\s+the\s+(?:most|highest\s+number\s+of|largest\s+number\s+of|fewest)\s+\w+\s*\(?\s*$",
    re.IGNORECASE)
PRIOR_YEAR_LABEL_RE = re.compile(r"\(\s*(?:in\s+)?(?:19|20)\d\d\s*[/-]\s*\d{2,4}\s*:\s*$")
COMPARISON_RE = re.compile(
    r"\(\s*(?:in\s+)?(?:19|20)\d\d\s*[/-]\s*\d{2,4}\s*:\s*$"  # '(2021/22: 371)'
    r"|(?:compared\s+(?:to|with)|(?:an?\s+)?(?:increase|decrease|improvement|reduction|rise|fall|drop|change)\s+(?:on|from)"
    r"|\b(?:up|down|rising|falling|increasing|decreasing|decreased|increased|reduced|fell|rose)\s+from|\bfrom|\bthan"
    r"|\bthe\s+same\s+as|\bagainst|\bversus|\bvs\.?)\b[^,;]*$",
    re.IGNORECASE,
)
FROM_TO_RE = re.compile(r"^\s*(?:(?:working\s+)?days?|cases?|complaints?|%)?[^,;.]{0,25}?\bto\s*$", re.IGNORECASE)
SAME_AS_RE = re.compile(r"^[^.;]*?,?\s*the\s+same\s+as\s+(?:in|for)?\s*", re.IGNORECASE)
DENOMINATOR_BEFORE_RE = re.compile(r"(?:\bof\s+(?:the|these|those|all)?|\bout\s+of|\bof\s+all\s+the)\s*$", re.IGNORECASE)
NEXT_CLAUSE_RE = re.compile(
    r"\band\s+(?:then\s+)?(?:made|carried|found|upheld|decided|took|were|was|had|has|have|completed|closed|investigated)\b",
    re.IGNORECASE,
)
RECEIVED_TOTAL_RE = re.compile(r"^\s+(?:[\w/'’-]+\s+){1,4}received\b", re.IGNORECASE)
DESTINATION_STAGE_RE = re.compile(
    r"\b(?:progress|escalat|proceed|referr|mov|went|go|taken)\w*\s+(?:on\s+)?to\s+(?:an?\s+|the\s+)?"
    r"(?:independent\s+|full\s+|formal\s+)?(?P<stage>stage\s*(?:1|2|3|one|two|three))",
    re.IGNORECASE,
)
PAIR_BETWEEN_RE = re.compile(
    r"\s*\(\s*|\s+of\s+(?:these|those|the)?\s*\d[\d,]*\s+(?:these\s+|those\s+)?[\w' ]{0,40}?\s*\(\s*", re.IGNORECASE
)
LINKED_RE = re.compile(
    r"(?:(?:\s+(?:that|which)?\s*(?:were|was|have\s+been|had\s+been|are)?)?\s*(?:referred|escalated|made|sent|taken|received|resolved)?"
    r"\s*(?:from|to|by|with|of|against|involving|through|via)\s+(?:the\s+|an?\s+)?|\s+)",
    re.IGNORECASE,
)
WITH_OUTCOME_RE = re.compile(r"\bwith\s+(?:an?\s+)?outcomes?\s+of\b", re.IGNORECASE)
CHANGE_AFTER_RE = re.compile(
    r"^\s*%?\s*(?:more|fewer|less|higher|lower|increase|decrease|reduction|rise|drop|up|down)\b", re.IGNORECASE
)
RATE_AFTER_RE = re.compile(
    r"^\s*%?\s*of\s+(?:all\s+)?(?:(?:active|open)\s+cases|service\s+users|(?:the\s+)?population|children\s+(?:in|looked)|referrals)",
    re.IGNORECASE,
)
RATE_BEFORE_RE = re.compile(r"\b(?:representing|equivalent\s+to|equates?\s+to|rate\s+of|per)\s*$", re.IGNORECASE)
SHARE_OF_OUTCOME_RE = re.compile(r"^\s*%?\s*of\s+(?:the\s+|all\s+)?(?:not\s+|partially\s+|partly\s+)?upheld\b", re.IGNORECASE)
YEAR_RE = re.compile(r"^(?:19[5-9]\d|20\d\d)$")
MONTH_RE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?\s*$",
    re.IGNORECASE,
)
FREE_LIST_ITEM_RE = re.compile(
    r"^\s*(?P<num>\d[\d,]*(?:\.\d+)?\s*%?)\s*(?:(?:were|was|are|is)\s+(?:to\s+)?|x\s+|[-–:]\s*)?(?P<label>[A-Za-z].*?)\s*\.?\s*$"
)
LABEL_FIRST_ITEM_RE = re.compile(r"^\s*(?P<label>[A-Za-z][^:\-–]*?)\s*[:\-–]\s*(?P<num>\d[\d,]*(?:\.\d+)?\s*%?)\s*\.?\s*$")
# 'an apology (58)', 'a meeting with a manager (9);'
LABEL_BRACKET_ITEM_RE = re.compile(r"^\s*(?P<label>[A-Za-z][^()]*?)\s*\(\s*(?P<num>\d[\d,]*(?:\.\d+)?\s*%?)\s*\)\s*(?:[,.;]|\band\b|\bor\b)?\s*$")
PRONOUN_LABEL_RE = re.compile(r"^(?:were|was|are|is|of|in|for|to|at|and|or|the)\b", re.IGNORECASE)
TIMESCALE_STAGE = (
    (re.compile(r"\b(?:10|ten|20|twenty)[\s-]+(?:working\s+)?days?\b", re.IGNORECASE), Stage.STAGE1),
    (re.compile(r"\b(?:25|twenty-five|65|sixty-five)[\s-]+(?:working\s+)?days?\b", re.IGNORECASE), Stage.STAGE2),
)
QUOTE_CHARS = 320
#: What a report counts; a list label naming one of these is a count, not a service or theme.
COUNTED_BASES = frozenset({"complaints", "compliments", "enquiries", "representations", "lgsco", "concerns", "adr"})
#: Words after a number that do not stop it from counting one of our things ('5 were upheld').
FUNCTION_WORDS = frozenset(
    "were was is are have has had been being of in at on for to from with by within and or per out which who that "
    "this these those all the a an so as it they there than compared".split()
)
NOUN_WINDOW_WORDS = 5
BASE_WINDOW_WORDS = 9  # how far after a number the thing it counts may be named


@dataclass
class Figure:
    start: int
    end: int
    value: float
    unit: Unit
    text: str
    partner: "Figure | None" = None

    @property
    def span_end(self) -> int:
        return max(self.end, self.partner.end) if self.partner else self.end


@dataclass
class SentenceReading:
    reading: Reading
    period: str | None
    inherited: bool = False
    extra: list[tuple[Reading, str | None]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _pipeline() -> tuple[spacy.language.Language, Matcher]:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    # '7(13%)' is a count and a percentage: split at the bracket as a person reads it
    infixes = list(nlp.Defaults.infixes) + [r"(?<=[0-9])[\(\)](?=[0-9%])", r"(?<=[0-9%])\)"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    matcher = Matcher(nlp.vocab)
    matcher.add("MONEY", [[{"ORTH": {"IN": ["£", "$"]}}, {"LIKE_NUM": True}]])
    matcher.add("PERCENT", [[{"LIKE_NUM": True}, {"ORTH": "%"}]])
    matcher.add("NUMBER", [[{"LIKE_NUM": True}]])
    return nlp, matcher


def find(doc: Document, contexts: Contexts, lexicon: Lexicon) -> list[Candidate]:
    """Figures in paragraphs and list items. The document's own names for its services (from
    the tables and charts read before) mark a sentence naming one as about that service."""
    nlp, matcher = _pipeline()
    service_patterns = _service_patterns(service_labels(contexts.earlier))
    sections = _section_texts(doc)
    found: list[Candidate] = []
    tabular = consumed_blocks(doc, contexts)  # read by the table finder
    for block in doc.blocks:
        if not isinstance(block, (Paragraph, ListItem)) or block.index in tabular:
            continue
        ctx = contexts[block.index]
        method = Method.LIST if isinstance(block, ListItem) else Method.TEXT
        if isinstance(block, ListItem):
            labelled = _free_label_item(block, ctx, lexicon)
            if labelled is not None:
                found.extend(labelled)
                continue
        spacy_doc = nlp(block.text)
        sentences = list(spacy_doc.sents)
        if len(sentences) > 1 and _is_run_in_heading(sentences[0].text):
            # '**Stage 2.** Twenty investigations concluded ...': the lead words head the paragraph
            ctx = replace(ctx, intro=sentences[0].text, intro_info=lexicon.label(sentences[0].text))
            sentences = sentences[1:]
        carried = None
        for sentence in sentences:
            finder = _SentenceFinder(sentence, matcher, block, ctx, lexicon, method, block_start=sentence.start_char == 0,
                                     service_patterns=service_patterns, section_text=sections.get(block.index, ""),
                                     carried=carried)
            found.extend(finder.run())
            carried = finder.last_reading or carried
    return found


SERVICE_MEASURES = frozenset(m for m, kind in LABELLED_MEASURES.items() if kind == "service")


def service_labels(candidates: list[Candidate]) -> list[str]:
    """The service names a document prints in its tables and charts ('Children in Care Teams')."""
    labels = {c.category_raw.split(" > ")[-1] for c in candidates if c.measure in SERVICE_MEASURES and c.category_raw}
    return sorted(labels)


def _bracketed_period(ctx: BlockContext) -> str | None:
    """The year a section's bracketed figures belong to, when its heading or introduction says
    so: '(2023/24 in brackets)', 'last year's figures in brackets'."""
    for text in [ctx.intro, *reversed(ctx.trail)]:
        match = BRACKETS_CONVENTION_RE.search(text or "")
        if match:
            if match.group("period"):
                return parse_period(match.group("period"))
            return shift(ctx.period, -1) if ctx.period else None
    return None


def _unmatched_close(text: str) -> int:
    """The position of the last ')' whose '(' is not in `text`, or -1."""
    depth, last = 0, -1
    for i, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            if depth:
                depth -= 1
            else:
                last = i
    return last


def _list_colon(text: str) -> bool:
    """A colon that opens a list of parts ('12 decisions: 7 were ...'), not one that labels a
    year ('(2021/22: 371)')."""
    return ":" in re.sub(r"(?:19|20)\d\d\s*[/-]\s*\d{2,4}\s*:", "", text)


def _same_figures(made: list[Candidate], total: list[Candidate]) -> bool:
    """Whether candidates count the same thing (measure, stage, category) as a total before them."""
    keys = {(c.measure, c.stage, c.category) for c in total}
    return bool(made) and all((c.measure, c.stage, c.category) in keys for c in made)


def _is_run_in_heading(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 5 and bool(re.search(r"[.:]\s*$", text)) and not re.search(r"\d{2,}", text)


def _section_texts(doc: Document) -> dict[int, str]:
    """The running text of each block's section (the paragraphs under its heading)."""
    sections: dict[int, str] = {}
    current: list[int] = []
    texts: list[str] = []

    def close() -> None:
        joined = " ".join(texts)
        for index in current:
            sections[index] = joined

    for block in doc.blocks:
        if isinstance(block, Heading):
            close()
            current, texts = [], []
        elif isinstance(block, (Paragraph, ListItem)):
            current.append(block.index)
            texts.append(block.text)
    close()
    return sections


def _service_patterns(labels) -> list[re.Pattern[str]]:
    """A pattern per service name of two or more words, tolerant of apostrophes and '&'/'and'."""
    patterns = []
    for label in labels:
        words = re.findall(r"[A-Za-z0-9]+", label.replace("’", "'").replace("'s", "s"))
        words = [w for w in words if w.lower() not in {"and", "s"}]
        if len(words) < 2:
            continue
        parts = [re.escape(w[:-1]) + r"['’]?s" if w.lower().endswith("s") and len(w) > 3 else re.escape(w) for w in words]
        body = r"(?:\W+(?:and\W+|&\W+)?)".join(parts)
        patterns.append(re.compile(r"\b" + body + r"\b", re.IGNORECASE))
    return patterns


def _free_label_item(block: ListItem, ctx: BlockContext, lexicon: Lexicon) -> list[Candidate] | None:
    """'1 Early Help' under 'the following service areas:'; '36% were to provide an apology' under 'remedies'."""
    intro = ctx.intro_info
    if intro is None:
        return None
    dimension = intro.dimension if intro.dimension in {"service", "theme", "remedy"} else None
    if "remedies" in intro.bases:
        dimension = "remedy"
    if dimension is None:
        return None
    match = (FREE_LIST_ITEM_RE.match(block.text) or LABEL_FIRST_ITEM_RE.match(block.text)
             or LABEL_BRACKET_ITEM_RE.match(block.text))
    if not match:
        return None
    label = re.sub(r"^(?:an?|the)\s+", "", match.group("label").strip(" .;:"), flags=re.IGNORECASE)
    if not label or PRONOUN_LABEL_RE.match(label) or set(lexicon.bases_in(label)) & COUNTED_BASES and dimension != "remedy":
        return None  # '4 complaints (...)' counts complaints; it is not a label
    number = match.group("num").replace(" ", "")
    unit = Unit.PERCENT if number.endswith("%") else Unit.COUNT
    value = to_number(number.rstrip("%"))
    reading = Reading(base="remedies" if dimension == "remedy" else (intro.base or "complaints"),
                      stage=intro.stage, label_dim=dimension, label=label,
                      qualifiers=intro.qualifiers & {"upheld"})
    resolved = resolve(reading)
    if resolved is None:
        return []
    measure, category = resolved
    if not unit_allowed(measure, unit) or ctx.period is None:
        return []
    return [
        Candidate(
            period=ctx.period, measure=measure, stage=reading.stage if measure in STAGED_MEASURES else None,
            category=category, category_raw=label, value=value, unit=unit, quote=block.text,
            method=Method.LIST, block=block.index, page=block.page, line=block.line, confidence=0.85,
            rule="list:labelled",
        )
    ]


class _SentenceFinder:
    def __init__(self, sentence, matcher: Matcher, block, ctx: BlockContext, lexicon: Lexicon, method: Method,
                 block_start: bool, service_patterns: list[re.Pattern[str]] = (), section_text: str = "",
                 carried: SentenceReading | None = None):
        self.carried = carried  # the last reading of the sentence before, in the same paragraph
        self._first_figure: int | None = None
        self.last_reading: SentenceReading | None = None
        self.sentence = sentence
        self.text = sentence.text
        self.matcher = matcher
        self.block, self.ctx, self.lexicon, self.method = block, ctx, lexicon, method
        self.block_start = block_start
        self.section_text = section_text
        self.cues = lexicon.cues(self.text)
        self.periods = find_periods(self.text)
        self.services = sorted(
            {(m.start(), m.end(), m.group(0)) for p in service_patterns for m in p.finditer(self.text)
             if m.group(0)[:1].isupper()}
        )

    # -- numbers ---------------------------------------------------------------------------

    def figures(self) -> list[Figure]:
        sentence_doc = self.sentence.as_doc()
        spans = filter_spans([sentence_doc[s:e] for _, s, e in self.matcher(sentence_doc)])
        found: list[Figure] = []
        for span in sorted(spans, key=lambda s: s.start_char):
            start, end = span.start_char, span.end_char
            text = span.text
            number_text = re.sub(r"[£$%\s]", "", text)
            value = _number_value(number_text)
            if value is None:
                continue
            unit = Unit.GBP if text[:1] in "£$" else Unit.PERCENT if text.endswith("%") else Unit.COUNT
            figure = Figure(start, end, value, unit, text)
            if self._not_a_figure(figure, number_text):
                continue
            found.append(figure)
        return self._pair(found)

    def _not_a_figure(self, figure: Figure, number_text: str) -> bool:
        before, after = self.text[: figure.start], self.text[figure.end:]
        if any(m.start() <= figure.start < m.end() for m in PHONE_RE.finditer(self.text)):
            return True  # 'call 01632 960 233'
        if any(m.start <= figure.start < m.end for m in self.periods):
            return True
        if YEAR_RE.match(number_text) and figure.unit is Unit.COUNT:
            return True
        if MONTH_RE.search(before) or re.match(r"^\s*(?:January|February|March|April|May|June|July|August|September|October|November|December)\b", after):
            return True
        if self.block_start and figure.start == 0 and re.match(r"^\d+\.\d+", self.text):
            return True  # a section number opening the paragraph: '1.3 All of the 4 complaints'
        if re.match(r"^\s*[-–]\s*\w", after) and figure.unit is Unit.COUNT and not re.match(r"^\s*[-–]\s*\d", after):
            return True  # '3-stage process', 'six-weekly'
        if re.match(r"^\s*(?:[-–]\s*\d+|\+)\s+[A-Z]", after):
            return True  # the '0-25' of 'the 0-25 Disability Service', the '16' of '16+ Team'
        if self.lexicon.is_change(before) or CHANGE_AFTER_RE.match(after):
            return True
        if RATE_BEFORE_RE.search(before) or RATE_AFTER_RE.match(after):
            return True
        if SHARE_OF_OUTCOME_RE.match(after):
            return True  # '57% of upheld complaints had ...' is a share of upheld complaints
        if self.lexicon.is_not_a_count(before, after):
            return not self._average_days(figure, before, after)
        if "remedies" in self.lexicon.bases_in(self._subject()):
            return False  # 'Remedies included 41 apologies': the noun after the number is the remedy
        return self._counts_something_else(figure, after)

    def _counts_something_else(self, figure: Figure, after: str) -> bool:
        """'two routes', '3 panel members': the word after the number is a noun the lexicon does not know."""
        words = re.findall(r"[A-Za-z][\w'’/-]*|[^\sA-Za-z]", after)
        if not words or not words[0][0].isalpha() or words[0].lower() in FUNCTION_WORDS:
            return False
        window_end = figure.end + len(" ".join(words[:NOUN_WINDOW_WORDS])) + 3
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

    def _pair(self, figures: list[Figure]) -> list[Figure]:
        """'9 (10%)', '37% (7)', '6 of these 9 complaints (67%)': a count and its percentage are one reading."""
        kept = [f for f in figures if not self._is_denominator(f, figures)]
        paired: list[Figure] = []
        skip = set()
        for i, figure in enumerate(kept):
            if i in skip:
                continue
            following = kept[i + 1] if i + 1 < len(kept) else None
            if following is not None and {figure.unit, following.unit} == {Unit.COUNT, Unit.PERCENT}:
                between = self.text[figure.end:following.start]
                if PAIR_BETWEEN_RE.fullmatch(between):
                    figure.partner = following
                    skip.add(i + 1)
            paired.append(figure)
        return paired

    def _is_denominator(self, figure: Figure, figures: list[Figure]) -> bool:
        before = self.text[: figure.start]
        if not DENOMINATOR_BEFORE_RE.search(before):
            return False
        if re.match(r"^\s*of\s+(?:the|these|those|all)?\s*$", before, re.IGNORECASE):
            # 'Of the 52 valid complaints, ...' restates a total, but 'Of the 47 MP enquiries
            # received, ...' may be the only place the total is printed: keep it when it says 'received'
            return not RECEIVED_TOTAL_RE.match(self.text[figure.end:])
        previous = [f for f in figures if f.span_end <= figure.start]
        return bool(previous) and len(self.text[previous[-1].span_end:figure.start].split()) <= 3

    # -- reading a figure ----------------------------------------------------------------

    def run(self) -> list[Candidate]:
        figures = self.figures()
        found: list[Candidate] = []
        previous: SentenceReading | None = None
        previous_fact: SentenceReading | None = None  # '(2021/22: 84%)' after a target is last year's fact
        claimed: set[int] = set()
        total: tuple[Figure, list[Candidate]] | None = None
        for index, figure in enumerate(figures):
            left_start = figures[index - 1].span_end if index else 0
            right_end = figures[index + 1].start if index + 1 < len(figures) else len(self.text)
            prior_year = PRIOR_YEAR_LABEL_RE.search(self.text[left_start:figure.start]) is not None
            reading = self.read(figure, left_start, right_end, previous_fact if prior_year else previous, claimed,
                                parallel=self._parallel(figures, index))
            if reading is None:
                continue
            made = self.candidates(figure, reading)
            if total is not None and _list_colon(self.text[total[0].span_end:figure.start]) and _same_figures(made, total[1]):
                continue  # 'made 12 decisions: 7 were closed ...': a part of the total, with no measure of its own
            if made and not any(_list_colon(self.text[f.span_end:figure.start]) for f in figures[:index]):
                total = (figure, made)
            found.extend(made)
            previous = reading
            previous_fact = reading if made else previous_fact
        self.last_reading = previous_fact
        return found

    def _parallel(self, figures: list[Figure], index: int) -> bool:
        """'13 working days at Stage 1 and 47 working days at Stage 2': the same words after two
        numbers joined by 'and' or a comma make the second read like the first."""
        if index == 0:
            return False
        previous, figure = figures[index - 1], figures[index]
        joined = re.fullmatch(r"(?:\s+\S+){0,6}?\s*(?:,|and|,\s*and)\s*", self.text[previous.span_end:figure.start])
        if not joined:
            return False
        words_after = lambda f: re.findall(r"[A-Za-z]+", self.text[f.span_end:f.span_end + 40])[:2]
        return len(words_after(figure)) == 2 and words_after(figure) == words_after(previous)

    def _cues(self, start: int, end: int, kind: str | None = None) -> list[Cue]:
        return [c for c in self.cues if c.start >= start and c.end <= end and (kind is None or c.kind == kind)]

    def _clause_end(self, start: int, end: int) -> int:
        match = CLAUSE_BREAK_RE.search(self.text, start, end)
        return match.start() if match else end

    def _clause_start(self, start: int, end: int) -> int:
        last = start
        for match in CLAUSE_BREAK_RE.finditer(self.text, start, end):
            last = match.end()
        return last

    def read(self, figure: Figure, left_start: int, right_end: int, previous: SentenceReading | None,
             claimed: set[int], parallel: bool = False) -> SentenceReading | None:
        """What one number counts, read from the words around it; None when nothing it counts is named."""
        fig_end = figure.end  # the words between a count and its paired percentage belong to both
        right_clause = self._clause_end(fig_end, right_end)
        left_clause = self._clause_start(left_start, figure.start)
        left_text = self.text[left_start:figure.start]
        comparison = previous is not None and (
            parallel or COMPARISON_RE.search(left_text) is not None or FROM_TO_RE.match(left_text) is not None
        )
        if previous is not None and PRIOR_YEAR_LABEL_RE.search(left_text):
            # '412 representations (2021/22: 371)': last year's figure of the same thing
            return SentenceReading(replace(previous.reading), self._period(figure, left_start, left_clause, fig_end,
                                                                           right_clause, claimed), inherited=True)
        bracket_period = _bracketed_period(self.ctx)
        if (previous is not None and bracket_period and re.search(r"\(\s*$", left_text)
                and re.match(r"\s*\)", self.text[fig_end:])):
            # under 'At a glance - 2024/25 (2023/24 in brackets)': '268 representations (243)'
            return SentenceReading(replace(previous.reading), bracket_period, inherited=True)
        reading, own_base = self._base(figure, left_start, left_clause, right_clause, previous if comparison else None)
        coordinated = NEXT_CLAUSE_RE.search(self.text, fig_end, right_end)
        right_qualifiers_end = coordinated.start() if coordinated else right_end
        if re.search(r"\(\s*$", self.text[:figure.start]):
            # '(37 complaints), disagreement with a decision': a bracketed count's words end at the bracket
            closing = self.text.find(")", fig_end, right_qualifiers_end)
            right_qualifiers_end = closing if closing >= 0 else right_qualifiers_end
        if self.lexicon.has("elsewhere", self.text[:figure.start]) or self.lexicon.has("elsewhere", self.text[fig_end:right_clause]):
            return None  # 'Across England about 20% of stage 1 complaints are upheld': not this council's
        reading.qualifiers = {c.value for c in self._cues(left_clause, figure.start, "qualifier")
                              + self._cues(fig_end, right_qualifiers_end, "qualifier")
                              # '90% ..., against a local target of 95%': the target is the next clause's
                              if c.value not in {"target"} or c.start < right_clause or c.end <= figure.start}
        if comparison and not own_base:
            reading.qualifiers |= previous.reading.qualifiers
        if reading.base is None and "decision" in reading.qualifiers and "lgsco" in self.ctx.bases:
            reading.base = "lgsco"  # '18 decisions made' under the Ombudsman's heading
        if reading.base is None and (reading.qualifiers & {"average_days", "in_timescale"}
                                     or any(c.kind == "stage" for c in self.cues)):
            reading.base = "complaints"  # response times and stages are about complaints
        carried = self.carried if CONTINUATION_RE.match(self.text) else None
        if reading.base is None and carried is not None:
            reading.base = carried.reading.base  # 'A further 12 were withdrawn': the last sentence's complaints
        if reading.base is None and (comparison or self.method is Method.TEXT):
            return None  # a sentence that names nothing the number counts

        self._read_category(reading, figure, left_clause, fig_end, right_clause, right_end)
        if comparison and reading.category_dim is None and not own_base and previous.reading.category_dim:
            reading.category_dim, reading.category, reading.label = (
                previous.reading.category_dim, previous.reading.category, previous.reading.label)
        listed = self._listed_label(figure, left_start) or self._remedy_after(figure)
        if listed is not None and reading.category_dim is None:
            reading.label_dim, reading.label = listed
            if reading.base not in ("compliments", "remedies"):
                reading.base = "remedies" if listed[0] == "remedy" else "complaints"
        services = [] if listed else self._services_for(figure, left_start)
        named_in_a_list = False
        if not services and not listed:
            services = self._named_before(figure, left_start)
            named_in_a_list = bool(services)
        if services and not self._about_services(reading, figure, services):
            return None
        if named_in_a_list and reading.label_dim == "service" and self._subject_is_upheld():
            reading.qualifiers.add("upheld")  # 'Upheld complaints were highest in Children in Care (28)'
        reading.stage = self._stage(figure, left_clause, fig_end, right_clause, right_end)
        if reading.stage is None and comparison:
            reading.stage = previous.reading.stage
        if reading.stage is None and carried is not None and reading.base == carried.reading.base:
            reading.stage = carried.reading.stage
        period = self._period(figure, left_start, left_clause, fig_end, right_clause, claimed)
        if (comparison and period and previous is not None and period == previous.period
                and CHANGE_FROM_RE.search(left_text) and not self._names_a_year(fig_end, right_clause)):
            period = shift(period, -1)  # '18 (up from 11)': a change from last year's figure
        result = SentenceReading(reading, period, inherited=comparison)
        # 'Cross Portfolio and Adult Social Care complaints saw 0% upheld': one figure, two services
        result.extra.extend((replace(reading, label=name), period) for _, _, name in services[1:])
        same_as = SAME_AS_RE.match(self.text[fig_end:])
        if same_as:  # '65% of cases answered in time, the same as in 2015-16'
            later = [m for m in self.periods if m.start >= fig_end + same_as.end() - 1]
            if later and later[0].start - (fig_end + same_as.end()) <= 2:
                result.extra.append((reading, later[0].period))
        return result

    def _base(self, figure: Figure, left_start: int, left_clause: int, right_clause: int,
              compared_with: SentenceReading | None) -> tuple[Reading, bool]:
        """What the number counts, and whether the words next to it name it themselves.

        Nearest first: a phrase around the number ('dealt with 4,156 children'), the words
        after it ('183 representations'), before it ('withdrawn (10)'), the figure it is
        compared with, the sentence before it, then a list's introduction. A section about
        the Ombudsman, or a sentence whose subject is the Ombudsman, rules over plain
        'complaints' and 'cases'.
        """
        reading = Reading()
        fig_end = figure.end
        spanning = [c for c in self.cues if c.kind == "base" and c.start <= figure.start < c.end]
        bracketed = re.search(r"\(\s*$", self.text[:figure.start]) is not None
        right_limit = min(right_clause, self._word_limit(fig_end, BASE_WINDOW_WORDS))
        if bracketed:  # 'withdrawn (10)' names nothing after it; '(37 complaints)' names it inside the bracket
            closing = self.text.find(")", fig_end, right_limit)
            right_limit = closing if closing >= 0 else fig_end
        right_bases = [c for c in self.cues if c.kind == "base" and fig_end <= c.start < right_limit]
        left_bases = self._cues(left_start, figure.start, "base")
        sentence_bases = [c for c in self.cues if c.kind == "base" and c.end <= figure.start]
        comparing = COMPARISON_RE.search(self.text[left_start:figure.start]) if compared_with is not None else None
        compared_directly = comparing is not None and not self._cues(left_start + comparing.start(), figure.start, "base")
        if spanning:
            reading.base = spanning[0].value
        elif right_bases:
            reading.base = self._by_priority(right_bases, near=fig_end)
        elif compared_directly:
            reading.base = compared_with.reading.base  # '186 concerns ... complaints, up from 141'
        elif left_bases:
            reading.base = max(left_bases, key=lambda c: c.end).value
        elif compared_with is not None:
            reading.base = compared_with.reading.base
        elif sentence_bases:
            reading.base = max(sentence_bases, key=lambda c: c.end).value
        elif self.method is Method.LIST and self.ctx.bases:
            reading.base = self.ctx.bases[0]
        reading = with_dominant_context(reading, self.ctx.bases if self.ctx.heading_info else [], fill_missing=False)
        reading = with_dominant_context(reading, self._ombudsman_subject(figure, left_clause, right_bases),
                                        fill_missing=False)
        return reading, bool(right_bases or left_bases)

    def _listed_label(self, figure: Figure, left_start: int) -> tuple[str, str] | None:
        """'The most frequent issues raised were poor communication (37 complaints), disagreement
        with a decision (29) ...': a bracketed count after a phrase, in a sentence about themes,
        services or remedies, counts that phrase."""
        if not re.search(r"\(\s*$", self.text[:figure.start]):
            return None
        before = self.text[left_start:figure.start].rstrip(" (")
        phrase = re.split(r",|;|:|\band\b|\bwere\b|\bwas\b|\bare\b|\bincluded\b|\bincluding\b", before)[-1].strip(" )")
        phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.IGNORECASE)
        words = phrase.split()
        phrase_start = figure.start - len(self.text[left_start:figure.start]) + before.rfind(phrase)
        if not 1 <= len(words) <= 8 or any(
            c.kind in {"base", "category"} and c.start >= phrase_start and c.end <= figure.start for c in self.cues
        ):
            return None
        # what the list is of is said before its first bracketed count: '... issues raised were'
        first_item = re.search(r"\(\s*\d", self.text[:phrase_start])
        dimension = self.lexicon.dimension_of(self.text[:first_item.start() if first_item else phrase_start])
        if dimension not in {"theme", "service", "remedy"}:
            return None
        return dimension, phrase

    def _services_for(self, figure: Figure, left_start: int) -> list[tuple[int, int, str]]:
        """The services a figure is about: the nearest name (or names joined by 'and') before it."""
        before = [s for s in self.services if s[1] <= figure.start]
        if not before:
            return []
        cluster = [before[-1]]
        for service in reversed(before[:-1]):
            if re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*", self.text[service[1]:cluster[0][0]]):
                cluster.insert(0, service)
            else:
                break
        return cluster

    def _names_a_year(self, start: int, end: int) -> bool:
        return any(start <= m.start < end for m in self.periods) or any(
            c.kind == "period" and start <= c.start < end for c in self.cues)

    def _remedy_after(self, figure: Figure) -> tuple[str, str] | None:
        """'Remedies ... included 41 apologies, 9 changes to practice and 4 financial payments':
        in a sentence about remedies, the words after a count name the remedy."""
        if figure.unit is not Unit.COUNT or "remedies" not in self.lexicon.bases_in(self._subject()):
            return None
        after = re.split(r"[,;.()]|\s+and\s+(?=\d|(?:%s)\b)" % "|".join(NUMBER_WORDS), self.text[figure.end:], maxsplit=1)[0]
        phrase = after.strip()
        if not 1 <= len(phrase.split()) <= 6 or set(self.lexicon.bases_in(phrase)) & (COUNTED_BASES - {"remedies"}):
            return None
        return "remedy", phrase

    def _subject(self) -> str:
        """The words before the sentence's first number (not counting its paragraph number)."""
        text = re.sub(r"^\s*\d+(?:\.\d+)*\s", "", self.text)
        first = re.search(r"\d", text)
        return text[:first.start()] if first else ""

    def _subject_is_upheld(self) -> bool:
        """Whether the words before the sentence's first number are about upheld complaints."""
        subject = self._subject()
        return self.lexicon.has("combined_outcome", subject) or self.lexicon.has("upheld", subject)

    def _named_before(self, figure: Figure, left_start: int) -> list[tuple[int, int, str]]:
        """'The Children in Care service received 54 complaints, the Pathway (leaving care) team 28,
        Early Help 23': a service named in capitals right before its number, in a list of them."""
        if figure.unit is not Unit.COUNT:
            return []
        left = MOST_RECEIVED_RE.sub("", self.text[left_start:figure.start])  # 'Fostering received the most compliments ('
        cut = max(_unmatched_close(left), left.rfind(","), left.rfind(";"))
        words = re.sub(r"(?:\s+(?:services?|teams?|received|had|made|dealt\s+with))+\s*$", "", left[cut + 1:].rstrip(" (")).split()
        run: list[str] = []
        for word in reversed(words):
            if word[:1].isupper() or word.lower() in SERVICE_NAME_JOINERS or (run and word.startswith("(")):
                run.insert(0, word)
            elif word.endswith(")") and "(" not in word:  # the end of '(leaving care)'
                run.insert(0, word)
            else:
                break
        while run and run[0].lower() in SERVICE_NAME_JOINERS | {"and", "&"}:
            run.pop(0)
        name = " ".join(run).strip(" (")
        if not name or not name[:1].isupper() or len(run) > 6 or re.match(r"^\d", name):
            return []
        if not self.lexicon.looks_like_service(name) or set(self.lexicon.bases_in(name)) & COUNTED_BASES:
            return []
        start = self.text.find(name, left_start)
        return [(start, start + len(name), name)]

    def _about_services(self, reading: Reading, figure: Figure, services: list[tuple[int, int, str]]) -> bool:
        """Turn a reading about named services into a by-service reading; False if it fits no measure."""
        if reading.base == "compliments" and re.match(r"\s*\)?\s*(?:compliments?\b|$|,|\band\b|\.)", self.text[figure.end:]):
            reading.label_dim, reading.label = "service", services[0][2]  # 'Fostering received 42 compliments'
            return True
        named_after = self.lexicon.bases_in(self.text[figure.end:figure.end + 40])
        if reading.base in self.lexicon.bases_in(services[-1][2]) or (
                reading.base not in COUNTED_BASES | {None} and reading.base not in named_after):
            # 'highest in Children in Care (28) and Assessment (24)': a service's name, or the one
            # before it, is not what the number counts
            counted = [c.value for c in self.cues if c.kind == "base" and c.value in COUNTED_BASES and c.end <= figure.start]
            reading.base = counted[-1] if counted else None
        if reading.base not in (None, "complaints"):
            return True  # 'Family Support received a total of 9,994 contacts': context, not a breakdown
        in_brackets = re.fullmatch(r"\s*\(\s*", self.text[services[-1][1]:figure.start]) is not None
        if in_brackets:  # 'the Children with Disabilities Teams (6)': the team's count of complaints
            reading.qualifiers -= {"upheld"}
            reading.category_dim = reading.category = None
        if reading.category_dim == "outcome" and reading.category == "upheld":
            reading.qualifiers.add("upheld")
            reading.category_dim = reading.category = None
        if reading.category_dim is not None:
            return False
        reading.base = reading.base or "complaints"
        reading.label_dim, reading.label = "service", services[0][2]
        return True

    def _word_limit(self, start: int, words: int) -> int:
        """The position `words` words after `start`."""
        match = re.match(r"(?:\W*\w+){0,%d}" % words, self.text[start:])
        return start + (match.end() if match else 0)

    def _by_priority(self, cues: list[Cue], near: int) -> str:
        """The thing named nearest after the number ('57 complaints and the Ombudsman ...' counts
        complaints), unless what follows qualifies it: 'enquiries from the Ombudsman',
        'complaints referred to the Local Government Ombudsman'."""
        ordered = sorted(cues, key=lambda c: c.start)
        compound = [ordered[0]]
        for cue in ordered[1:]:  # 'complaint representations': the last noun of a compound is what is counted
            if cue.start > compound[-1].end and not self.text[compound[-1].end:cue.start].strip():
                compound.append(cue)
        dominant = [c for c in compound if c.value in DOMINANT_CONTEXT_BASES]
        if dominant:  # 'Local Government Ombudsman complaints' are Ombudsman cases
            return dominant[0].value
        nearest = compound[-1]
        for cue in cues:
            if cue.value in DOMINANT_CONTEXT_BASES and cue.start > nearest.end and LINKED_RE.fullmatch(
                self.text[nearest.end:cue.start]
            ):
                return cue.value
        return nearest.value

    def _ombudsman_subject(self, figure: Figure, left_clause: int, right_bases: list[Cue]) -> list[str]:
        """'The Ombudsman made final decisions on 6 cases', 'ADR meetings ... took place in 19':
        the sentence's subject (the first thing it names) rules the figure."""
        before = [c for c in self.cues if c.kind == "base" and c.end <= figure.start]
        return [before[0].value] if before and before[0].value in DOMINANT_CONTEXT_BASES else []

    def _read_category(self, reading: Reading, figure: Figure, left_clause: int, fig_end: int, right_clause: int,
                       right_end: int) -> None:
        """The fixed category a number belongs to: an outcome, response band, enquiry type,
        complainant or channel named next to it."""
        text = self.text
        with_outcome = WITH_OUTCOME_RE.search(text, fig_end, right_end)
        # 'N complaints ... with an outcome of X': N is first a count of complaints (X is added later)
        right_limit = min(right_clause, self._word_limit(fig_end, BASE_WINDOW_WORDS))
        limit = with_outcome.start() if with_outcome else right_limit
        # a phrase that starts within reach of the number counts, even if it ends further on
        right = [c for c in self.cues if c.kind == "category" and fig_end <= c.start < limit]
        left = self._cues(left_clause, figure.start, "category")
        spanning = [c for c in self.cues if c.kind == "category" and c.start < figure.start and c.end > figure.end]
        bracketed = re.search(r"\(\s*$", text[:figure.start]) is not None
        if any(c.value == "combined_outcome" for c in self._cues(left_clause, right_end, "qualifier")):
            reading.qualifiers.add("combined_outcome")
            return
        dimensions = ("outcome", "response_time", "enquiry_type", "complainant", "channel")
        if reading.base == "enquiries":
            # enquiries have no response bands: 'answered within 10 working days' means in time
            if any(c.value.startswith("response_time:") for c in right + left):
                reading.qualifiers.add("in_timescale")
            dimensions = ("enquiry_type",)
        for dimension in dimensions:
            def of(cues):
                return [c for c in cues if c.value.startswith(dimension + ":")]

            before = sorted(of(left), key=lambda c: -c.end)
            # 'upheld two complaints in part' spans the number; 'withdrawn (10)': a bracketed
            # number belongs to the words before it
            candidates = of(spanning) + (before + of(right) if bracketed else of(right) + before)
            if dimension == "complainant":
                candidates = [c for c in candidates if self._complainant_applies(c, figure, bracketed)]
            if dimension == "channel":
                candidates = [c for c in candidates if self._channel_cue_applies(c, figure, fig_end, right_end, bracketed)]
            if dimension == "enquiry_type" and reading.base != "enquiries":
                continue
            if candidates:
                cue = candidates[0]
                category = cue.value.split(":", 1)[1]
                if category == "within_20_days" and not any(c.value == "response_time:within_10_days" for c in self.cues):
                    # 'within 20 working days' on its own is the stage 1 limit: in time, not a band
                    reading.qualifiers.add("in_timescale")
                    return
                reading.category_dim, reading.category = dimension, category
                reading.label = cue.text
                return

    def _complainant_applies(self, cue: Cue, figure: Figure, bracketed: bool) -> bool:
        """Who complained is read from 'from/by <who>' after the number, '<who> made N' before it,
        or '<who> (N)'."""
        before_cue = self.text[max(0, cue.start - 30):cue.start]
        if cue.start > figure.end and self.method is Method.LIST and MADE_BY_INTRO_RE.search(self.ctx.intro or ""):
            return not self.text[figure.end:cue.start].strip()  # '88 parents' under 'were made by:'
        if cue.start > figure.end:
            between = self.text[figure.end:cue.start]
            if between.count("(") > between.count(")"):
                return False  # 'young people 9% (most with support from an advocate)': an aside
            return bool(re.search(r"\b(?:from|by)\s+(?:an?\s+|the\s+|their\s+)?(?:\w+\s+){0,2}$", before_cue)) and \
                self._first_from(figure.end, len(self.text)) == cue.start
        between = self.text[cue.end:figure.start]
        return bool(re.fullmatch(r"\s*(?:\w+\s+)?(?:made|submitted|raised|lodged|brought)\s+(?:\w+\s+){0,2}", between)
                    or (bracketed and re.fullmatch(r"\s*\(\s*", between))
                    or re.fullmatch(r"\s+", between))  # an enumeration: 'young people 9%, foster carers 4%'

    def _first_from(self, start: int, end: int) -> int | None:
        match = re.search(r"\b(?:from|by)\s+(?:an?\s+|the\s+|their\s+)?(?:\w+\s+){0,2}", self.text[start:end])
        if not match:
            return None
        following = [c.start for c in self.cues if c.kind == "category" and c.start >= start + match.start()]
        return min(following) if following else None

    def _channel_cue_applies(self, cue: Cue, figure: Figure, start: int, end: int, bracketed: bool) -> bool:
        """A channel is read from 'via/by/through <channel>' (the first such phrase), a verb
        ('emailed'), or '<channel> (N%)'."""
        if re.match(r"(?i)e-?mailed|telephoned|phoned|wrote", cue.text):
            return True
        if bracketed and cue.end <= figure.start:
            return re.fullmatch(r"\s*(?:form|forms)?\s*\(\s*", self.text[cue.end:figure.start]) is not None
        via = re.search(r"\b(?:via|by|through|using|over)\s+(?:an?\s+|the\s+|our\s+)?", self.text[start:end])
        return via is not None and start + via.end() == cue.start

    def _stage(self, figure: Figure, left_clause: int, fig_end: int, right_clause: int, right_end: int) -> Stage | None:
        destination = DESTINATION_STAGE_RE.search(self.text, fig_end, right_end)
        if destination:
            return self.lexicon.stage_of(destination.group("stage"))
        for cues in (
            self._cues(fig_end, right_clause, "stage"),
            sorted(self._cues(left_clause, figure.start, "stage"), key=lambda c: -c.end),
            self._cues(fig_end, right_end, "stage"),
        ):
            if cues:
                return Stage(cues[0].value)
        stages = {c.value for c in self.cues if c.kind == "stage"}
        if len(stages) == 1:
            return Stage(stages.pop())
        return self.ctx.stage

    def _period(self, figure: Figure, left_start: int, left_clause: int, fig_end: int, right_clause: int,
                claimed: set[int]) -> str | None:
        """The year next to the number: after it in its clause, else before it; else the context's.

        '(2021/22: 377)': a year followed by a colon labels the number after it, not the one before.
        """
        labelling = [m for m in self.periods if re.match(r"\s*:\s*$", self.text[m.end:figure.start])]
        if labelling:
            claimed.add(id(labelling[-1]))
            return labelling[-1].period
        for mention in self.periods:
            if LABELS_NEXT_NUMBER_RE.match(self.text[mention.end:mention.end + 16]):
                continue  # it labels the number after it
            if fig_end <= mention.start < right_clause and id(mention) not in claimed:
                if self.lexicon.is_origin(self.text[:mention.start]) and any(
                    m.start > mention.start and m.start < right_clause for m in self.periods
                ):
                    continue  # 'complaints from 2015-16 escalated in 2016-17'
                claimed.add(id(mention))
                return mention.period
        relative = [c for c in self.cues if c.kind == "period"]
        for cue in relative:
            if fig_end <= cue.start < right_clause:
                return self._relative(cue.value)
        before = [m for m in self.periods if left_clause <= m.start and m.end <= figure.start and id(m) not in claimed]
        before_relative = [c for c in relative if left_clause <= c.start and c.end <= figure.start]
        nearest = max(
            [(m.end, m.period) for m in before] + [(c.end, self._relative(c.value)) for c in before_relative],
            default=None,
        )
        if nearest is not None:
            return nearest[1]
        since_previous = [
            m for m in self.periods
            if left_start <= m.start and m.end <= figure.start and id(m) not in claimed
            and not self.lexicon.is_origin(self.text[:m.start])
        ]
        if since_previous:
            return since_previous[-1].period  # 'During 2023/24, five ... progressed to Stage Two'
        if len(self.periods) == 1 and self.periods[0].end <= self._first_figure_start():
            # 'In 2021/22 the figures were 131 stage 1 complaints and 344 compliments'
            return self.periods[0].period
        return self.ctx.period

    def _first_figure_start(self) -> int:
        if self._first_figure is None:
            figures = self.figures()
            self._first_figure = figures[0].start if figures else len(self.text)
        return self._first_figure

    def _relative(self, value: str) -> str | None:
        period = self.ctx.document_period
        if period is None:
            return None
        return shift(period, -1) if value == "previous" else period

    # -- candidates ------------------------------------------------------------------------

    def candidates(self, figure: Figure, result: SentenceReading) -> list[Candidate]:
        found: list[Candidate] = []
        readings = [(result.reading, result.period)] + result.extra
        for reading, period in readings:
            for fig in [figure] + ([figure.partner] if figure.partner else []):
                found.extend(self._candidate(fig, reading, period, result.inherited))
        if WITH_OUTCOME_RE.search(self.text, figure.span_end) and result.reading.category_dim is None:
            outcome = [c for c in self._cues(figure.span_end, len(self.text), "category") if c.value.startswith("outcome:")]
            if outcome:
                extra = replace(result.reading, category_dim="outcome", category=outcome[0].value.split(":")[1],
                                label=outcome[0].text, qualifiers=set(result.reading.qualifiers))
                found.extend(self._candidate(figure, extra, result.period, result.inherited))
        return found

    def _candidate(self, figure: Figure, reading: Reading, period: str | None, inherited: bool) -> list[Candidate]:
        if period is None:
            return []
        unit = figure.unit
        if "average_days" in reading.qualifiers and unit is Unit.COUNT:
            unit = Unit.DAYS
        reading = replace(reading, money=unit is Unit.GBP)
        resolved = resolve(reading)
        if resolved is None:
            return []
        measure, category = resolved
        if not unit_allowed(measure, unit):
            return []
        stage = reading.stage if measure in STAGED_MEASURES else None
        if stage is None and measure in {Measure.COMPLAINTS_BY_RESPONSE_TIME, Measure.COMPLAINTS_IN_TIMESCALE}:
            stage = self._timescale_stage(category)
        return [
            Candidate(
                period=period, measure=measure, stage=stage, category=category,
                category_raw=reading.label if (category is not None or reading.label_dim) else None,
                value=figure.value, unit=unit, quote=self._quote(figure), method=self.method,
                block=self.block.index, page=self.block.page, line=self.block.line,
                confidence=0.75 if inherited else 0.8, rule="prose:compared" if inherited else "prose",
            )
        ]

    def _timescale_stage(self, category: str | None) -> Stage | None:
        """Within 10 or 20 working days is the stage 1 timescale; 25 or 65, stage 2's.

        The timescale may be named in the sentence or earlier in the same section
        ('responded to 34 within the statutory timescales (20 working days)' ... '65% of
        cases answered in time')."""
        if category in {"within_10_days", "within_20_days"}:
            return Stage.STAGE1
        for text in (self.text, self.section_text):
            stages = {stage for pattern, stage in TIMESCALE_STAGE if pattern.search(text)}
            if len(stages) == 1:
                return stages.pop()
            if stages:
                return None
        return None

    def _quote(self, figure: Figure) -> str:
        text = self.text.strip()
        if len(text) <= QUOTE_CHARS:
            return text
        start = max(0, figure.start - QUOTE_CHARS // 2)
        return ("…" if start else "") + text[start:start + QUOTE_CHARS].strip() + "…"


def _number_value(text: str) -> float | None:
    lowered = text.lower()
    if lowered in NUMBER_WORDS:
        return float(NUMBER_WORDS[lowered])
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", text):
        return to_number(text)
    return None
