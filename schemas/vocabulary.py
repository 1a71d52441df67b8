"""The fixed vocabulary of the fact contract (docs/FACTS.md), as enums.

Every stage speaks these names; the database stores their string values.
"""

from __future__ import annotations

from enum import Enum


class StrEnum(str, Enum):
    """An enum whose members compare equal to, and print as, their value."""

    def __str__(self) -> str:
        return self.value


class Measure(StrEnum):
    # Volumes
    REPRESENTATIONS_RECEIVED = "representations_received"
    COMPLAINTS_RECEIVED = "complaints_received"
    COMPLAINTS_RESPONDED = "complaints_responded"
    CONCERNS_RECEIVED = "concerns_received"
    ADR_CASES = "adr_cases"
    COMPLIMENTS_RECEIVED = "compliments_received"
    ENQUIRIES_RECEIVED = "enquiries_received"
    # Outcomes
    COMPLAINTS_BY_OUTCOME = "complaints_by_outcome"
    # Timeliness
    COMPLAINTS_IN_TIMESCALE = "complaints_in_timescale"
    COMPLAINTS_BY_RESPONSE_TIME = "complaints_by_response_time"
    AVERAGE_RESPONSE_DAYS = "average_response_days"
    ENQUIRIES_IN_TIMESCALE = "enquiries_in_timescale"
    # Breakdowns
    COMPLAINTS_BY_SERVICE = "complaints_by_service"
    COMPLAINTS_UPHELD_BY_SERVICE = "complaints_upheld_by_service"
    COMPLAINTS_BY_THEME = "complaints_by_theme"
    COMPLAINTS_BY_COMPLAINANT = "complaints_by_complainant"
    COMPLAINTS_BY_CHANNEL = "complaints_by_channel"
    COMPLIMENTS_BY_SERVICE = "compliments_by_service"
    ENQUIRIES_BY_SERVICE = "enquiries_by_service"
    # Ombudsman and remedies
    LGSCO_COMPLAINTS = "lgsco_complaints"
    LGSCO_DECISIONS = "lgsco_decisions"
    LGSCO_UPHELD = "lgsco_upheld"
    LGSCO_REMEDY_GBP = "lgsco_remedy_gbp"
    REMEDY_PAYMENTS_GBP = "remedy_payments_gbp"
    REMEDIES_BY_TYPE = "remedies_by_type"
    # Context
    CONTACTS_RECEIVED = "contacts_received"
    REFERRALS_RECEIVED = "referrals_received"
    CHILDREN_IN_NEED = "children_in_need"
    CHILDREN_LOOKED_AFTER = "children_looked_after"


class Stage(StrEnum):
    STAGE1 = "stage1"
    STAGE2 = "stage2"
    STAGE3 = "stage3"


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    DAYS = "days"
    GBP = "gbp"


class Method(StrEnum):
    """How a finder read the figure: the kind of block it came from."""

    TABLE = "table"
    TEXT = "text"
    CHART = "chart"
    LIST = "list"


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTIALLY_UPHELD = "partially_upheld"
    NOT_UPHELD = "not_upheld"
    WITHDRAWN = "withdrawn"
    INELIGIBLE = "ineligible"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    OTHER = "other"


class ResponseTime(StrEnum):
    WITHIN_10_DAYS = "within_10_days"
    WITHIN_20_DAYS = "within_20_days"
    WITHIN_EXTENDED = "within_extended"
    OUTSIDE_TIMESCALE = "outside_timescale"


class EnquiryType(StrEnum):
    MP = "mp"
    MEP = "mep"
    COUNCILLOR = "councillor"
    OTHER = "other"


class Complainant(StrEnum):
    CHILD_OR_YOUNG_PERSON = "child_or_young_person"
    PARENT_OR_CARER = "parent_or_carer"
    FOSTER_CARER = "foster_carer"
    RELATIVE = "relative"
    ADVOCATE = "advocate"
    PROFESSIONAL = "professional"
    OTHER = "other"


class Channel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    ONLINE_FORM = "online_form"
    LETTER = "letter"
    IN_PERSON = "in_person"
    OTHER = "other"


class FactStatus(StrEnum):
    """How far a fact can be trusted: by calibration (accepted, needs_check) or by a person."""

    ACCEPTED = "accepted"  # calibrated confidence at or above the threshold: published and benchmarked
    NEEDS_CHECK = "needs_check"  # below it: published, marked, benchmarked only on request
    VERIFIED = "verified"  # a person checked it against the source: right as read
    CORRECTED = "corrected"  # a person checked it and gave the right value (or measure, stage, category)
    REJECTED = "rejected"  # a person checked it: not a fact; kept with the decision, never published as one


