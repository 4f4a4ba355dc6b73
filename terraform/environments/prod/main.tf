# prod: regional database with longer backup retention, a warm api instance.
module "upstream" {
  source = "../../modules/stack"

  project_id               = var.project_id
  region                   = var.region
  environment              = "prod"
  stable_release           = var.stable_release
  candidate_release        = var.candidate_release
  candidate_percent        = var.candidate_percent
  oncall_email             = var.oncall_email
  oncall_members           = var.oncall_members
  deployer_service_account = var.deployer_service_account

  db_tier                     = "db-custom-2-7680"
  db_availability_type        = "REGIONAL"
  db_backup_retention_count   = 30
  db_pitr_retention_days      = 7
  log_level                   = "INFO"
  service_deletion_protection = true

  sizing = {
    api           = { min_instances = 1, max_instances = 20 }
    ingest_claims = { max_instances = 10 }
  }
}
