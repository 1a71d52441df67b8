"""Services, themes and remedies named in prose and lists: the label a figure is counted under.

'The most frequent issues raised were poor communication (37 complaints), disagreement
with a decision (29)', 'Remedies included 41 apologies', 'The Children in Care service
received 54 complaints, the Pathway team 28', '1 Early Help' under 'the following service
areas:'. A label that names a counted thing ('4 complaints') is a count, not a label.
"""

from __future__ import annotations

import re

from extract.finders.context import BlockContext
from extract.finders.reading import Reading, resolve, unit_allowed
from extract.finders.sentences import Figure, Sentence
from extract.finders.values import NUMBER_WORDS, to_number
from extract.lexicon import Lexicon
from extract.settings import SETTINGS
from schemas import STAGED_MEASURES, Candidate, ListItem, Method, Unit

FREE_DIMENSIONS = frozenset({"service", "theme", "remedy"})
# list items: '1 Early Help', '36% were to provide an apology', 'Communication - 12', 'an apology (58)'
FREE_LIST_ITEM_RE = re.compile(
    r"^\s*(?P<num>\d[\d,]*(?:\.\d+)?\s*%?)\s*(?:(?:were|was|are|is)\s+(?:to\s+)?|x\s+|[-–:]\s*)?(?P<label>[A-Za-z].*?)\s*\.?\s*$"
)
# ('Annual Report 2019-20' is a year, not a label and a count: a dash between figures is no separator)
LABEL_FIRST_ITEM_RE = re.compile(
    r"^\s*(?P<label>[A-Za-z][^:\-–]*?)(?:\s*:\s*|\s+[-–]\s*|(?<!\d)[-–]\s*)(?P<num>\d[\d,]*(?:\.\d+)?\s*%?)\s*\.?\s*$")
LABEL_BRACKET_ITEM_RE = re.compile(
    r"^\s*(?P<label>[A-Za-z][^()]*?)\s*\(\s*(?P<num>\d[\d,]*(?:\.\d+)?\s*%?)\s*\)\s*(?:[,.;]|\band\b|\bor\b)?\s*$")
PRONOUN_LABEL_RE = re.compile(r"^(?:were|was|are|is|had|has|have|been|of|in|for|to|at|and|or|the)\b", re.IGNORECASE)


def free_label_item(block: ListItem, ctx: BlockContext, lexicon: Lexicon) -> list[Candidate] | None:
    """A list item under an introduction that names a breakdown: '1 Early Help' under 'the
    following service areas:'. None when the item is not such a label and number."""
    intro = ctx.intro_info
    if intro is None:
        return None
    dimension = intro.dimension if intro.dimension in FREE_DIMENSIONS else None
    if "remedies" in intro.bases:
        dimension = "remedy"
    if dimension is None:
        return None
    match = (FREE_LIST_ITEM_RE.match(block.text) or LABEL_FIRST_ITEM_RE.match(block.text)
             or LABEL_BRACKET_ITEM_RE.match(block.text))
    if not match:
        return None
    label = re.sub(r"^(?:an?|the)\s+", "", match.group("label").strip(" .;:"), flags=re.IGNORECASE)
    counted = set(lexicon.bases_in(label)) & lexicon.words("counted_bases")
    if not label or PRONOUN_LABEL_RE.match(label) or counted and dimension != "remedy":
        return None  # '4 complaints (...)' counts complaints; it is not a label
    number = match.group("num").replace(" ", "")
    unit = Unit.PERCENT if number.endswith("%") else Unit.COUNT
    reading = Reading(base="remedies" if dimension == "remedy" else (intro.base or "complaints"),
                      stage=intro.stage, label_dim=dimension, label=label, qualifiers=intro.qualifiers & {"upheld"})
    resolved = resolve(reading)
    if resolved is None:
        return []
    measure, category = resolved
    if not unit_allowed(measure, unit) or ctx.period is None:
        return []
    return [Candidate(
        period=ctx.period, measure=measure, stage=reading.stage if measure in STAGED_MEASURES else None,
        category=category, category_raw=label, value=to_number(number.rstrip("%")), unit=unit, quote=block.text,
        method=Method.LIST, block=block.index, page=block.page, line=block.line, confidence=SETTINGS.confidence["list"],
        rule="list:labelled", evidence=("frame:labelled_list_item",), scope=ctx.scope.name, scope_where=ctx.scope.where,
    )]


def service_patterns(labels) -> list[re.Pattern[str]]:
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


def listed_label(s: Sentence, figure: Figure, left_start: int) -> tuple[str, str] | None:
    """A bracketed count after a phrase, in a sentence about themes, services or remedies,
    counts that phrase: 'issues raised were poor communication (37 complaints)'; so does a
    count after a phrase in a list opened by a colon: 'subjects of complaint were: quality of
    service 52; communication 41'."""
    bracketed = re.search(r"\(\s*$", s.text[:figure.start]) is not None
    listed = (not bracketed and ":" in s.text[:figure.start]
              and re.match(r"\s*(?:[;,.]|and\b|$)", s.text[figure.span_end:]) is not None
              and re.search(r"[A-Za-z]\s+$", s.text[:figure.start]) is not None)
    if not (bracketed or listed):
        return None
    before = s.text[left_start:figure.start].rstrip(" (")
    phrase = s.lexicon.marker("list_item_split").split(before)[-1].strip(" )")
    phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.IGNORECASE)
    if s.lexicon.marker("change_phrase").search(phrase):
        return None  # 'an increase of four (3.03%)': a change, not a label
    phrase_start = figure.start - len(s.text[left_start:figure.start]) + before.rfind(phrase)
    if not 1 <= len(phrase.split()) <= SETTINGS.max_label_words or any(
        c.kind in {"base", "category"} and c.start >= phrase_start and c.end <= figure.start for c in s.cues
    ):
        return None
    # what the list is of is said before its first bracketed count ('... issues raised were'), or its colon
    first_item = re.search(r"\(\s*\d", s.text[:phrase_start]) if bracketed else None
    opening = s.text[:first_item.start()] if first_item else (
        s.text[:phrase_start] if bracketed else s.text[:s.text.index(":")])
    dimension = s.lexicon.dimension_of(opening)
    if dimension not in FREE_DIMENSIONS:
        return None
    return dimension, phrase


