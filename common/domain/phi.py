"""PHI detection per value (SPEC 2.4).

Functions return a rule name (`phi.ssn`, `phi.phone`, `phi.email`, `phi.mrn`, `phi.person_name`,
`phi.dob`) or None. They never put the value in a message, an exception or a log line: the
caller reports row, column and rule only. Cheap character tests run before any regex because
most values are clean and this runs for every kept cell.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources

from common.domain import rules

# A scan "kind" says which checks a column gets (SPEC 2.4):
#   CLAIM_ID / CODE  claim ids, cpt and denial codes identify the claim, not the patient: the
#                    dashed SSN shape only (a 9-digit code such as a SNOMED id is fine);
#   TEXT             free text (denial reason text): dashed SSN, a bare 9-digit run unless a
#                    reference word precedes it, phone, e-mail, MRN;
#   VALUE            structured values that failed to parse (dates, money, outcome, line
#                    number): dashed SSN, phone, e-mail;
#   PAYER            dashed SSN, phone, e-mail and the person-name rule;
#   TRUSTED_PAYER    PAYER without the person-name rule: the caller uses it for names the
#                    customer has in its payer aliases;
#   DOB              a date of any shape in a column named like dob/birth.
CLAIM_ID, PAYER, TEXT, DOB = "claim_id", "payer", "text", "dob"
CODE = CLAIM_ID
VALUE, TRUSTED_PAYER = "value", "trusted_payer"
KINDS = frozenset({CLAIM_ID, TEXT, VALUE, PAYER, TRUSTED_PAYER, DOB})

_SSN_DASHED = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")
# A bare 9-digit run, but not part of a longer number or an amount like 123456789.00.
_SSN_BARE = re.compile(r"(?<![\w$.,])\d{9}(?!\w|[.,]\d)")
# A bare 9-digit run right after one of these words (within three words, punctuation aside) is a
# claim, check or trace number, not an SSN: "appeal reference 240501123", "claim no. 123456789".
_REFERENCE_WORDS = frozenset(
    {
        "ref", "reference", "icn", "claim", "control", "auth", "authorization", "check", "eft",
        "trace",
    }
)  # fmt: skip
_REFERENCE_WINDOW = 3
_WORDS = re.compile(r"[^\W_]+")
# US numbers with separators: (555) 123-4567, 555-123-4567, 555.123.4567, +1 555 123 4567.
# Bare 10-digit runs are not flagged: NPIs and payer ids have that shape. The area code is
# captured so that toll-free payer contact lines can be let through.
_PHONE = re.compile(
    r"(?<![\w$.,])(?:\+?1[\s.-]?)?"
    r"(?:\(\s?(?P<paren>[2-9]\d{2})\s?\)\s?|(?P<plain>[2-9]\d{2})[\s.-])\d{3}[\s.-]\d{4}"
    r"(?!\w|[.,]\d)|\+1(?P<e164>\d{3})\d{7}(?!\d)"
)
_TOLL_FREE = frozenset({"800", "833", "844", "855", "866", "877", "888"})
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
# Words that make a "First Word" value an organisation, not a person ("Oscar Health",
# "Christian Brothers", "Samaritan Ministries"). Only values that start with a common first name
# reach this test, so a word here matters only after one ("Dean Health Plan").
_ORG_WORDS_TEXT = """
    health healthcare care plan plans insurance ins insurer insurers medical medicare medicaid
    blue cross shield bluecross blueshield mutual life group network networks partners alliance
    choice community select advantage benefit benefits service services assurance casualty
    indemnity underwriters national general employers trust trustees fund funds administrators
    administrator administration company companies co corp corporation inc incorporated llc ltd
    hmo ppo epo pos regional hospital hospitals clinic clinics center centre system systems
    solutions options of the and america american federal state county tricare va veterans
    affairs dental vision pharmacy rx comp compensation workers auto liability union local
    employee employees family ministries ministry brothers brotherhood sisters fraternal
    benevolent security premier priority secure total one net direct plus senior seniors gold
    silver platinum complete wellness value access connect united universal medi mco program
    programs financial guardian associates foundation society association assn cooperative
    coop co-op welfare pension retirement retirees department dept agency authority board
    bureau council commission division university
