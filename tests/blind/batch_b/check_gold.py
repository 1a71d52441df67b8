#!/usr/bin/env python3
"""Check the gold files of blind batch B against their documents and the fact contract.

Run from anywhere:  python3 tests/blind/batch_b/check_gold.py
Exit code 0 when every check passes, 1 otherwise.

Checks, for every document listed in manifest.csv:
- the document and its <stem>.json exist; the JSON is valid and has exactly the keys of the real gold
  files (source, url, authority_code, authority_name, period, notes, facts) and every fact exactly
  (authority_code, period, measure, stage, category, category_raw, value, unit, quote);
- source is the document's file name; council and period agree with the manifest; authority_code
  is the council's new_la_code in the reference list of upper-tier councils;
- periods are 'YYYY-YY' (consecutive years) between 2012-13 and 2024-25;
- measure, unit and stage come from the contract; measures that take a category have one, fixed-list
  categories are the contract's names, service/theme/remedy categories are the lower-case
  underscore form of category_raw; other measures have no category; value is a JSON number; units
  agree with the measure (gbp for *_gbp, days for average_response_days, count/percent otherwise);
- every quote occurs in the document (for .html: in the visible text, tags stripped, entities
  decoded, whitespace collapsed; such quotes must be single-line), never stops or starts inside a
  longer number at any of its occurrences (e.g. '| Upheld | 4' inside '| Upheld | 48'), and shows
  the value as digits (with or without thousands commas) or as a number word;
- no two facts share (authority_code, period, measure, stage, category, unit);
- hard negatives (manifest notes starting 'HARD NEGATIVE') have no facts; every other document has some.
"""
import csv
import html
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "reference", "la_list_upper_tier_england_2024.csv")  # the repo's copy

DOC_KEYS = ["source", "url", "authority_code", "authority_name", "period", "notes", "facts"]
FACT_KEYS = ["authority_code", "period", "measure", "stage", "category", "category_raw",
             "value", "unit", "quote"]

MEASURES = {
    "representations_received", "complaints_received", "complaints_responded", "concerns_received",
    "adr_cases", "compliments_received", "enquiries_received", "complaints_by_outcome",
    "complaints_in_timescale", "complaints_by_response_time", "average_response_days",
    "enquiries_in_timescale", "complaints_by_service", "complaints_upheld_by_service",
    "complaints_by_theme", "complaints_by_complainant", "complaints_by_channel",
    "compliments_by_service", "enquiries_by_service", "lgsco_complaints", "lgsco_decisions",
    "lgsco_upheld", "lgsco_remedy_gbp", "remedy_payments_gbp", "remedies_by_type",
    "contacts_received", "referrals_received", "children_in_need", "children_looked_after",
}
UNITS = {"count", "percent", "days", "gbp"}
STAGES = {None, "stage1", "stage2", "stage3"}
FIXED = {
    "complaints_by_outcome": {"upheld", "partially_upheld", "not_upheld", "withdrawn",
                              "ineligible", "in_progress", "resolved", "other"},
    "complaints_by_response_time": {"within_10_days", "within_20_days", "within_extended",
                                    "outside_timescale"},
    "complaints_by_complainant": {"child_or_young_person", "parent_or_carer", "foster_carer",
                                  "relative", "advocate", "professional", "other"},
    "complaints_by_channel": {"email", "phone", "online_form", "letter", "in_person", "other"},
    "enquiries_received": {"mp", "mep", "councillor", "other"},
    "enquiries_in_timescale": {"mp", "mep", "councillor", "other"},
}
FREE_CATEGORY = {"complaints_by_service", "complaints_upheld_by_service", "complaints_by_theme",
                 "compliments_by_service", "remedies_by_type"}
# enquiries_by_service is a service breakdown too (free category)
FREE_CATEGORY.add("enquiries_by_service")

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n):
    """English words for 0..999 (with and without hyphen), lower case."""
    if n < 0 or n > 999 or n != int(n):
        return []
    n = int(n)
    if n < 20:
        return [ONES[n]]
    if n < 100:
        t, o = divmod(n, 10)
        if o == 0:
            return [TENS[t]]
        return [f"{TENS[t]}-{ONES[o]}", f"{TENS[t]} {ONES[o]}"]
    h, r = divmod(n, 100)
    base = f"{ONES[h]} hundred"
    if r == 0:
        return [base]
    return [f"{base} and {w}" for w in number_words(r)] + [f"{base} {w}" for w in number_words(r)]