#: Statuses whose facts are benchmarked by default (needs_check only on request; rejected never).
TRUSTED_STATUSES: frozenset[FactStatus] = frozenset({FactStatus.ACCEPTED, FactStatus.VERIFIED, FactStatus.CORRECTED})


class Decision(StrEnum):
    """A person's decision on one fact, recorded in corpus/verifications.csv."""

    ACCEPT = "accept"
    REJECT = "reject"
    CORRECT = "correct"


#: The status each decision gives a fact.
DECISION_STATUS: dict[Decision, FactStatus] = {
    Decision.ACCEPT: FactStatus.VERIFIED,
    Decision.REJECT: FactStatus.REJECTED,
    Decision.CORRECT: FactStatus.CORRECTED,
}


class CategoryMethod(StrEnum):
    """How a fact's canonical category was decided (kept so a reader can judge it)."""

    FIXED = "fixed"  # a fixed-list category read through the lexicon
    ALIAS = "alias"  # exact match of a taxonomy alias
    FUZZY = "fuzzy"  # rapidfuzz match above the cutoff (score kept)
    OVERRIDE = "override"  # a human decision in normalise/overrides.csv
    UNMAPPED = "unmapped"  # no confident match: sent to the review queue
    NONE = "none"  # the measure has no category


#: Measures whose category comes from a fixed list, and that list.
FIXED_CATEGORIES: dict[Measure, type[StrEnum]] = {
    Measure.COMPLAINTS_BY_OUTCOME: Outcome,
    Measure.COMPLAINTS_BY_RESPONSE_TIME: ResponseTime,
    Measure.ENQUIRIES_RECEIVED: EnquiryType,
    Measure.ENQUIRIES_IN_TIMESCALE: EnquiryType,
    Measure.COMPLAINTS_BY_COMPLAINANT: Complainant,
    Measure.COMPLAINTS_BY_CHANNEL: Channel,
}

#: Measures whose category is a free label mapped to a taxonomy (services, themes, remedies).
LABELLED_MEASURES: dict[Measure, str] = {
    Measure.COMPLAINTS_BY_SERVICE: "service",
    Measure.COMPLAINTS_UPHELD_BY_SERVICE: "service",
    Measure.COMPLIMENTS_BY_SERVICE: "service",
    Measure.ENQUIRIES_BY_SERVICE: "service",
    Measure.COMPLAINTS_BY_THEME: "theme",
    Measure.REMEDIES_BY_TYPE: "remedy",
}

#: Measures where a fixed category may also be empty (a total across the categories).
CATEGORY_OPTIONAL: frozenset[Measure] = frozenset(
    {Measure.ENQUIRIES_RECEIVED, Measure.ENQUIRIES_IN_TIMESCALE}
)

_COUNTISH = frozenset({Unit.COUNT, Unit.PERCENT})

#: The units each measure may be expressed in. A received count has no percent form:
#: "five (26%) progressed to stage 2" is a rate of escalation, not a count of complaints.
MEASURE_UNITS: dict[Measure, frozenset[Unit]] = {
    **{m: frozenset({Unit.COUNT}) for m in Measure},
    Measure.COMPLAINTS_BY_OUTCOME: _COUNTISH,
    Measure.COMPLAINTS_IN_TIMESCALE: _COUNTISH,
    Measure.COMPLAINTS_BY_RESPONSE_TIME: _COUNTISH,
    Measure.ENQUIRIES_IN_TIMESCALE: _COUNTISH,
    Measure.COMPLAINTS_BY_SERVICE: _COUNTISH,
    Measure.COMPLAINTS_UPHELD_BY_SERVICE: _COUNTISH,
    Measure.COMPLAINTS_BY_THEME: _COUNTISH,
    Measure.COMPLAINTS_BY_COMPLAINANT: _COUNTISH,
    Measure.COMPLAINTS_BY_CHANNEL: _COUNTISH,
    Measure.REMEDIES_BY_TYPE: _COUNTISH,
    Measure.LGSCO_UPHELD: _COUNTISH,
    Measure.ADR_CASES: _COUNTISH,  # '10 (13%) had been resolved through ADR': the share of complaints
    Measure.AVERAGE_RESPONSE_DAYS: frozenset({Unit.DAYS}),
    Measure.LGSCO_REMEDY_GBP: frozenset({Unit.GBP}),
    Measure.REMEDY_PAYMENTS_GBP: frozenset({Unit.GBP}),
}