"""
_ORG_WORDS = frozenset(_ORG_WORDS_TEXT.split())
# The built-in directory of US payer organisation names (SPEC 2.4), one per line; read once, on
# the first value that looks like a person (scripts/build_payer_directory.py writes it).
_DIRECTORY_PACKAGE, _DIRECTORY_FILE = "common.domain.data", "us_payer_names.txt"


def scan(value: str, kind: str = TEXT) -> str | None:
    """The first PHI rule `value` breaks in a column of this kind, or None."""
    if kind == CLAIM_ID:
        return rules.PHI_SSN if "-" in value and _SSN_DASHED.search(value) else None
    return _scan_cached(value, kind) if value else None


@lru_cache(maxsize=1 << 16)
def _scan_cached(value: str, kind: str) -> str | None:
    if kind == DOB:
        return rules.PHI_DOB if _DATE_SHAPE.search(value) else None
    if kind == TEXT:
        return _identifiers(value, free_text=True)
    if kind not in KINDS:
        raise ValueError(f"unknown PHI scan kind {kind!r}")
    rule = _identifiers(value, free_text=False)
    if rule is None and kind == PAYER and looks_like_person(value):
        return rules.PHI_PERSON_NAME
    return rule


def _identifiers(value: str, *, free_text: bool) -> str | None:
    """E-mail, SSN and phone in any value; MRN and a bare 9-digit SSN in free text only."""
    # Most specific label first: "MRN 123456789" is an MRN, not an SSN.
    if free_text:
        lowered = value.lower()
        if ("mr" in lowered or "medical record" in lowered) and _MRN.search(value):
            return rules.PHI_MRN
    if "@" in value and _EMAIL.search(value):
        return rules.PHI_EMAIL
    digits = len(value) - len(value.translate(_DIGITS))
    if digits < 9:
        return None
    if "-" in value and _SSN_DASHED.search(value):
        return rules.PHI_SSN
    if free_text and _bare_ssn(value):
        return rules.PHI_SSN
    if digits >= 10 and _phone(value):
        return rules.PHI_PHONE
    return None


def _bare_ssn(value: str) -> bool:
    """A bare 9-digit run that no reference word precedes within three words."""
    for match in _SSN_BARE.finditer(value):
        before = _WORDS.findall(value, 0, match.start())[-_REFERENCE_WINDOW:]
        if not any(word.lower() in _REFERENCE_WORDS for word in before):
            return True
    return False


def _phone(value: str) -> bool:
    """A US phone number that is not toll-free (toll-free numbers are payer contact lines)."""
    for match in _PHONE.finditer(value):
        if (match["paren"] or match["plain"] or match["e164"]) not in _TOLL_FREE:
            return True
    return False


def looks_like_person(value: str) -> bool:
    """2–3 capitalised words starting with a common first name, and not a trusted payer name.

    A name is trusted when it contains an organisation word or is in the built-in payer
    directory. "Smith, John" is read as "John Smith": practice systems export names last-name
    first.
    """
    name = value
    if name.count(",") == 1:
        last, first = name.split(",")
        name = f"{first} {last}"
    words = name.split()
    if not 2 <= len(words) <= 3 or words[0].lower() not in FIRST_NAMES:
        return False
    for word in words:
        core = word.rstrip(".")
        if not core or not core[0].isupper() or core.lower() in _ORG_WORDS:
            return False
        if not core.replace("'", "").replace("-", "").replace("\u2019", "").isalpha():
            return False
    return not (in_payer_directory(value) or in_payer_directory(name))


def in_payer_directory(name: str) -> bool:
    """Whether `name` is in the built-in directory of US payer organisations (any case)."""
    return " ".join(name.split()).lower() in _payer_directory()


@cache
def _payer_directory() -> frozenset[str]:
    text = resources.files(_DIRECTORY_PACKAGE).joinpath(_DIRECTORY_FILE).read_text("utf-8")
    return frozenset(
        " ".join(line.split()).lower()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


# Canonical fields (common.domain.columns) by the checks they get; any other field gets TEXT.
_CODE_FIELDS = frozenset({"claim_id", "cpt", "denial_reason_code"})
_VALUE_FIELDS = frozenset(
    {
        "line_number", "service_date", "submitted_date", "decided_date", "payment_date",
        "outcome", "billed_amount", "allowed_amount", "paid_amount",
    }
)  # fmt: skip


def column_kind(field: str) -> str:
    """Which checks a canonical column gets."""
    if field in _CODE_FIELDS:
        return CODE
    if field == PAYER:
        return PAYER
    if "dob" in field or "birth" in field:
        return DOB
    return VALUE if field in _VALUE_FIELDS else TEXT
