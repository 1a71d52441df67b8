"""What surrounds a block: its heading or caption, the sentence that introduces a list,
and the document's council and period. Finders read a figure's meaning partly from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.lexicon import LabelInfo, Lexicon
from normalise.periods import start_year
from schemas import Document, Heading, ListItem, Paragraph, Stage, Table


@dataclass
class BlockContext:
    document_period: str | None
    heading: str | None = None  # the nearest heading above the block
    heading_info: LabelInfo | None = None
    intro: str | None = None  # for a list item: the text that introduces the list
    intro_info: LabelInfo | None = None
    trail: list[str] = field(default_factory=list)  # the last few headings, nearest last

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


def block_contexts(doc: Document, lexicon: Lexicon, document_period: str | None) -> dict[int, BlockContext]:
    """The context of every block, keyed by block index."""
    contexts: dict[int, BlockContext] = {}
    trail: list[str] = []
    intro: str | None = None
    previous = None
    for block in doc.blocks:
        if isinstance(block, Heading):
            trail = (trail + [block.text])[-3:]
        if isinstance(block, ListItem):
            if not isinstance(previous, ListItem):
                intro = previous.text if isinstance(previous, (Paragraph, Heading)) else None
        heading = trail[-1] if trail and not isinstance(block, Heading) else (trail[-2] if len(trail) > 1 else None)
        block_trail = list(trail)
        if isinstance(block, Table) and block.caption:
            # a reader that found the table's caption (above or below it) gives it as the nearest heading
            heading, block_trail = block.caption, (trail + [block.caption])[-3:]
            trail = block_trail  # and, as a caption printed as a line of its own did, heads what follows
        ctx = BlockContext(document_period=document_period, heading=heading, trail=block_trail)
        if heading:
            ctx.heading_info = lexicon.label(heading)
        if isinstance(block, ListItem) and intro:
            ctx.intro = intro
            ctx.intro_info = lexicon.label(intro)
        contexts[block.index] = ctx
        previous = block
    return contexts
