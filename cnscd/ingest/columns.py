"""What a column header means: a unit column, a period column, an indicator, a target, or nothing.

Headers are compared as normalize.key(). An indicator is recognised by, strongest first:
its code in the header ('Số tổ (teams_total)'), its catalogue name, then the longest matching
phrase from PHRASES (the words provinces use in their reports). 'Kế hoạch'/'Mục tiêu' in front
makes it a target; a '% kế hoạch' or 'tỷ lệ hoàn thành' column is derived and ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from cnscd.ingest.normalize import key

PHRASES: dict[str, list[str]] = {
    "teams_village": ["to cnscd cap thon", "to cnscd thon", "to cap thon", "cap thon", "to thon", "tai thon",
                      "teams village", "village teams"],
    "teams_commune": ["to cnscd cap xa", "to cnscd xa", "to cap xa", "cap xa", "to xa", "tai xa",
                      "teams commune", "commune teams"],
    "teams_total": ["tong so to cnscd", "so to cnscd", "to cnscd", "tong so to", "so to", "tong to",
                    "to cong nghe so cong dong", "teams total", "teams"],
    "members": ["so thanh vien", "thanh vien", "tong so thanh vien", "members", "nguoi tham gia to"],
    "members_trained": ["thanh vien duoc tap huan", "thanh vien duoc dao tao", "duoc tap huan", "tap huan",
                        "dao tao", "boi duong", "members trained", "trained"],
    "villages_total": ["tong so thon", "so thon to dan pho", "so thon", "tong so thon to dan pho",
                       "villages total", "villages"],
    "villages_with_team": ["so thon co to", "thon co to", "thon da co to", "thon co to cnscd",
                           "villages with team", "villages with a team"],
    "vneid_activations": ["vneid", "dinh danh dien tu", "kich hoat dinh danh", "kich hoat"],
    "ewallet_installs": ["vi dien tu", "tai khoan thanh toan", "mobile money", "ewallet", "e wallet",
                         "mo tai khoan"],
    "shops_epayment": ["cua hang", "co so kinh doanh", "diem kinh doanh", "ho kinh doanh", "shops",
                       "chap nhan thanh toan"],
    "people_guided_dvc": ["nguoi dan duoc huong dan", "huong dan", "dich vu cong", "dvc", "people guided"],
    "payment_dossiers_online": ["ho so thanh toan truc tuyen", "thanh toan truc tuyen", "payment dossiers",
                                "ho so thanh toan"],
    "dossiers_total": ["tong so ho so", "ho so tiep nhan", "so ho so", "dossiers total", "ho so"],
    "dossiers_online": ["ho so truc tuyen", "nop truc tuyen", "ho so nop truc tuyen", "dossiers online"],
}
PCT_TWIN = {"villages_with_team": "villages_with_team_pct", "dossiers_online": "dossiers_online_pct"}
_PCT_WORDS = re.compile(r"\b(ty le|ti le|pct|phan tram|share|rate)\b")
_TARGET = re.compile(r"^(ke hoach|kh|muc tieu|target|chi tieu ke hoach)\b\s*")
_DERIVED = re.compile(r"\b(pct|ty le|ti le|dat)\b.*\b(ke hoach|kh|muc tieu|target)\b|\bhoan thanh\b|\bso voi\b")
_IGNORED = re.compile(r"^(stt|tt|so tt|ghi chu|note|notes|nguoi lap|ghi chu chu thich)$")

UNIT_CODE = re.compile(r"^(ma|ma so|ma don vi|ma dvhc|ma dia phuong|ma xa|ma phuong|ma xa phuong|ma huyen|ma tinh|unit code|code)$")
UNIT_NAME = re.compile(r"^(ten|ten don vi|don vi|dia phuong|ten dia phuong|unit|unit name|don vi hanh chinh|dvhc)$")
COMMUNE_NAME = re.compile(r"^(ten )?(xa|phuong|xa phuong|xa phuong thi tran|xa phuong dac khu|commune)$")
DISTRICT_NAME = re.compile(r"^(ten )?(huyen|quan|huyen thi xa|huyen thi xa thanh pho|quan huyen|district)$")
PROVINCE_NAME = re.compile(r"^(ten )?(tinh|tinh thanh pho|tinh thanh|thanh pho|province)$")
VILLAGE = re.compile(r"^(ten )?(thon|ap|khom|to dan pho|thon to dan pho|thon ap|thon ap khom|thon ap khom to dan pho|village)$")
PERIOD = re.compile(r"^(ky bao cao|ky|period|thoi diem|thoi gian|thoi diem bao cao|ngay bao cao)$")
MONTH, YEAR, QUARTER = re.compile(r"^(thang|month)$"), re.compile(r"^(nam|year)$"), re.compile(r"^(quy|quarter)$")
START, END = re.compile(r"^(tu ngay|from|ngay bat dau|period start)$"), re.compile(r"^(den ngay|to|ngay ket thuc|period end)$")


@dataclass(frozen=True)
class Column:
    kind: str                 # unit_code | unit_name | commune | district | province | village | period | month |
    #                           year | quarter | start | end | indicator | target | ignored | unknown
    indicator: str | None = None


def classify(header: str, catalogue: dict[str, str]) -> Column:
    """`catalogue` maps key(name_vi) -> indicator_code for the warehouse's indicators."""
    k = key(header)
    if not k:
        return Column("ignored")
    for kind, rx in (("village", VILLAGE), ("unit_code", UNIT_CODE), ("unit_name", UNIT_NAME), ("commune", COMMUNE_NAME),
                     ("district", DISTRICT_NAME), ("province", PROVINCE_NAME), ("period", PERIOD),
                     ("month", MONTH), ("year", YEAR), ("quarter", QUARTER), ("start", START), ("end", END)):
        if rx.match(k):
            return Column(kind)
    if _IGNORED.match(k):
        return Column("ignored")
    if _DERIVED.search(k):
        return Column("ignored")
    codes = set(catalogue.values())
    m = re.search(r"\(([a-z0-9_]+)\)\s*$", clean_code(header))
    target = bool(_TARGET.match(k))
    if m and m.group(1) in codes:
        return Column("target" if target else "indicator", m.group(1))
    body = _TARGET.sub("", k) if target else k
    code = catalogue.get(body) or (body.replace(" ", "_") if body.replace(" ", "_") in codes else None)
    if code is None:
        code = _by_phrase(body)
    if code is None or code not in codes:
        return Column("unknown")
    return Column("target" if target else "indicator", code)


def clean_code(header: str) -> str:
    return str(header).strip().lower()


def _by_phrase(k: str) -> str | None:
    best, best_len = None, 0
    padded = f" {k} "
    for code, phrases in PHRASES.items():
        for p in phrases:
            if len(p) > best_len and f" {p} " in padded:
                best, best_len = code, len(p)
    if best in PCT_TWIN and _PCT_WORDS.search(k):
        return PCT_TWIN[best]
    return best


def header_score(cols: list[Column]) -> int:
    has_unit = any(c.kind in ("unit_code", "unit_name", "commune", "district", "province") for c in cols)
    n_ind = sum(c.kind in ("indicator", "target") for c in cols)
    return (10 + n_ind) if has_unit and n_ind else 0
