output "instance_name" {
  description = "Cloud SQL instance name (for `gcloud sql backups create --instance`)."
  value       = google_sql_database_instance.this.name
}

output "connection_name" {
  description = "project:region:instance (CLOUDSQL_INSTANCE)."
  value       = google_sql_database_instance.this.connection_name
}

output "database_name" {
  description = "Database name (DB_NAME)."
  value       = google_sql_database.this.name
}

output "private_ip_address" {
  description = "The instance's private IP."
  value       = google_sql_database_instance.this.private_ip_address
}

output "migrate_job" {
  description = "Cloud Run job that applies migrations."
  value       = google_cloud_run_v2_job.migrate.name
}

output "admin_job" {
  description = "Cloud Run job for one-off `upstream` commands."
  value       = google_cloud_run_v2_job.admin.name
}

output "admin_db_user" {
  description = "IAM login of the admin job (needs the application role, like the services)."
  value       = google_sql_user.admin.name
}

output "migrator_db_user" {
  description = "IAM login of the migrate job (schema owner)."
  value       = google_sql_user.migrator.name
}
