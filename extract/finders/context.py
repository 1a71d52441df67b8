"""What surrounds a block: its heading or caption, the sentence that introduces a list,
and the document's council and period. Finders read a figure's meaning partly from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.finders.scope import Scope, document_scope, text_scope
from extract.lexicon import LabelInfo, Lexicon
from schemas.periods import start_year
from schemas import Candidate, Chart, Document, Heading, ListItem, Paragraph, Stage, Table

#: A heading that names a table or figure: it heads the table after it, not the section.
CAPTION_RE = re.compile(r"^\W*(?:table|figure|chart|graph)\s*\d+", re.IGNORECASE)


@dataclass
class BlockContext:
    document_period: str | None
    heading: str | None = None  # the nearest heading above the block
    heading_info: LabelInfo | None = None
    intro: str | None = None  # for a list item: the text that introduces the list
    intro_info: LabelInfo | None = None
    trail: list[str] = field(default_factory=list)  # the last few headings, nearest last
    levels: list[int] = field(default_factory=list)  # their levels (1 = top); a caption is below its heading
    scope: Scope = field(default_factory=lambda: Scope(None, "document"))  # what the section is about
    document_scope: Scope = field(default_factory=lambda: Scope(None, "document"))  # what the report is about

    @property
    def stage(self) -> Stage | None:
        for info in (self.intro_info, self.heading_info):
            if info is not None and info.stage is not None:
                return info.stage
        return None

    @property
    def forward_looking(self) -> bool:
        """Under a heading about next year's plans ('Priorities for 2025/26'): aims, not figures."""
        return self.heading_info is not None and "forward_looking" in self.heading_info.qualifiers

    @property
    def period(self) -> str | None:
        """The heading's year when it names one no later than the report's; else the report's."""
        for info in (self.intro_info, self.heading_info):
            if info is not None and info.period is not None:
                if self.document_period is None or start_year(info.period) <= start_year(self.document_period):
                    return info.period
        return self.document_period

    @property
    def bases(self) -> list[str]:
        found: list[str] = []
        for info in (self.intro_info, self.heading_info):
            if info is not None:
                found.extend(b for b in info.bases if b not in found)
        return found


def section_scope(ctx: BlockContext, lexicon: Lexicon, document: Scope) -> Scope:
    """What a block's section is about: its list's introduction, else the nearest heading (or
    caption) that names a service, else the document."""
    if ctx.intro and (name := text_scope(ctx.intro, lexicon, document.name)) is not None:
        return Scope(name, "list")
    rank = 7  # a heading further back speaks for this block only if it is above the nearer ones
    for heading, level in zip(reversed(ctx.trail), reversed(ctx.levels or [1] * len(ctx.trail))):
        if level >= rank:
            continue
        if (name := text_scope(heading, lexicon, document.name)) is not None:
            return Scope(name, "heading")
        rank = level
    return document


class Contexts(dict[int, BlockContext]):
    """The context of every block, keyed by block index, and what earlier finders found
    (the finders run in a stated order; a later one may read the earlier ones' candidates)."""

    def __init__(self, document_scope: Scope | None = None) -> None:
        super().__init__()
        self.earlier: list[Candidate] = []
        self.document_scope = document_scope or Scope(None, "document")


def block_contexts(doc: Document, lexicon: Lexicon, document_period: str | None) -> Contexts:
    """The context of every block, keyed by block index."""
    contexts = Contexts(document_scope(doc, lexicon))
    trail: list[str] = []
    levels: list[int] = []
    intro: str | None = None
    previous = None
    for block in doc.blocks:
        if isinstance(block, Heading):
            trail, levels = (trail + [block.text])[-3:], (levels + [block.level])[-3:]
        if isinstance(block, ListItem):
            if not isinstance(previous, ListItem):
                intro = previous.text if isinstance(previous, (Paragraph, Heading)) else None
        elif isinstance(block, Table):
            # a list read as a table (label and figure) keeps the sentence introducing it
            # ('Remedies agreed after stage 1 complaints:'); a wider table has its own headers
            listed = all(sum(1 for c in row if c.text) <= 2 for row in block.rows)
            introduced = isinstance(previous, Paragraph) and previous.text.rstrip().endswith(":")
            intro = previous.text if listed and introduced else None
        heading = trail[-1] if trail and not isinstance(block, Heading) else (trail[-2] if len(trail) > 1 else None)
        block_trail, block_levels = list(trail), list(levels)
        if isinstance(block, Table) and block.caption:
            # a reader that found the table's caption (above or below it) gives it as the nearest heading
            heading, block_trail = block.caption, (trail + [block.caption])[-3:]
            block_levels = (levels + [7])[-3:]
        if isinstance(block, (Table, Chart)) and trail and CAPTION_RE.match(trail[-1]):
            # 'Table 2: Stage 1 response times' heads its table, not the paragraphs after the table
            # (its place is kept, empty, so the headings above it stay where they were)
            trail = trail[:-1] + [""]
        ctx = BlockContext(document_period=document_period, heading=heading, trail=block_trail, levels=block_levels)
        if heading:
            ctx.heading_info = lexicon.label(heading)
        if isinstance(block, (ListItem, Table)) and intro:
            ctx.intro = intro
            ctx.intro_info = lexicon.label(intro)
        ctx.scope = section_scope(ctx, lexicon, contexts.document_scope)
        ctx.document_scope = contexts.document_scope
        contexts[block.index] = ctx
        previous = block
    return contexts
