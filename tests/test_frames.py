"""Every sentence frame's examples (extract/frames.yaml) are tests: labelled examples as data.

Each example is extracted as a one-paragraph children's social care report (with its heading,
for the frames that depend on one) of a council and year given, and must give the facts it lists and none of
the facts under `not`. A fact matches on the fields the example gives.
"""

from __future__ import annotations

import pytest

from extract.finders.frames import FRAMES_PATH, Frame, load_frames
from pipeline.run import extract_file
from schemas.errors import LexiconError

FRAMES = load_frames()
REPORT_TITLE = "Children's Social Care Complaints Annual Report"
EXAMPLES = [(frame.name, number, example) for frame in FRAMES for number, example in enumerate(frame.examples, 1)]


def _matches(fact, wanted: dict) -> bool:
    actual = {"value": fact.value, "measure": fact.measure.value, "stage": fact.stage.value if fact.stage else None,
              "period": fact.period, "category": fact.category, "unit": fact.unit.value}
    return all(actual[key] == value for key, value in wanted.items())


@pytest.mark.parametrize("name, number, example", EXAMPLES, ids=[f"{n}-{i}" for n, i, _ in EXAMPLES])
def test_frame_example(tmp_path, name, number, example):
    path = tmp_path / "example.txt"
    heading = f"{example.heading}\n\n" if example.heading else ""
    path.write_text(f"{REPORT_TITLE}\n\n{heading}{example.text}\n", encoding="utf-8")
    facts = extract_file(path, council="Thurrock", period=example.year).facts
    shown = [(f.period, f.measure.value, f.stage, f.category, f.value, f.unit.value) for f in facts]
    for wanted in example.facts:
        assert any(_matches(f, wanted) for f in facts), f"{name} example {number}: missing {wanted}; got {shown}"
    for unwanted in example.not_facts:
        assert not any(_matches(f, unwanted) for f in facts), f"{name} example {number}: should not give {unwanted}"


def test_every_frame_has_examples_and_every_action_is_exercised():
    assert all(len(frame.examples) >= 2 for frame in FRAMES)
    used = {key for frame in FRAMES for key, value in frame.then.model_dump().items() if value}
    assert used == set(Frame.model_fields["then"].annotation.model_fields)


@pytest.mark.parametrize("broken, message", [
    ("frames:\n  - {name: x, what: y, patterns: [[{LOWER: a}]], then: {compare: true}, examples: []}\n",
     "frame 1 ('x'): examples"),
    ("frames:\n  - {name: x, what: y, patterns: [[{LOWER: a, role: number}]], then: {compare: true},"
     " examples: [{text: a, year: 2020-21}, {text: b, year: 2020-21}]}\n", "unknown role 'number'"),
    ("frames:\n  - {name: x, what: y, patterns: [[{LOWER: a}]], then: {compare: true},"
     " examples: [{text: a, year: 2020-21}, {text: b, year: 2020-21}]}\n", "needs 1 token(s) with role 'figure'"),
    ("frames:\n  - {name: x, what: y, patterns: [[{LOWER: a, role: figure}]], then: {period: last_week},"
     " examples: [{text: a, year: 2020-21}, {text: b, year: 2020-21}]}\n", "then.period"),
])
def test_a_bad_frame_is_named_when_loaded(tmp_path, broken, message):
    path = tmp_path / FRAMES_PATH.name
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(LexiconError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_frames(path)