def remedy_after(s: Sentence, figure: Figure) -> tuple[str, str] | None:
    """'Remedies ... included 41 apologies, 9 changes to practice and 4 financial payments':
    in a sentence about remedies, the words after a count name the remedy."""
    if figure.unit is not Unit.COUNT or "remedies" not in s.lexicon.bases_in(s.subject()):
        return None
    split = r"[,;.()]|\s+and\s+(?=\d|(?:%s)\b)" % "|".join(NUMBER_WORDS)
    phrase = re.split(split, s.text[figure.end:], maxsplit=1)[0].strip()
    counted = s.lexicon.words("counted_bases") - {"remedies"}
    if not 1 <= len(phrase.split()) <= SETTINGS.max_remedy_words or set(s.lexicon.bases_in(phrase)) & counted:
        return None
    return "remedy", phrase


def services_for(s: Sentence, figure: Figure) -> list[tuple[int, int, str]]:
    """The services (the document's own names) a figure is about: the nearest name, or names
    joined by 'and', before it."""
    before = [service for service in s.services if service[1] <= figure.start]
    if not before:
        return []
    cluster = [before[-1]]
    for service in reversed(before[:-1]):
        if re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*", s.text[service[1]:cluster[0][0]]):
            cluster.insert(0, service)
        else:
            break
    return cluster


def named_before(s: Sentence, figure: Figure, left_start: int) -> list[tuple[int, int, str]]:
    """'The Children in Care service received 54 complaints, the Pathway (leaving care) team 28,
    Early Help 23': a service named in capitals right before its number, in a list of them."""
    if figure.unit is not Unit.COUNT:
        return []
    joiners = s.lexicon.words("service_name_joiners")
    left = s.lexicon.marker("most_received").sub("", s.text[left_start:figure.start])
    cut = max(_unmatched_close(left), left.rfind(","), left.rfind(";"))
    words = s.lexicon.marker("service_trailing_words").sub("", left[cut + 1:].rstrip(" (")).split()
    run: list[str] = []
    for word in reversed(words):
        if word[:1].isupper() or word.lower() in joiners or (run and word.startswith("(")) \
                or re.fullmatch(r"\([A-Z][\w'’-]*\)", word):  # 'Family Help (North)'
            run.insert(0, word)
        elif word.endswith(")") and "(" not in word:  # the end of '(leaving care)'
            run.insert(0, word)
        else:
            break
    while run and run[0].lower() in joiners:
        run.pop(0)
    name = " ".join(run).strip(" (")
    if not name or not name[:1].isupper() or len(run) > SETTINGS.max_service_words or re.match(r"^\d", name):
        return []
    if not s.lexicon.looks_like_service(name) or set(s.lexicon.bases_in(name)) & s.lexicon.words("counted_bases"):
        return []
    if s.lexicon.scopes_in(name):
        return []  # 'Children's Services received 11 Stage 1 complaints': the service area, not one of its teams
    start = s.text.find(name, left_start)
    return [(start, start + len(name), name)]


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


def subject_is_upheld(s: Sentence) -> bool:
    """Whether the words before the sentence's first number are about upheld complaints."""
    subject = s.subject()
    return s.lexicon.has("combined_outcome", subject) or s.lexicon.has("upheld", subject)


def about_services(s: Sentence, reading: Reading, figure: Figure, services: list[tuple[int, int, str]]) -> bool:
    """Turn a reading about named services into a by-service reading; False if it fits no measure."""
    counted_bases = s.lexicon.words("counted_bases")
    if reading.base == "compliments" and re.match(r"\s*\)?\s*(?:compliments?\b|$|,|\band\b|\.)", s.text[figure.end:]):
        reading.label_dim, reading.label = "service", services[0][2]  # 'Fostering received 42 compliments'
        return True
    named_after = s.lexicon.bases_in(s.text[figure.end:figure.end + 40])
    if reading.base in s.lexicon.bases_in(services[-1][2]) or (
            reading.base not in counted_bases | {None} and reading.base not in named_after):
        # 'highest in Children in Care (28) and Assessment (24)': a service's name, or the one
        # before it, is not what the number counts
        counted = [c.value for c in s.cues if c.kind == "base" and c.value in counted_bases and c.end <= figure.start]
        reading.base = counted[-1] if counted else None
    if reading.base not in (None, "complaints"):
        return True  # 'Family Support received a total of 9,994 contacts': context, not a breakdown
    if re.fullmatch(r"\s*\(\s*", s.text[services[-1][1]:figure.start]) is not None:
        # 'the Children with Disabilities Teams (6)': the team's count of complaints
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