#: Measures that take a stage when the figure is for one stage.
STAGED_MEASURES: frozenset[Measure] = frozenset(
    {
        Measure.COMPLAINTS_RECEIVED,
        Measure.COMPLAINTS_RESPONDED,
        Measure.COMPLAINTS_BY_OUTCOME,
        Measure.COMPLAINTS_IN_TIMESCALE,
        Measure.COMPLAINTS_BY_RESPONSE_TIME,
        Measure.AVERAGE_RESPONSE_DAYS,
        Measure.COMPLAINTS_BY_SERVICE,
        Measure.COMPLAINTS_UPHELD_BY_SERVICE,
        Measure.COMPLAINTS_BY_THEME,
        Measure.COMPLAINTS_BY_COMPLAINANT,  # 'Who made the Stage 1 complaint'
        Measure.COMPLAINTS_BY_CHANNEL,
    }
)

#: Plain-English description of each measure, for the CLI and the Datasette metadata.
MEASURE_DESCRIPTIONS: dict[Measure, str] = {
    Measure.REPRESENTATIONS_RECEIVED: "All representations received (complaints, concerns, compliments, enquiries)",
    Measure.COMPLAINTS_RECEIVED: "Statutory complaints received; stage set when the figure is for one stage",
    Measure.COMPLAINTS_RESPONDED: "Statutory complaints responded to, closed or completed in the year (not the same as received)",
    Measure.CONCERNS_RECEIVED: "Initial feedback / concerns handled outside the formal procedure",
    Measure.ADR_CASES: "Cases taken through alternative dispute resolution",
    Measure.COMPLIMENTS_RECEIVED: "Compliments received",
    Measure.ENQUIRIES_RECEIVED: "MP, MEP, councillor and other enquiries received",
    Measure.COMPLAINTS_BY_OUTCOME: "Complaints by outcome (upheld, partially upheld, not upheld, ...)",
    Measure.COMPLAINTS_IN_TIMESCALE: "Complaints responded to within the statutory timescale",
    Measure.COMPLAINTS_BY_RESPONSE_TIME: "Complaints by response time band",
    Measure.AVERAGE_RESPONSE_DAYS: "Average working days to respond",
    Measure.ENQUIRIES_IN_TIMESCALE: "Enquiries responded to on time",
    Measure.COMPLAINTS_BY_SERVICE: "Complaints by service area or team",
    Measure.COMPLAINTS_UPHELD_BY_SERVICE: "Upheld or partly upheld complaints by service area or team",
    Measure.COMPLAINTS_BY_THEME: "Complaints by subject or theme",
    Measure.COMPLAINTS_BY_COMPLAINANT: "Complaints by who made them",
    Measure.COMPLAINTS_BY_CHANNEL: "Complaints by how they were made",
    Measure.COMPLIMENTS_BY_SERVICE: "Compliments by service area or team",
    Measure.ENQUIRIES_BY_SERVICE: "Enquiries by service area or team",
    Measure.LGSCO_COMPLAINTS: "Complaints or enquiries that reached the Local Government and Social Care Ombudsman",
    Measure.LGSCO_DECISIONS: "Ombudsman decisions made",
    Measure.LGSCO_UPHELD: "Ombudsman complaints upheld",
    Measure.LGSCO_REMEDY_GBP: "Financial remedies recommended by the Ombudsman (GBP)",
    Measure.REMEDY_PAYMENTS_GBP: "Financial remedies the council paid after complaints (GBP)",
    Measure.REMEDIES_BY_TYPE: "Remedies by type, as printed",
    Measure.CONTACTS_RECEIVED: "Contacts received by children's social care (context)",
    Measure.REFERRALS_RECEIVED: "Referrals received by children's social care (context)",
    Measure.CHILDREN_IN_NEED: "Children in need / children worked with (context)",
    Measure.CHILDREN_LOOKED_AFTER: "Children looked after (context)",
}

