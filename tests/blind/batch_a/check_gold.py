#!/usr/bin/env python3
"""Check the gold files of blind test batch A against their documents and the fact contract.

Usage: python3 check_gold.py [--ref PATH_TO_la_list_upper_tier_england_2024.csv]

Checks, for every <stem>.json beside a document <stem>.txt|.md|.html:
  * valid JSON with exactly the keys of the real gold files, and facts with exactly the fact keys;
  * "source" names the document, which exists;
  * authority_code / authority_name match the reference list of councils (and the manifest);
  * every quote occurs in the document (for .html: in the visible text, tags replaced by spaces,
    entities decoded, whitespace collapsed) and shows the value as digits (with or without
    thousands commas) or as a number word;
  * measures, units, stages and fixed-list categories come from the contract (spec/FACTS.md);
    measures without a category have category null; free categories are lower_case_underscore;
  * periods are YYYY-YY with consecutive years between 2010-11 and 2024-25;
  * no two facts share (authority_code, period, measure, stage, category, unit);
  * hard negatives (notes start with "HARD NEGATIVE", or flagged in the manifest) have no facts,
    and every other document has at least one.
Exit status 0 when everything passes.
"""
import csv
import html
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REF_DEFAULT = os.path.join(HERE, '..', '..', '..', 'reference', 'la_list_upper_tier_england_2024.csv')  # the repo's copy

MEASURES = {
    'representations_received', 'complaints_received', 'complaints_responded', 'concerns_received',
    'adr_cases', 'compliments_received', 'enquiries_received', 'complaints_by_outcome',
    'complaints_in_timescale', 'complaints_by_response_time', 'average_response_days',
    'enquiries_in_timescale', 'complaints_by_service', 'complaints_upheld_by_service',
    'complaints_by_theme', 'complaints_by_complainant', 'complaints_by_channel',
    'compliments_by_service', 'enquiries_by_service', 'lgsco_complaints', 'lgsco_decisions',
    'lgsco_upheld', 'lgsco_remedy_gbp', 'remedy_payments_gbp', 'remedies_by_type',
    'contacts_received', 'referrals_received', 'children_in_need', 'children_looked_after',
}
ENQ = {'mp', 'mep', 'councillor', 'other'}
FIXED = {
    'complaints_by_outcome': {'upheld', 'partially_upheld', 'not_upheld', 'withdrawn', 'ineligible',
                              'in_progress', 'resolved', 'other'},
    'complaints_by_response_time': {'within_10_days', 'within_20_days', 'within_extended',
                                    'outside_timescale'},
    'complaints_by_complainant': {'child_or_young_person', 'parent_or_carer', 'foster_carer',
                                  'relative', 'advocate', 'professional', 'other'},
    'complaints_by_channel': {'email', 'phone', 'online_form', 'letter', 'in_person', 'other'},
    'enquiries_received': ENQ,
    'enquiries_in_timescale': ENQ,
}
FREE = {'complaints_by_service', 'complaints_upheld_by_service', 'complaints_by_theme',
        'compliments_by_service', 'enquiries_by_service', 'remedies_by_type'}
UNITS = {'count', 'percent', 'days', 'gbp'}
STAGES = {None, 'stage1', 'stage2', 'stage3'}
GOLD_KEYS = ['source', 'url', 'authority_code', 'authority_name', 'period', 'notes', 'facts']
FACT_KEYS = ['authority_code', 'period', 'measure', 'stage', 'category', 'category_raw', 'value',
             'unit', 'quote']
DOC_EXT = ('.txt', '.md', '.html')

WORDS = {0: ['zero'], 1: ['one', 'a single'], 2: ['two'], 3: ['three'], 4: ['four'],
         5: ['five'], 6: ['six'], 7: ['seven'], 8: ['eight'], 9: ['nine'], 10: ['ten'],
         11: ['eleven'], 12: ['twelve'], 13: ['thirteen'], 14: ['fourteen'], 15: ['fifteen'],
         16: ['sixteen'], 17: ['seventeen'], 18: ['eighteen'], 19: ['nineteen'], 20: ['twenty'],
         30: ['thirty'], 40: ['forty'], 50: ['fifty'], 60: ['sixty'], 70: ['seventy'],
         80: ['eighty'], 90: ['ninety'], 100: ['a hundred', 'one hundred']}
