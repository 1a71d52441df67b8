"""Which part of the council a figure is about: only children's social care figures are facts.

Council-wide reports and committee minutes put children's social care beside adults',
corporate, housing or public health complaints, sometimes in one paragraph ("In relation to
Adults and Public Health there were 53 stage 1 complaints ..."). A figure's scope is the
nearest service area the text names (lexicon.yaml `scopes:`): in its own words, earlier in
its clause or sentence, in an earlier sentence of its paragraph, in a list's introduction,
a table's caption or row, the section heading, and last the document's title. A figure whose
nearest scope is another service, or names several, or none in a document that covers
several, is set aside with the reason, never published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.lexicon import Cue, Lexicon
from schemas import Document

CHILDREN = "children"
SEVERAL = "several"
STATUTORY = "statutory procedure"
SUBJECT_WORDS = 3  # a service named this close before a figure is its subject  # children's in a children's report; in a report of several, neither
TITLE_CHARS = 600  # the title and first lines of a report, which say what it covers
MAX_TITLE_CHARS = 200
TITLE_WORDS_RE = re.compile(r"\b(?:reports?|complaints|representations|compliments)\b", re.IGNORECASE)
# 'Home > Council and democracy > Complaints': a web page's trail of links, not its title
BREADCRUMB_RE = re.compile(r"\S\s+[>›»]\s+\S")
INTRO_CHARS = 2000  # when the title names no service: the opening of the report


@dataclass(frozen=True)
class Scope:
    """What a figure is about: `children`, another service's name, `several`, or None (not said)."""

    name: str | None
    where: str  # 'words', 'clause', 'sentence', 'paragraph', 'list', 'heading', 'document'

    @property
    def is_children(self) -> bool:
        return self.name == CHILDREN

    def evidence(self) -> str:
        return f"scope:{self.where}"

    def reason(self) -> str:
        """Why a figure of this scope is set aside."""
        if self.name == SEVERAL:
            where = "its own words name" if self.where == "words" else f"the {self.where} names"
            return f"{where} children's social care and other services together"
        if self.name is None:
            return "the text does not tie it to children's social care (the report covers several services)"
        return f"about {self.name}, not children's social care ({self.where})"


def resolved(cues: list[Cue], document: str | None) -> list[Cue]:
    """Scope cues with 'statutory' read as the report's own procedure when the report is about
    children's social care, and dropped otherwise."""
    return [c if c.value != STATUTORY else Cue(c.start, c.end, c.kind, CHILDREN, c.text)
            for c in cues if c.value != STATUTORY or document == CHILDREN]


def is_scope_name(label: str, lexicon: Lexicon) -> bool:
    """A label that is a service area's own name ('Children's Social Care', 'Adult social
    care', 'Housing'), not a team within one ('Disabled Children's Service')."""
    text = label.strip(" :*")
    return any(c.start <= 2 and len(text) - c.end <= 2 for c in lexicon.scopes_in(text))


def scope_named(cues: list[Cue]) -> str | None:
    """The one service area a run of scope cues names; `several` for more than one; None for none."""
    names = {c.value for c in cues}
    if not names:
        return None
    return names.pop() if len(names) == 1 else SEVERAL


def text_scope(text: str, lexicon: Lexicon, document: str | None = None) -> str | None:
    return scope_named(resolved(lexicon.scopes_in(text), document))


def document_scope(doc: Document, lexicon: Lexicon) -> Scope:
    """What the whole report covers: what its title names ('Children's Social Care Complaints
    Annual Report', 'Annual Social Care, Public Health and Corporate Complaints Report'), else
    what its first lines name, else its opening; None when it names no service at all."""
    title = next((line for line in doc.text[:TITLE_CHARS].splitlines()
                  if len(line) <= MAX_TITLE_CHARS and TITLE_WORDS_RE.search(line)
                  and not BREADCRUMB_RE.search(line)), "")
    for text in (title, doc.text[:TITLE_CHARS], doc.text[:INTRO_CHARS]):
        name = text_scope(text, lexicon)
        if name is not None:
            return Scope(name, "document")
    return Scope(None, "document")


def nearest(cues: list[Cue], before: int) -> Cue | None:
    """The scope cue ending nearest before a position."""
    earlier = [c for c in cues if c.end <= before]
    return max(earlier, key=lambda c: c.end) if earlier else None


def figure_scope(s, figure, w, paragraph: Scope | None) -> Scope:
    """A sentence figure's scope: the service its own words name ('53 complaints about adult
    social care'), else the nearest one before it in its sentence ('In relation to Adults ...
    there were 53'), else the one an earlier sentence of its paragraph named, else its
    section's. A service the document prints as one of its own teams is not a scope."""
    cues = _sentence_cues(s)
    # a service named just before the next figure is that figure's subject, not this one's:
    # 'Adult social care received 148 complaints and children's social care 96'
    own = [c for c in cues if w.fig_end <= c.start < w.right_clause and not _next_subject(s, c, w)]
    if own:
        return Scope(scope_named(own), "words")
    before = nearest(cues, figure.start)
    if before is not None:
        return Scope(before.value, "sentence")
    return paragraph or s.ctx.scope


def _next_subject(s, cue: Cue, w) -> bool:
    """A service named just before the next figure, in the same clause, is its subject."""
    between = s.text[cue.end:w.right_end]
    return (w.right_end < len(s.text) and len(between.split()) <= SUBJECT_WORDS
            and not s.lexicon.marker("clause_break").search(between))


def sentence_scope(s) -> Scope | None:
    """The service a sentence names last: what the sentences after it in its paragraph are about."""
    cues = _sentence_cues(s)
    if len({c.value for c in cues}) > 1:
        return None  # '... under the children's procedure or the Council's corporate one': neither carries on
    return Scope(cues[-1].value, "paragraph") if cues else None


def _sentence_cues(s) -> list[Cue]:
    cues = [c for c in s.lexicon.scopes_in(s.text) if not any(start <= c.start < end for start, end, _ in s.services)]
    return resolved(cues, s.ctx.document_scope.name)
