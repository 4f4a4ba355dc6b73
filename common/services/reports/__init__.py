"""Reports (SPEC 5): the weekly PDF + CSV per customer, stored in the reports bucket."""

from common.services.reports.data import ReportOptions
from common.services.reports.render import CSV_HEADER
from common.services.reports.weekly import report_object_name, write_weekly_report

__all__ = ["CSV_HEADER", "ReportOptions", "report_object_name", "write_weekly_report"]