# 'no' / 'none' are deliberately NOT number words here: by the gold convention they make no fact.


def visible_text(path):
    s = open(path, encoding='utf-8').read()
    if path.endswith('.html'):
        s = re.sub(r'(?is)<(script|style|head)[^>]*>.*?</\1>', ' ', s)
        s = re.sub(r'<[^>]+>', ' ', s)
        s = html.unescape(s)
        s = re.sub(r'\s+', ' ', s)
    return s


def value_forms(v):
    forms = set()
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int):
        forms.add(str(v))
        forms.add(f'{v:,}')
        forms.add(f'{v:,}'.replace(',', ' '))  # '2 569' style
    else:
        s = repr(v)
        forms.add(s)
        ip, fp = s.split('.')
        forms.add(f'{int(ip):,}.{fp}')
    return forms


def value_in_quote(v, quote):
    for f in value_forms(v):
        # the digits must not be part of a longer number
        if re.search(r'(?<![\d.,])' + re.escape(f) + r'(?![\d]|[.,]\d)', quote):
            return True
    if isinstance(v, (int, float)) and float(v).is_integer() and int(v) in WORDS:
        for w in WORDS[int(v)]:
            if re.search(r'(?i)\b' + re.escape(w) + r'\b', quote):
                return True
    return False


def period_ok(p):
    m = re.fullmatch(r'(\d{4})-(\d{2})', p or '')
    if not m:
        return False
    y = int(m.group(1))
    return (y + 1) % 100 == int(m.group(2)) and 2010 <= y <= 2024


def load_ref(path):
    by_name, codes = {}, set()
    with open(path, encoding='utf-8') as f:
        for r in csv.DictReader(f):
            by_name[r['la_name']] = r['new_la_code']
            codes.add(r['new_la_code'])
    return by_name, codes


def load_manifest():
    p = os.path.join(HERE, 'manifest.csv')
    if not os.path.exists(p):
        return None
    with open(p, encoding='utf-8', newline='') as f:
        return {r['file']: r for r in csv.DictReader(f)}


