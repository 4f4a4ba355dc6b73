"""PHI detection per value (SPEC 2.4).

Functions return a rule name (`phi.ssn`, `phi.phone`, `phi.email`, `phi.mrn`, `phi.person_name`,
`phi.dob`) or None. They never put the value in a message, an exception or a log line: the
caller reports row, column and rule only. Cheap character tests run before any regex because
most values are clean and this runs for every kept cell.
"""

from __future__ import annotations

import re
from functools import lru_cache

from common.domain import rules

# A scan "kind" says which checks a column gets: claim ids identify the claim, not the patient,
# so they only get the SSN shape; the payer column also gets the person-name check.
CLAIM_ID, PAYER, TEXT, DOB = "claim_id", "payer", "text", "dob"

_SSN_DASHED = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")
# A bare 9-digit run, but not part of a longer number or an amount like 123456789.00.
_SSN_BARE = re.compile(r"(?<![\w$.,])\d{9}(?!\w|[.,]\d)")
# US numbers with separators: (555) 123-4567, 555-123-4567, 555.123.4567, +1 555 123 4567.
# Bare 10-digit runs are not flagged: NPIs and payer ids have that shape.
_PHONE = re.compile(
    r"(?<![\w$.,])(?:\+?1[\s.-]?)?(?:\(\s?[2-9]\d{2}\s?\)\s?|[2-9]\d{2}[\s.-])\d{3}[\s.-]\d{4}"
    r"(?!\w|[.,]\d)|\+1\d{10}(?!\d)"
)
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# A label, then an id that contains at least one digit ("MRN 88812345", "MR# A-1234").
_MRN = re.compile(
    r"\b(?:MRN|MR\s?#|MR\s?(?:No|Num|Number)\b\.?|medical\s+record(?:\s+(?:number|num|no|id))?)"
    r"\s*(?:[:#=.-]|is\b)?\s*#?\s*[A-Z]{0,4}-?\d[A-Z0-9-]*",
    re.IGNORECASE,
)
_DIGITS = str.maketrans("", "", "0123456789")
_DATE_SHAPE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{8}")

_FIRST_NAMES_TEXT = """
    james john robert michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy
    ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott
    brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron
    jose adam nathan henry douglas zachary peter kyle ethan walter noah jeremy christian keith
    roger terry gerald harold sean austin carl arthur lawrence dylan jesse jordan bryan billy joe
    bruce gabriel logan albert willie alan juan wayne elijah randy roy vincent ralph eugene russell
    bobby mason philip louis luis carlos oscar liam lucas dean martin tony jim bob mike bill tom
    dave steve chris matt dan
    mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty
    margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa deborah
    stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma
    nicole helen samantha katherine christine debra rachel carolyn janet catherine maria heather
    diane ruth julie olivia joyce victoria kelly christina lauren joan evelyn judith megan andrea
    cheryl hannah jacqueline martha gloria teresa ann sara madison frances kathryn janice jean
    abigail alice julia judy sophia grace denise amber doris marilyn danielle beverly isabella
    theresa diana natalie brittany charlotte marie kayla alexis lori ava mia jane rose anne ellen
    sue lucy
"""
FIRST_NAMES = frozenset(_FIRST_NAMES_TEXT.split())
# Words that make a "First Word" value an organisation, not a person ("Oscar Health").
_ORG_WORDS_TEXT = """
    health healthcare care plan plans insurance ins medical medicare medicaid blue cross shield
    bluecross blueshield mutual life group network partners alliance choice community select
    advantage benefit benefits service services assurance casualty national general employers
    trust fund administrators administrator company co corp inc llc hmo ppo epo pos regional
    hospital clinic center centre system systems solutions options of the and america american
    federal state county tricare dental vision pharmacy rx comp compensation workers auto
    liability union local employee employees family ministries security premier priority secure
    total one net direct plus senior seniors gold silver platinum complete wellness value access
    connect united universal medi mco
"""
_ORG_WORDS = frozenset(_ORG_WORDS_TEXT.split())


def scan(value: str, kind: str = TEXT) -> str | None:
    """The first PHI rule `value` breaks in a column of this kind, or None."""
    if kind == CLAIM_ID:
        return rules.PHI_SSN if "-" in value and _SSN_DASHED.search(value) else None
    return _scan_cached(value, kind)


@lru_cache(maxsize=1 << 16)
def _scan_cached(value: str, kind: str) -> str | None:
    if kind == DOB:
        return rules.PHI_DOB if _DATE_SHAPE.search(value) else None
    rule = _identifiers(value)
    if rule is None and kind == PAYER and looks_like_person(value):
        return rules.PHI_PERSON_NAME
    return rule


def _identifiers(value: str) -> str | None:
    # Most specific label first: "MRN 123456789" is an MRN, not an SSN.
    lowered = value.lower()
    if ("mr" in lowered or "medical record" in lowered) and _MRN.search(value):
        return rules.PHI_MRN
    if "@" in value and _EMAIL.search(value):
        return rules.PHI_EMAIL
    digits = len(value) - len(value.translate(_DIGITS))
    if digits >= 9 and (_SSN_DASHED.search(value) or _SSN_BARE.search(value)):
        return rules.PHI_SSN
    if digits >= 10 and _PHONE.search(value):
        return rules.PHI_PHONE
    return None


def looks_like_person(value: str) -> bool:
    """2–3 capitalised words starting with a common first name, and no organisation word.

    "Smith, John" is read as "John Smith": practice systems export names last-name first.
    """
    if value.count(",") == 1:
        last, first = value.split(",")
        value = f"{first} {last}"
    words = value.split()
    if not 2 <= len(words) <= 3 or words[0].lower() not in FIRST_NAMES:
        return False
    for word in words:
        core = word.rstrip(".")
        if not core or not core[0].isupper() or core.lower() in _ORG_WORDS:
            return False
        if not core.replace("'", "").replace("-", "").replace("\u2019", "").isalpha():
            return False
    return True


def column_kind(field: str) -> str:
    """Which checks a canonical column gets."""
    if field in (CLAIM_ID, PAYER):
        return field
    return DOB if "dob" in field or "birth" in field else TEXT
