# dev: smallest sizes, zonal database, services may be destroyed.
module "upstream" {
  source = "../../modules/stack"

  project_id               = var.project_id
  region                   = var.region
  environment              = "dev"
  stable_release           = var.stable_release
  candidate_release        = var.candidate_release
  candidate_percent        = var.candidate_percent
  oncall_email             = var.oncall_email
  oncall_members           = var.oncall_members
  deployer_service_account = var.deployer_service_account

  db_tier                     = "db-custom-1-3840"
  db_availability_type        = "ZONAL"
  db_backup_retention_count   = 7
  db_pitr_retention_days      = 3
  log_level                   = "DEBUG"
  service_deletion_protection = false
}
