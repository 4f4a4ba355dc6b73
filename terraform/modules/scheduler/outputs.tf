output "daily_recompute_job" {
  description = "Cloud Scheduler job id of the daily recompute."
  value       = google_cloud_scheduler_job.daily_recompute.id
}

output "weekly_report_job" {
  description = "Cloud Run job that writes the weekly report."
  value       = google_cloud_run_v2_job.weekly_report.name
}

output "report_db_user" {
  description = "IAM login of the report job (needs the application role)."
  value       = google_sql_user.report.name
}
