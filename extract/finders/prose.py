"""Sentences and list items -> candidate facts.

Each paragraph and list item is split into sentences (sentences.py), the figures in a
sentence found, the frames that match it applied (frames.yaml, frames.py), and what each
figure counts read by proximity where no frame says (meaning.py, labels.py). The reading is
turned into a measure by the decision table (measures.yaml). A number whose meaning cannot
be established makes no candidate.
"""

from __future__ import annotations

import re
from dataclasses import replace

from extract.finders.context import Contexts
from extract.finders.labels import free_label_item, service_patterns
from extract.finders.scope import is_scope_name, sentence_scope
from extract.finders.sentence_reader import SentenceReader
from extract.finders.sentences import Sentence, nlp_and_matcher
from extract.lexicon import Lexicon
from schemas import LABELLED_MEASURES, Candidate, Document, Heading, ListItem, Method, Paragraph

SERVICE_MEASURES = frozenset(m for m, kind in LABELLED_MEASURES.items() if kind == "service")


def find(doc: Document, contexts: Contexts, lexicon: Lexicon) -> list[Candidate]:
    """Figures in paragraphs and list items. The document's own names for its services (from
    the tables and charts read before) mark a sentence naming one as about that service."""
    nlp, _ = nlp_and_matcher()
    # in a report of several services, 'Children's Social Care' is the service the report is
    # about; in a children's report, 'Adult Social Care' may be a directorate its complaints went to
    labels = [label for label in service_labels(contexts.earlier)
              if contexts.document_scope.is_children or not is_scope_name(label, lexicon)]
    patterns = service_patterns(labels)
    sections = _section_texts(doc)
    found: list[Candidate] = []
    for block in doc.blocks:
        if not isinstance(block, (Paragraph, ListItem)):
            continue
        ctx = contexts[block.index]
        method = Method.LIST if isinstance(block, ListItem) else Method.TEXT
        if isinstance(block, ListItem):
            labelled = free_label_item(block, ctx, lexicon)
            if labelled is not None:
                found.extend(labelled)
                continue
        spans = list(nlp(block.text).sents)
        if len(spans) > 1 and _is_run_in_heading(spans[0].text):
            # '**Stage 2.** Twenty investigations concluded ...': the lead words head the paragraph
            ctx = replace(ctx, intro=spans[0].text, intro_info=lexicon.label(spans[0].text))
            spans = spans[1:]
        carried, paragraph_scope = None, None
        for span in spans:
            sentence = Sentence(span, block, ctx, lexicon, method, block_start=span.start_char == 0,
                                section_text=sections.get(block.index, ""))
            sentence.services = sorted({(m.start(), m.end(), m.group(0)) for p in patterns
                                        for m in p.finditer(sentence.text) if m.group(0)[:1].isupper()})
            reader = SentenceReader(sentence, carried, paragraph_scope)
            found.extend(reader.run())
            carried = reader.last_reading or carried
            paragraph_scope = sentence_scope(sentence) or paragraph_scope
    return found


def service_labels(candidates: list[Candidate]) -> list[str]:
    """The service names a document prints in its tables and charts ('Children in Care Teams')."""
    return sorted({c.category_raw.split(" > ")[-1] for c in candidates if c.measure in SERVICE_MEASURES and c.category_raw})


def _is_run_in_heading(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 5 and bool(re.search(r"[.:]\s*$", text)) and not re.search(r"\d{2,}", text)


def _section_texts(doc: Document) -> dict[int, str]:
    """The running text of each block's section (the paragraphs under its heading)."""
    sections: dict[int, str] = {}
    current: list[int] = []
    texts: list[str] = []
    for block in doc.blocks + [Heading(index=len(doc.blocks), text="")]:
        if isinstance(block, Heading):
            section = " ".join(texts)  # one string shared by the section's blocks (a long report may have no headings)
            for index in current:
                sections[index] = section
            current, texts = [], []
        elif isinstance(block, (Paragraph, ListItem)):
            current.append(block.index)
            texts.append(block.text)
    return sections


