output "api_url" {
  description = "Public URL of the api (routes by the traffic split)."
  value       = module.service["api"].uri
}

output "api_candidate_url" {
  description = "URL reaching only the api's candidate revision (smoke tests)."
  value       = lookup(module.service["api"].tag_urls, "candidate", "")
}

output "services" {
  description = "Function => service name, URL, stable and candidate revision."
  value = {
    for fn, s in module.service : fn => {
      name               = s.name
      uri                = s.uri
      stable_revision    = s.stable_revision
      candidate_revision = s.candidate_revision
    }
  }
}

output "stable_release" {
  description = "Release serving the stable share."
  value       = var.stable_release
}

output "candidate_release" {
  description = "Release of the candidate revisions."
  value       = var.candidate_release
}

output "candidate_percent" {
  description = "Current candidate share."
  value       = var.candidate_percent
}

output "image_repository" {
  description = "Where cloudbuild.yaml pushes the images."
  value       = module.storage.image_repository
}

output "inbox_bucket" {
  description = "INBOX_BUCKET."
  value       = module.storage.inbox_bucket
}

output "reports_bucket" {
  description = "REPORTS_BUCKET."
  value       = module.storage.reports_bucket
}

output "source_bucket" {
  description = "Release source archives."
  value       = module.storage.source_bucket
}

output "sql_instance_name" {
  description = "Cloud SQL instance (backups before every deploy)."
  value       = module.database.instance_name
}

output "sql_connection_name" {
  description = "CLOUDSQL_INSTANCE."
  value       = module.database.connection_name
}

output "migrate_job" {
  description = "Cloud Run job running migrations."
  value       = module.database.migrate_job
}

output "admin_job" {
  description = "Cloud Run job for one-off commands."
  value       = module.database.admin_job
}

output "db_app_logins" {
  description = "IAM database logins that need the application role after migrations (space-separated)."
  value = join(" ", concat(
    [for s in module.service : s.db_user],
    [module.database.admin_db_user, module.scheduler.report_db_user],
  ))
}

output "dead_letter_subscriptions" {
  description = "Dead-letter pull subscriptions (what `upstream dlq` reads)."
  value       = keys(module.messaging.dead_letter_subscriptions)
}

output "portal_url" {
  description = "Public URL of the web portal."
  value       = module.service["portal"].uri
}
