variable "project_id" {
  type        = string
  description = "Project of the instance."
}

variable "region" {
  type        = string
  description = "Region of the instance and of the jobs."
}

variable "instance_name" {
  type        = string
  description = "Cloud SQL instance name (not reusable for a week after deletion)."
}

variable "database_name" {
  type        = string
  description = "Database name (DB_NAME)."
  default     = "upstream"
}

variable "tier" {
  type        = string
  description = "Machine tier, e.g. db-custom-1-3840 (ENTERPRISE) or db-perf-optimized-N-2 (ENTERPRISE_PLUS)."
  default     = "db-custom-1-3840"
}

variable "edition" {
  type        = string
  description = "ENTERPRISE or ENTERPRISE_PLUS."
  default     = "ENTERPRISE"

  validation {
    condition     = contains(["ENTERPRISE", "ENTERPRISE_PLUS"], var.edition)
    error_message = "edition must be ENTERPRISE or ENTERPRISE_PLUS."
  }
}

variable "availability_type" {
  type        = string
  description = "ZONAL or REGIONAL (high availability with a standby)."
  default     = "ZONAL"

  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.availability_type)
    error_message = "availability_type must be ZONAL or REGIONAL."
  }
}

variable "disk_size_gb" {
  type        = number
  description = "Initial disk size; it grows automatically."
  default     = 20
}

variable "network_id" {
  type        = string
  description = "VPC network with private services access (the instance gets a private IP only)."
}

variable "subnet_id" {
  type        = string
  description = "Subnet for the jobs' Direct VPC egress."
}

variable "backup_start_time" {
  type        = string
  description = "HH:MM (UTC) at which the daily automated backup starts."
  default     = "02:00"
}

variable "backup_location" {
  type        = string
  description = "Multi-region or region where backups are stored; null keeps Cloud SQL's default."
  default     = null
}

variable "backup_retention_count" {
  type        = number
  description = "Automated backups kept."
  default     = 14

  validation {
    condition     = var.backup_retention_count >= 7
    error_message = "Keep at least 7 automated backups."
  }
}

variable "pitr_retention_days" {
  type        = number
  description = "Days of transaction logs kept for point-in-time recovery (1-7 on ENTERPRISE, up to 35 on ENTERPRISE_PLUS)."
  default     = 7

  validation {
    condition     = var.pitr_retention_days >= 1 && var.pitr_retention_days <= 35
    error_message = "pitr_retention_days must be between 1 and 35."
  }
}

variable "maintenance_day" {
  type        = number
  description = "Day of the maintenance window, 1 (Monday) to 7 (Sunday)."
  default     = 7
}

variable "maintenance_hour" {
  type        = number
  description = "Hour (UTC) the maintenance window starts."
  default     = 3
}

variable "extra_database_flags" {
  type        = map(string)
  description = "More database flags, merged over the logging and IAM defaults."
  default     = {}
}

variable "image_repository" {
  type        = string
  description = "Artifact Registry path prefix; the jobs run <repository>/api:<release> (it contains the whole repository)."
}

variable "release" {
  type        = string
  description = "Release whose api image the jobs start with; later releases are set by the deploy build."
}

variable "env" {
  type        = map(string)
  description = "Settings shared with the services (UPSTREAM_BACKEND, GOOGLE_CLOUD_PROJECT, buckets, LOG_LEVEL…)."
  default     = {}
}

variable "admin_secret_env" {
  type        = map(string)
  description = "Environment variable => secret name mounted into the admin job (e.g. ADMIN_PASSWORD)."
  default     = {}
}

variable "labels" {
  type        = map(string)
  description = "Labels on the instance and jobs."
  default     = {}
}