def main():
    ref = REF_DEFAULT
    if '--ref' in sys.argv:
        ref = sys.argv[sys.argv.index('--ref') + 1]
    by_name, codes = load_ref(ref)
    manifest = load_manifest()
    errors = []
    err = errors.append

    docs = sorted(f for f in os.listdir(HERE) if f.endswith(DOC_EXT) and f != 'README.md')
    if manifest is None:
        err('manifest.csv missing')
        manifest = {}
    for f in docs:
        if f not in manifest:
            err(f'{f}: not in manifest.csv')
    for f in manifest:
        if f not in docs:
            err(f'manifest.csv lists {f} which does not exist')

    total = 0
    for d in docs:
        stem = d.rsplit('.', 1)[0]
        gp = os.path.join(HERE, stem + '.json')
        if not os.path.exists(gp):
            err(f'{d}: no gold file {stem}.json')
            continue
        try:
            g = json.load(open(gp, encoding='utf-8'))
        except Exception as e:  # noqa: BLE001
            err(f'{stem}.json: invalid JSON: {e}')
            continue
        tag = stem + '.json'
        if not isinstance(g, dict) or list(g.keys()) != GOLD_KEYS:
            err(f'{tag}: keys {list(g.keys()) if isinstance(g, dict) else type(g)} != {GOLD_KEYS}')
            continue
        if g['source'] != d:
            err(f'{tag}: source {g["source"]!r} != {d!r}')
        name, code = g['authority_name'], g['authority_code']
        if by_name.get(name) != code:
            err(f'{tag}: {name!r} has code {by_name.get(name)!r} in the reference list, gold says {code!r}')
        if not period_ok(g['period']):
            err(f'{tag}: bad period {g["period"]!r}')
        m = manifest.get(d)
        if m:
            if m['council'] != name:
                err(f'{tag}: manifest council {m["council"]!r} != {name!r}')
            if m['period'] != g['period']:
                err(f'{tag}: manifest period {m["period"]!r} != {g["period"]!r}')
        if not isinstance(g['notes'], str) or len(g['notes']) < 40:
            err(f'{tag}: notes missing or too short')
        negative = g['notes'].startswith('HARD NEGATIVE') or (
            m is not None and 'hard negative' in m.get('notes', '').lower())
        facts = g['facts']
        if not isinstance(facts, list):
            err(f'{tag}: facts is not a list')
            continue
        if negative and facts:
            err(f'{tag}: hard negative with {len(facts)} facts')
        if not negative and not facts:
            err(f'{tag}: no facts but not marked HARD NEGATIVE')
        text = visible_text(os.path.join(HERE, d))
        seen = {}
        for i, fct in enumerate(facts):
            w = f'{tag} fact {i}'
            if not isinstance(fct, dict) or list(fct.keys()) != FACT_KEYS:
                err(f'{w}: keys {list(fct.keys()) if isinstance(fct, dict) else fct} != {FACT_KEYS}')
                continue
            if fct['authority_code'] not in codes:
                err(f'{w}: unknown authority_code {fct["authority_code"]!r}')
            if fct['authority_code'] != code:
                err(f'{w}: authority_code {fct["authority_code"]} differs from the document council {code}')
            if not period_ok(fct['period']):
                err(f'{w}: bad period {fct["period"]!r}')
            meas, unit, stage, cat = fct['measure'], fct['unit'], fct['stage'], fct['category']
            if meas not in MEASURES:
                err(f'{w}: unknown measure {meas!r}')
            if unit not in UNITS:
                err(f'{w}: unknown unit {unit!r}')
            if stage not in STAGES:
                err(f'{w}: bad stage {stage!r}')
            if meas.endswith('_gbp') and unit != 'gbp':
                err(f'{w}: {meas} must have unit gbp')
            if unit == 'gbp' and not meas.endswith('_gbp'):
                err(f'{w}: unit gbp on {meas}')
            if (meas == 'average_response_days') != (unit == 'days'):
                err(f'{w}: unit days only with average_response_days')
            if meas in FIXED:
                if cat not in FIXED[meas]:
                    err(f'{w}: category {cat!r} not in the fixed list of {meas}')
            elif meas in FREE:
                if not isinstance(cat, str) or not re.fullmatch(r'[a-z0-9]+(_[a-z0-9]+)*', cat):
                    err(f'{w}: free category {cat!r} is not lower_case_underscore')
            elif cat is not None:
                err(f'{w}: {meas} takes no category, got {cat!r}')
            if fct['category_raw'] is not None and not isinstance(fct['category_raw'], str):
                err(f'{w}: category_raw must be a string or null')
            v = fct['value']
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                err(f'{w}: value {v!r} is not a JSON number')
                continue
            if unit == 'percent' and not 0 <= v <= 100:
                err(f'{w}: percent {v} out of range')
            q = fct['quote']
            if not isinstance(q, str) or not q.strip():
                err(f'{w}: empty quote')
                continue
            if d.endswith('.html') and '\n' in q:
                err(f'{w}: html quote must be single-line')
            if q not in text:
                err(f'{w}: quote not found in {d}: {q!r}')
            if not value_in_quote(v, q):
                err(f'{w}: value {v} not shown in quote {q!r}')
            key = (fct['authority_code'], fct['period'], meas, stage, cat, unit)
            if key in seen:
                err(f'{w}: duplicate key {key} (also fact {seen[key]})')
            seen[key] = i
        total += len(facts)
        print(f'{tag:55s} {len(facts):4d} facts{"  (hard negative)" if negative else ""}')

    for f in os.listdir(HERE):
        if f.endswith('.json') and f.rsplit('.', 1)[0] not in {x.rsplit('.', 1)[0] for x in docs}:
            err(f'{f}: gold file without a document')

    print(f'{len(docs)} documents, {total} facts')
    if errors:
        print(f'\n{len(errors)} problem(s):')
        for e in errors:
            print('  - ' + e)
        return 1
    print('OK: all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
