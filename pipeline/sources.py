"""The known addresses of reports (corpus/sources.csv) where they meet the council registry:
importing a list of addresses, and choosing a council's.

`corpus.sources` keeps the list and knows nothing of councils; here names are resolved (a
children's trust listed as 'Reading (Brighter Futures for Children)' is Reading's), so
that every row of the corpus's list names a council the registry knows.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.sources import KINDS, SourceRow, load_sources, note_address, split_period, split_publisher, write_sources
from normalise.councils import Council, CouncilRegistry, load_registry
from schemas.errors import SourcesError, UnknownCouncilError

#: The columns of a list of addresses to import (the shared list's).
LIST_COLUMNS = ("council", "period", "url", "kind", "what_it_is")


@dataclass
class Imported:
    added: list[SourceRow] = field(default_factory=list)
    known: list[SourceRow] = field(default_factory=list)  # already in the list: kept as they are


def resolve_listed_council(name: str, period: str | None, registry: CouncilRegistry) -> tuple[Council, str | None]:
    """The council a listed name means, and the name as listed when it is a publisher's
    ('Slough (Slough Children First)' -> Slough, the whole name)."""
    for candidate, named_as in ((name.strip(), None), split_publisher(name)):
        council = registry.lookup(candidate, period)
        if council is not None:
            return council, named_as
    raise UnknownCouncilError(f"no English council is called {name!r} (nor {split_publisher(name)[0]!r})")


def import_sources(list_path: Path, sources_file: Path, listed_by: str,
                   registry: CouncilRegistry | None = None) -> Imported:
    """Merge a CSV list of addresses (council, period, url, kind, what_it_is) into a sources
    file: new addresses are added with the council's registry name, the year when the list gives
    a plain one (else the list's words in period_note); known addresses are left as they are."""
    registry = registry or load_registry()
    rows = load_sources(sources_file)
    result = Imported()
    with open(list_path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in LIST_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise SourcesError(f"{Path(list_path).name}: needs the columns {', '.join(LIST_COLUMNS)} "
                               f"(missing {', '.join(missing)})")
        for line, raw in enumerate(reader, start=2):
            url = (raw["url"] or "").strip()
            if not url:
                raise SourcesError(f"{Path(list_path).name}: line {line}: no url")
            if any(row.url == url for row in rows):
                result.known.append(next(row for row in rows if row.url == url))
                continue
            period, note = split_period(raw["period"])
            try:
                council, named_as = resolve_listed_council(raw["council"] or "", period, registry)
            except UnknownCouncilError as exc:
                raise SourcesError(f"{Path(list_path).name}: line {line}: {exc}") from exc
            kind = (raw["kind"] or "").strip() or None
            if kind is not None and kind not in KINDS:
                raise SourcesError(f"{Path(list_path).name}: line {line}: kind {kind!r} is not one of {', '.join(KINDS)}")
            row = note_address(rows, url, council=council.name, period=period, kind=kind, listed_by=listed_by,
                               what_it_is=(raw["what_it_is"] or "").strip() or None)
            position = rows.index(row)
            rows[position] = row.model_copy(update={"named_as": named_as, "period_note": note})
            result.added.append(rows[position])
    write_sources(rows, sources_file)
    return result


def council_selector(name: str, registry: CouncilRegistry | None = None) -> Callable[[SourceRow], bool]:
    """A test for the sources of one council (a name or ONS code; its other codes count too:
    the DfE LA number is the council, as in benchmarking)."""
    registry = registry or load_registry()
    wanted = registry.resolve(name)
    numbers = {wanted.dfe_number} if wanted.dfe_number else set()

    def select(source: SourceRow) -> bool:
        council = registry.lookup(source.council or "", source.period) if source.council else None
        return council is not None and (council.code == wanted.code or council.dfe_number in numbers)

    return select
