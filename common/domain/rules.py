"""Every rule name an upload report can count (SPEC 2.4, 2.6), defined once.

Rules are `family.detail`; a row rule names what is wrong with one cell or row, a file rule
what makes the whole file unusable.
"""

from __future__ import annotations

# file rules: nothing loads
FILE_EMPTY = "file.empty"
FILE_MALFORMED = "file.malformed"
FILE_ENCODING = "file.encoding"
DATE_AMBIGUOUS_ORDER = "date.ambiguous_order"
FILE_TOO_LARGE = "file.too_large"
HEADER_MISSING_REQUIRED = "header.missing_required"
# X12 835 (SPEC 2.7): a file that cannot be read on is rejected; a broken envelope only warns
X12_MALFORMED = "x12.malformed"
X12_ENVELOPE = "x12.envelope"

# row rules
REQUIRED_PAYER = "required.payer"
REQUIRED_CPT = "required.cpt"
REQUIRED_OUTCOME = "required.outcome"
REQUIRED_SUBMITTED_DATE = "required.submitted_date"
REQUIRED_DECIDED_DATE = "required.decided_date"
DATE_INVALID = "date.invalid"
DATE_FUTURE = "date.future"
DATE_ORDER = "date.order"
MONEY_INVALID = "money.invalid"
MONEY_NEGATIVE = "money.negative"
CPT_INVALID = "cpt.invalid"
LINE_NUMBER_INVALID = "line_number.invalid"
DUPLICATE_ROW = "duplicate.row"

# PHI found where it must not be (SPEC 2.3)
PHI_SSN = "phi.ssn"
PHI_DOB = "phi.dob"
PHI_PERSON_NAME = "phi.person_name"
PHI_MRN = "phi.mrn"
PHI_EMAIL = "phi.email"
PHI_PHONE = "phi.phone"

# skips: the row is not a payer decision; counted in rows_skipped, neither accepted nor rejected
SKIP_SELF_PAY = "skip.self_pay"
SKIP_FOOTER = "skip.footer"

# warnings: the row loads
OUTCOME_UNKNOWN = "outcome.unknown"
OUTCOME_REVERSAL = "outcome.reversal"

# anomalies about the file itself (SPEC 2.6): warn, never block
IDENTITY_NO_CLAIM_ID = "identity.no_claim_id"
DATA_STALE = "data.stale"
VALIDITY_LOW = "validity.low"
OUTCOME_ALL_OTHER = "outcome.all_other"

# what to try when a rule fires, shown once per rule in the report
HINTS = {
    CPT_INVALID: "leading zeros lost? Codes like 00100 become 100 when a spreadsheet reads them "
    "as numbers: format the column as text before exporting",
}
