"""Sentence frames (frames.yaml): constructions that change how a figure is read.

A frame is a spaCy `Matcher` token pattern with roles ('figure', 'year', 'stage', 'marker')
and what it means (`then:`): read the figure as the one before it ('(2021/22: 371)'), take
its year from the pattern, its stage from 'progressed to Stage 2', and so on. Frames are
applied in the file's order; for each figure the first frame to set an action wins. What no
frame says is read by proximity (sentence_reader.py). A new construction is a frame plus
its examples, which tests/test_frames.py reads as tests.

Tokens carry three attributes for the patterns: `_.figure` (the first token of a figure),
`_.in_figure` (any token of a figure or its paired percentage) and `_.period` (a token of
a year such as '2021/22' or 'April 2021 to March 2022').
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from spacy.matcher import Matcher
from spacy.tokens import Token

from extract.finders.sentences import Figure, Sentence, nlp_and_matcher
from schemas import Stage
from schemas.errors import LexiconError
from schemas.periods import parse_period

FRAMES_PATH = Path(__file__).resolve().parent.parent / "frames.yaml"
ROLES = ("figure", "other_figure", "year", "stage", "marker")
CONTEXTS = ("bracket_convention",)

for _name in ("figure", "in_figure", "period"):
    if not Token.has_extension(_name):
        Token.set_extension(_name, default=False)


class Then(BaseModel):
    """What a frame means for the figure it matches. Each key is one action."""

    model_config = ConfigDict(extra="forbid")

    reading: str | None = Field(None, pattern="^(previous_fact|previous_figure)$",
                                description="read the figure as the figure before it (or the last one that made a fact)")
    period: str | None = Field(
        None, pattern="^(year|bracket_convention|year_before_compared|previous_year|same_as_previous|later_year)$",
        description="its year: the `year` role, the section's bracket convention, the year before the figure it is "
                    "compared with, the year before (when its own words name none), the year of the figure before it, "
                    "or the first year named after it in the sentence")
    part: bool = Field(False, description="a part of a total named before it ('of which 1', 'the remaining 58'): no "
                                          "volume of its own, only a breakdown (outcome, service) or a narrower scope")
    compare: bool = Field(False, description="it is compared with the figure before it: it counts the same thing")
    stage: str | None = Field(None, pattern="^stage$", description="its stage is the one the `stage` role names")
    also_period: str | None = Field(None, pattern="^year$", description="the same figure also holds for the `year` role")
    also_outcome: bool = Field(False, description="'N complaints ... with an outcome of X': also a count of outcome X")
    own_words_end: str | None = Field(None, pattern="^marker$",
                                      description="the figure's own words end where the `marker` role begins")
    carry: bool = Field(False, description="the sentence goes on counting what the sentence before counted")
    not_a_value: str | None = Field(None, description="the number is not a figure; the reason")


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    year: str
    heading: str | None = None
    facts: list[dict] = Field(default_factory=list)
    not_facts: list[dict] = Field(default_factory=list, alias="not")


class Frame(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str
    what: str
    patterns: list[list[dict]]
    then: Then
    requires: list[str] = Field(default_factory=list)
    at_sentence_start: bool = False
    examples: list[Example] = Field(min_length=2)

    @field_validator("requires")
    @classmethod
    def _known_requirements(cls, value: list[str]) -> list[str]:
        for item in value:
            if item not in ("previous_figure",) + CONTEXTS:
                raise ValueError(f"unknown requirement {item!r}")
        return value

    @field_validator("patterns")
    @classmethod
    def _roles(cls, value: list[list[dict]]) -> list[list[dict]]:
        for pattern in value:
            for role in (token.get("role") for token in pattern if token.get("role")):
                if role not in ROLES:
                    raise ValueError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
        return value

    @model_validator(mode="after")
    def _one_figure(self) -> "Frame":
        """A frame about a figure marks it; a frame about the sentence (`carry`) marks none."""
        wanted = 0 if self.then.carry else 1
        for number, pattern in enumerate(self.patterns, start=1):
            if sum(1 for token in pattern if token.get("role") == "figure") != wanted:
                raise ValueError(f"pattern {number} needs {wanted} token(s) with role 'figure'")
        return self


@dataclass
class Effects:
    """What the frames say of one figure (None or False: nothing)."""

    frames: list[str] = field(default_factory=list)
    reading: str | None = None
    period: str | None = None
    year: str | None = None  # the period the `year` role names
    year_span: tuple[int, int] | None = None  # where that year is printed
    compare_from: int | None = None  # where the comparison's words begin
    stage: Stage | None = None
    also_periods: list[str] = field(default_factory=list)
    outcome_from: int | None = None
    own_words_end: int | None = None
    not_a_value: str | None = None
    part: bool = False


class FrameEngine:
    def __init__(self, frames: list[Frame]):
        self.frames = frames
        nlp, _ = nlp_and_matcher()
        self.matcher = Matcher(nlp.vocab)
        self.keys: dict[str, tuple[int, list[str | None]]] = {}  # matcher key -> (frame index, role per token)
        for order, frame in enumerate(frames):
            for number, pattern in enumerate(frame.patterns):
                key = f"{frame.name}#{number}"
                try:
                    self.matcher.add(key, [[{k: v for k, v in t.items() if k != "role"} for t in pattern]])
                except Exception as exc:  # spaCy names the bad token attribute
                    raise LexiconError(f"{FRAMES_PATH.name}: frame {frame.name!r}: bad pattern {number + 1}: {exc}") from exc
                self.keys[key] = (order, [t.get("role") for t in pattern])

    def apply(self, sentence: Sentence, figures: list[Figure], context: set[str]) -> tuple[dict[int, Effects], bool]:
        """Effects by figure index, and whether the sentence carries on from the one before."""
        doc = sentence.doc
        by_start = {f.start: i for i, f in enumerate(figures)}
        for token in doc:
            token._.figure = token.idx in by_start
            token._.in_figure = any(f.start <= token.idx < f.span_end for f in figures)
            token._.period = any(m.start <= token.idx < m.end for m in sentence.periods)
        effects: dict[int, Effects] = {}
        carry = False
        first_word = next((t.i for t in doc if not t.is_punct and not t.is_space), 0)
        strings = self.matcher.vocab.strings
        matches = sorted(((self.keys[strings[m]], s, e, a) for m, s, e, a in self.matcher(doc, with_alignments=True)),
                         key=lambda m: (m[0][0], m[1], m[2]))  # the nearest (shortest) match first
        for (order, pattern_roles), start, end, alignment in matches:
            frame = self.frames[order]
            if frame.at_sentence_start and start > first_word:
                continue
            roles: dict[str, list] = {}
            for token, position in zip(doc[start:end], alignment):
                if pattern_roles[position]:
                    roles.setdefault(pattern_roles[position], []).append(token)
            if frame.then.carry:
                carry = True
                continue
            if roles.get("year") and parse_period(" ".join(t.text for t in roles["year"])) is None:
                continue  # a year's tokens cut short: a longer match has the whole year
            index = by_start.get(roles["figure"][0].idx) if roles.get("figure") else None
            if index is None:
                continue
            if "previous_figure" in frame.requires and index == 0:
                continue
            if any(c in frame.requires and c not in context for c in CONTEXTS):
                continue
            self._apply(frame, roles, effects.setdefault(index, Effects()), doc[start].idx)
        return effects, carry


    @staticmethod
    def _apply(frame: Frame, roles: dict[str, list], effects: Effects, match_start: int) -> None:
        then = frame.then
        effects.frames.append(frame.name)
        year_text = " ".join(t.text for t in roles.get("year", []))
        year = parse_period(year_text) if year_text else None
        if then.reading and effects.reading is None:
            effects.reading = then.reading
        if then.period and effects.period is None:
            effects.period, effects.year = then.period, year
            if roles.get("year"):
                effects.year_span = (roles["year"][0].idx, roles["year"][-1].idx + len(roles["year"][-1].text))
        if then.compare and effects.compare_from is None:
            effects.compare_from = match_start
        if then.stage and effects.stage is None and roles.get("stage"):
            words = " ".join(t.text for t in roles["stage"]).lower().replace("stage", "").strip()
            effects.stage = {"1": Stage.STAGE1, "one": Stage.STAGE1, "2": Stage.STAGE2, "two": Stage.STAGE2,
                             "3": Stage.STAGE3, "three": Stage.STAGE3}.get(words)
        if then.also_period and year and year not in effects.also_periods:
            effects.also_periods.append(year)
        if then.also_outcome and effects.outcome_from is None:
            effects.outcome_from = roles.get("marker", [None])[0].idx if roles.get("marker") else match_start
        if then.own_words_end and effects.own_words_end is None and roles.get("marker"):
            effects.own_words_end = roles["marker"][0].idx
        if then.part:
            effects.part = True
        if then.not_a_value and effects.not_a_value is None:
            effects.not_a_value = then.not_a_value


def load_frames(path: Path = FRAMES_PATH) -> list[Frame]:
    """The frames of frames.yaml, validated; an error names the frame and what is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path.name}: not valid YAML: {exc}".replace("\n", " ")) from exc
    frames = []
    for number, entry in enumerate(data.get("frames") or [], start=1):
        try:
            frames.append(Frame.model_validate(entry))
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"])
            raise LexiconError(f"{path.name}: frame {number} ({entry.get('name', '?')!r}): {where}: {error['msg']}") from exc
    names = [f.name for f in frames]
    duplicated = {n for n in names if names.count(n) > 1}
    if duplicated:
        raise LexiconError(f"{path.name}: frame names must be unique: {', '.join(sorted(duplicated))}")
    return frames


@lru_cache(maxsize=1)
def frame_engine() -> FrameEngine:
    return FrameEngine(load_frames())
