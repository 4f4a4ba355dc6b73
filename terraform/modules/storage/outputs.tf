output "inbox_bucket" {
  description = "Inbox bucket name (INBOX_BUCKET)."
  value       = google_storage_bucket.inbox.name
}

output "reports_bucket" {
  description = "Reports bucket name (REPORTS_BUCKET)."
  value       = google_storage_bucket.reports.name
}

output "source_bucket" {
  description = "Bucket holding each release's source archive."
  value       = google_storage_bucket.source.name
}

output "access_logs_bucket" {
  description = "Bucket receiving the other buckets' access logs."
  value       = google_storage_bucket.access_logs.name
}

output "image_repository" {
  description = "Docker image path prefix: <region>-docker.pkg.dev/<project>/<repository>."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}
