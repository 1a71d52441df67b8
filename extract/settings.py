"""The numbers the finders use, named, each with the reason it has its value.

Like pdfplumber's table settings: one validated object, defaults here, and `FinderSettings.
resolve({...})` for a dict of overrides (e.g. from a YAML file or a test). The PDF reader's
own settings are `extract.readers.pdf_lines.PdfSettings`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FinderSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # prose
    base_window_words: int = Field(9, ge=1, description="how far after a number the thing it counts may be named "
                                                        "('183 representations of dissatisfaction were received')")
    noun_window_words: int = Field(5, ge=1, description="how far after a number an unknown noun shows it counts "
                                                        "something else ('two routes', '3 panel members')")
    quote_chars: int = Field(320, ge=80, description="a sentence longer than this is quoted around its number, so a "
                                                     "quote stays readable in a table cell")
    share_tolerance_points: float = Field(1.5, gt=0, description="a percentage printed with a count may differ from "
                                          "count / total by rounding, not more ('17 (13.0%)' of 75 is 22.7%)")
    max_label_words: int = Field(8, ge=1, description="a bracketed list's label is a short phrase, not a clause")
    max_remedy_words: int = Field(6, ge=1, description="a remedy named after its count is a short phrase")
    max_service_words: int = Field(6, ge=1, description="a service named before its count is a short name")
    # tables
    max_header_rows: int = Field(3, ge=1, description="council tables have at most a title row, a group row and a "
                                                      "column row above the figures")
    fixed_dim_vote: float = Field(0.6, gt=0, le=1, description="share of row labels that must name categories of one "
                                                               "breakdown for a table to be that breakdown")
    service_vote: float = Field(0.5, gt=0, le=1, description="share of row labels that must look like services for "
                                                             "an unlabelled table to be by service")
    # how sure a finder is, before calibration (normalise turns evidence into a calibrated confidence)
    confidence: dict[str, float] = Field(
        default_factory=lambda: {"table": 0.9, "list": 0.85, "prose": 0.8, "prose:compared": 0.75, "chart": 0.85,
                                 "chart:unplaced": 0.4},
        description="by rule: a table cell's labels are printed beside it; prose is read from its words; a "
                    "figure read as the one it is compared with is one step further; chart values of a series "
                    "that lost points are not placed")

    @classmethod
    def resolve(cls, value: "FinderSettings | dict | None" = None) -> "FinderSettings":
        if isinstance(value, cls):
            return value
        return cls.model_validate(value or {})


SETTINGS = FinderSettings()
