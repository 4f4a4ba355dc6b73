variable "project_id" {
  type        = string
  description = "Google Cloud project of this environment."
}

variable "region" {
  type        = string
  description = "Region of every regional resource."
}

variable "environment" {
  type        = string
  description = "Environment name (dev, prod): labels, alert titles, the Cloud SQL instance name."
}

variable "stable_release" {
  type        = string
  description = "Release serving 100 - candidate_percent of the traffic (`r<short sha>`)."
}

variable "candidate_release" {
  type        = string
  description = "Release being rolled out; equals stable_release between rollouts."
}

variable "candidate_percent" {
  type        = number
  description = "Traffic share of the candidate revision: 0 → 10 → 50 → 100 during a rollout."
  default     = 0
}

variable "sizing" {
  type = map(object({
    cpu             = optional(string)
    memory          = optional(string)
    min_instances   = optional(number)
    max_instances   = optional(number)
    concurrency     = optional(number)
    timeout_seconds = optional(number)
  }))
  description = "Per function, overrides of the default sizing in main.tf (CPU, memory, instances, concurrency, timeout)."
  default     = {}
}

variable "db_tier" {
  type        = string
  description = "Cloud SQL machine tier."
  default     = "db-custom-1-3840"
}

variable "db_edition" {
  type        = string
  description = "Cloud SQL edition (ENTERPRISE or ENTERPRISE_PLUS)."
  default     = "ENTERPRISE"
}

variable "db_availability_type" {
  type        = string
  description = "ZONAL or REGIONAL."
  default     = "ZONAL"
}

variable "db_backup_retention_count" {
  type        = number
  description = "Automated backups kept."
  default     = 14
}

variable "db_pitr_retention_days" {
  type        = number
  description = "Days of point-in-time recovery."
  default     = 7
}

variable "db_app_role" {
  type        = string
  description = "Database role the services switch to (row-level security applies); DB_APP_ROLE."
  default     = "upstream_app"
}

variable "log_level" {
  type        = string
  description = "LOG_LEVEL of every service and job."
  default     = "INFO"
}

variable "time_zone" {
  type        = string
  description = "Time zone of the schedules."
  default     = "America/New_York"
}

variable "oncall_email" {
  type        = string
  description = "E-mail address every alert notifies (empty: notification_channels only)."
  default     = ""
}

variable "notification_channels" {
  type        = list(string)
  description = "Existing notification channel ids every alert notifies."
  default     = []
}

variable "oncall_members" {
  type        = list(string)
  description = "IAM members allowed to read, replay and purge dead letters."
  default     = []
}

variable "deployer_service_account" {
  type        = string
  description = "E-mail of the Cloud Build deployer service account (reads the smoke user's password)."
  default     = ""
}

variable "service_deletion_protection" {
  type        = bool
  description = "Refuse `terraform destroy` of the Cloud Run services."
  default     = true
}

variable "labels" {
  type        = map(string)
  description = "Extra labels on every resource that takes them."
  default     = {}
}