#: Short names for the site and printed tables: "Stage 1" + "complaints received" reads as a
#: sentence. One table of words, written into the database's `measures` and `categories`
#: tables, so every page says the same thing.
MEASURE_LABELS: dict[Measure, str] = {
    Measure.REPRESENTATIONS_RECEIVED: "Representations received",
    Measure.COMPLAINTS_RECEIVED: "Complaints received",
    Measure.COMPLAINTS_RESPONDED: "Complaints responded to",
    Measure.CONCERNS_RECEIVED: "Concerns received",
    Measure.ADR_CASES: "Alternative dispute resolution cases",
    Measure.COMPLIMENTS_RECEIVED: "Compliments received",
    Measure.ENQUIRIES_RECEIVED: "Enquiries received",
    Measure.COMPLAINTS_BY_OUTCOME: "Complaints by outcome",
    Measure.COMPLAINTS_IN_TIMESCALE: "Complaints answered within the timescale",
    Measure.COMPLAINTS_BY_RESPONSE_TIME: "Complaints by response time",
    Measure.AVERAGE_RESPONSE_DAYS: "Average working days to respond",
    Measure.ENQUIRIES_IN_TIMESCALE: "Enquiries answered on time",
    Measure.COMPLAINTS_BY_SERVICE: "Complaints by service",
    Measure.COMPLAINTS_UPHELD_BY_SERVICE: "Upheld complaints by service",
    Measure.COMPLAINTS_BY_THEME: "Complaints by theme",
    Measure.COMPLAINTS_BY_COMPLAINANT: "Complaints by complainant",
    Measure.COMPLAINTS_BY_CHANNEL: "Complaints by channel",
    Measure.COMPLIMENTS_BY_SERVICE: "Compliments by service",
    Measure.ENQUIRIES_BY_SERVICE: "Enquiries by service",
    Measure.LGSCO_COMPLAINTS: "Ombudsman complaints and enquiries",
    Measure.LGSCO_DECISIONS: "Ombudsman decisions",
    Measure.LGSCO_UPHELD: "Ombudsman complaints upheld",
    Measure.LGSCO_REMEDY_GBP: "Ombudsman financial remedies",
    Measure.REMEDY_PAYMENTS_GBP: "Remedy payments by the council",
    Measure.REMEDIES_BY_TYPE: "Remedies by type",
    Measure.CONTACTS_RECEIVED: "Contacts received",
    Measure.REFERRALS_RECEIVED: "Referrals received",
    Measure.CHILDREN_IN_NEED: "Children in need",
    Measure.CHILDREN_LOOKED_AFTER: "Children looked after",
}

STAGE_LABELS: dict[Stage, str] = {Stage.STAGE1: "Stage 1", Stage.STAGE2: "Stage 2", Stage.STAGE3: "Stage 3"}

#: Words for the fixed categories, list by list ("other" is in several); the taxonomies' categories
#: have their names in normalise/data.
CATEGORY_LABELS: dict[type[StrEnum], dict[str, str]] = {
    Outcome: {
        Outcome.UPHELD.value: "upheld",
        Outcome.PARTIALLY_UPHELD.value: "partially upheld",
        Outcome.NOT_UPHELD.value: "not upheld",
        Outcome.WITHDRAWN.value: "withdrawn",
        Outcome.INELIGIBLE.value: "not eligible",
        Outcome.IN_PROGRESS.value: "still in progress",
        Outcome.RESOLVED.value: "resolved",
        Outcome.OTHER.value: "other outcome",
    },
    ResponseTime: {
        ResponseTime.WITHIN_10_DAYS.value: "within 10 working days",
        ResponseTime.WITHIN_20_DAYS.value: "within 20 working days",
        ResponseTime.WITHIN_EXTENDED.value: "within the extended timescale",
        ResponseTime.OUTSIDE_TIMESCALE.value: "outside the timescale",
    },
    EnquiryType: {
        EnquiryType.MP.value: "from MPs",
        EnquiryType.MEP.value: "from MEPs",
        EnquiryType.COUNCILLOR.value: "from councillors",
        EnquiryType.OTHER.value: "from others",
    },
    Complainant: {
        Complainant.CHILD_OR_YOUNG_PERSON.value: "made by a child or young person",
        Complainant.PARENT_OR_CARER.value: "made by a parent or carer",
        Complainant.FOSTER_CARER.value: "made by a foster carer",
        Complainant.RELATIVE.value: "made by a relative",
        Complainant.ADVOCATE.value: "made by an advocate",
        Complainant.PROFESSIONAL.value: "made by a professional",
        Complainant.OTHER.value: "made by someone else",
    },
    Channel: {
        Channel.EMAIL.value: "by email",
        Channel.PHONE.value: "by phone",
        Channel.ONLINE_FORM.value: "by online form",
        Channel.LETTER.value: "by letter",
        Channel.IN_PERSON.value: "in person",
        Channel.OTHER.value: "by another channel",
    },
}
