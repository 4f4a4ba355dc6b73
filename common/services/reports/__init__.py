"""Reports (SPEC 5): the weekly PDF + CSV per customer, stored in the reports bucket."""

from common.services.reports.data import ReportOptions
from common.services.reports.levels import denial_dollars_high
from common.services.reports.render import CSV_HEADER
from common.services.reports.trends import trim_weeks
from common.services.reports.weekly import report_object_name, write_weekly_report

__all__ = [
    "CSV_HEADER",
    "ReportOptions",
    "denial_dollars_high",
    "report_object_name",
    "trim_weeks",
    "write_weekly_report",
]