def value_in_quote(value, quote):
    q = quote.lower()
    cands = []
    if float(value) == int(value):
        iv = int(value)
        cands += [str(iv), f"{iv:,}"]
        cands += [f"{iv}.0"]
    else:
        cands += [repr(float(value)), f"{value:,}"]
    for c in cands:
        if re.search(r"(?<![\d.,])" + re.escape(c) + r"(?![\d]|[.,]\d)", quote):
            return True
    if float(value) == int(value):
        for w in number_words(int(value)):
            if re.search(r"(?<![a-z-])" + re.escape(w) + r"(?![a-z])", q):
                return True
    return False


def visible_html_text(raw):
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", raw)
    text = re.sub(r"(?s)<!--.*?-->", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    return re.sub(r"\s+", " ", text).strip()


def underscore(label):
    s = label.lower().replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def period_ok(p):
    m = re.fullmatch(r"(\d{4})-(\d{2})", p or "")
    if not m:
        return False
    y = int(m.group(1))
    return (y + 1) % 100 == int(m.group(2)) and 2012 <= y <= 2024


def load_codes():
    with open(REF, newline="", encoding="utf-8") as fh:
        return {row["la_name"]: row["new_la_code"] for row in csv.DictReader(fh)}


def main():
    errors = []
    codes = load_codes()
    valid_codes = set(codes.values())
    manifest_path = os.path.join(HERE, "manifest.csv")
    with open(manifest_path, newline="", encoding="utf-8") as fh:
        manifest = list(csv.DictReader(fh))
    if [c for c in ("file", "council", "period", "source_url", "licence", "notes")
            if c not in (manifest[0].keys() if manifest else [])]:
        errors.append("manifest.csv: wrong columns")
    listed = {row["file"] for row in manifest}
    # every document in the folder is in the manifest and vice versa
    docs_on_disk = {f for f in os.listdir(HERE)
                    if os.path.splitext(f)[1] in (".txt", ".html", ".md") and f != "README.md"}
    for f in sorted(docs_on_disk - listed):
        errors.append(f"{f}: document not in manifest.csv")
    total = 0
    for row in manifest:
        fname = row["file"]
        stem, ext = os.path.splitext(fname)
        where = fname
        doc_path = os.path.join(HERE, fname)
        gold_path = os.path.join(HERE, stem + ".json")
        if not os.path.exists(doc_path):
            errors.append(f"{where}: document missing")
            continue
        if not os.path.exists(gold_path):
            errors.append(f"{where}: gold file missing")
            continue
        try:
            with open(gold_path, encoding="utf-8") as fh:
                gold = json.load(fh)
        except (OSError, json.JSONDecodeError) as exc:
            errors.append(f"{where}: invalid JSON: {exc}")
            continue
        if list(gold.keys()) != DOC_KEYS:
            errors.append(f"{where}: gold keys {list(gold.keys())} != {DOC_KEYS}")
        if gold.get("source") != fname:
            errors.append(f"{where}: source is {gold.get('source')!r}")
        if gold.get("url") != "":
            errors.append(f"{where}: url should be empty")
        name = gold.get("authority_name")
        if name != row["council"]:
            errors.append(f"{where}: authority_name {name!r} != manifest council {row['council']!r}")
        if codes.get(name) != gold.get("authority_code"):
            errors.append(f"{where}: authority_code {gold.get('authority_code')} is not the code of {name} ({codes.get(name)})")
        if not period_ok(gold.get("period")) or gold.get("period") != row["period"]:
            errors.append(f"{where}: bad period {gold.get('period')!r} (manifest {row['period']!r})")
        if not isinstance(gold.get("notes"), str) or len(gold.get("notes", "")) < 40:
            errors.append(f"{where}: notes missing or too short")
        with open(doc_path, encoding="utf-8") as fh:
            raw = fh.read()
        text = visible_html_text(raw) if ext == ".html" else raw
        facts = gold.get("facts")
        if not isinstance(facts, list):
            errors.append(f"{where}: facts is not a list")
            continue
        negative = row["notes"].upper().startswith("HARD NEGATIVE")
        if negative and facts:
            errors.append(f"{where}: hard negative has {len(facts)} facts")
        if not negative and not facts:
            errors.append(f"{where}: no facts but not marked HARD NEGATIVE")
        if negative != gold.get("notes", "").upper().startswith("HARD NEGATIVE"):
            errors.append(f"{where}: manifest and gold notes disagree on HARD NEGATIVE")
        seen = {}
        for i, f in enumerate(facts):
            fw = f"{where} fact {i}"
            if not isinstance(f, dict) or list(f.keys()) != FACT_KEYS:
                errors.append(f"{fw}: keys {list(f.keys()) if isinstance(f, dict) else f!r}")
                continue
            if f["authority_code"] not in valid_codes:
                errors.append(f"{fw}: unknown authority_code {f['authority_code']}")
            if f["authority_code"] != gold.get("authority_code"):
                errors.append(f"{fw}: authority_code differs from the document's (allowed only for benchmarking rows; none expected in this batch)")
            if not period_ok(f["period"]):
                errors.append(f"{fw}: bad period {f['period']!r}")
            m = f["measure"]
            if m not in MEASURES:
                errors.append(f"{fw}: unknown measure {m!r}")
            if f["unit"] not in UNITS:
                errors.append(f"{fw}: unknown unit {f['unit']!r}")
            if m.endswith("_gbp") and f["unit"] != "gbp":
                errors.append(f"{fw}: {m} needs unit gbp")
            if m == "average_response_days" and f["unit"] != "days":
                errors.append(f"{fw}: average_response_days needs unit days")
            if not (m.endswith("_gbp") or m == "average_response_days") and f["unit"] not in ("count", "percent"):
                errors.append(f"{fw}: unit {f['unit']} not expected for {m}")
            if f["stage"] not in STAGES:
                errors.append(f"{fw}: bad stage {f['stage']!r}")
            cat = f["category"]
            if m in FIXED:
                if cat not in FIXED[m]:
                    errors.append(f"{fw}: category {cat!r} not in the contract's list for {m}")
            elif m in FREE_CATEGORY:
                if not cat or not f["category_raw"]:
                    errors.append(f"{fw}: {m} needs category and category_raw")
                elif cat != underscore(f["category_raw"]):
                    errors.append(f"{fw}: category {cat!r} is not the underscore form of {f['category_raw']!r}")
            elif cat is not None:
                errors.append(f"{fw}: {m} takes no category (got {cat!r})")
            v = f["value"]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                errors.append(f"{fw}: value {v!r} is not a JSON number")
                continue
            q = f["quote"]
            if not isinstance(q, str) or not q:
                errors.append(f"{fw}: empty quote")
                continue
            if ext == ".html" and ("\n" in q or "  " in q):
                errors.append(f"{fw}: html quote must be single-line with collapsed spaces")
            if q not in text:
                errors.append(f"{fw}: quote not found in document: {q!r}")
            cut = False
            for mo in re.finditer(re.escape(q), text):
                after = text[mo.end():mo.end() + 2]
                before = text[max(0, mo.start() - 1):mo.start()]
                if (q[-1].isdigit() and re.match(r"\d|[.,]\d", after)) or (q[0].isdigit() and before.isdigit()):
                    cut = True
            if cut:
                errors.append(f"{fw}: quote cuts through a longer number somewhere in the document: {q!r}")
            if not value_in_quote(v, q):
                errors.append(f"{fw}: value {v} not shown in quote {q!r}")
            key = (f["authority_code"], f["period"], m, f["stage"], cat, f["unit"])
            if key in seen:
                errors.append(f"{fw}: duplicate key {key} (also fact {seen[key]})")
            seen[key] = i
        total += len(facts)
        print(f"{fname}: {len(facts)} facts")
    print(f"total: {total} facts in {len(manifest)} documents")
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  " + e)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
