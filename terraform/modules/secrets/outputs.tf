output "secret_ids" {
  description = "Secret id => full resource id (projects/…/secrets/…)."
  value       = { for k, s in google_secret_manager_secret.this : k => s.id }
}

output "secret_names" {
  description = "Secret id => short secret name, for env value_source and per-service accessor grants."
  value       = { for k, s in google_secret_manager_secret.this : k => s.secret_id }
}
