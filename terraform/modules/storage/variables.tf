variable "project_id" {
  type        = string
  description = "Project that owns the buckets; also the bucket name prefix (bucket names are global)."
}

variable "region" {
  type        = string
  description = "Region of the Artifact Registry repository (the services' region)."
}

variable "location" {
  type        = string
  description = "Bucket location. Use the services' region: the Eventarc trigger must be in the inbox bucket's region."
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every bucket name after the project id, and the image repository id."
  default     = "upstream"
}

variable "labels" {
  type        = map(string)
  description = "Labels added to every bucket and the repository."
  default     = {}
}

variable "quarantine_prefix" {
  type        = string
  description = "Object prefix under which ingest_claims moves refused files."
  default     = "quarantine/"
}

variable "quarantine_retention_days" {
  type        = number
  description = "Days a quarantined file is kept before deletion."
  default     = 30
}

variable "inbox_retention_days" {
  type        = number
  description = "Days a customer's file is kept in the inbox before deletion (the claims live in Postgres)."
  default     = 400
}

variable "reports_retention_days" {
  type        = number
  description = "Days a generated report is kept."
  default     = 400
}

variable "source_retention_days" {
  type        = number
  description = "Days a release's source archive is kept."
  default     = 365
}

variable "noncurrent_retention_days" {
  type        = number
  description = "Days an overwritten or deleted object version stays recoverable."
  default     = 30
}

variable "access_log_retention_days" {
  type        = number
  description = "Days bucket access logs are kept."
  default     = 365
}

variable "images_keep_count" {
  type        = number
  description = "Most recent image versions per function always kept (rollback targets)."
  default     = 20
}

variable "images_max_age_days" {
  type        = number
  description = "Images older than this (and not among the kept recent ones) are deleted."
  default     = 180
}
