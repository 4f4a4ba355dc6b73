variable "project_id" {
  type        = string
  description = "Project of the scheduler jobs."
}

variable "region" {
  type        = string
  description = "Region of the scheduler jobs and of the report job."
}

variable "time_zone" {
  type        = string
  description = "Time zone of the schedules (tz database name)."
  default     = "America/New_York"
}

variable "recompute_topic_id" {
  type        = string
  description = "Id of the `recompute-requested` topic."
}

variable "webhook_retry_schedule" {
  type        = string
  description = "Cron schedule of the due-webhook-deliveries pass (retries are due after 1-16 minutes)."
  default     = "* * * * *"
}

variable "recompute_schedule" {
  type        = string
  description = "Cron schedule of the daily recompute."
  default     = "15 5 * * *"
}

variable "report_schedule" {
  type        = string
  description = "Cron schedule of the weekly report."
  default     = "0 6 * * 1"
}

variable "image" {
  type        = string
  description = "Image of the report job (the api image of the stable release)."
}

variable "weekly_report_args" {
  type        = list(string)
  description = "Arguments to `python` in the report job."
  default     = ["-m", "common.cli", "report", "--all"]
}

variable "env" {
  type        = map(string)
  description = "Settings shared with the services; DB_USER is added here."
  default     = {}
}

variable "reports_bucket" {
  type        = string
  description = "Bucket the report job writes to."
}

variable "cloudsql_instance_name" {
  type        = string
  description = "Cloud SQL instance name for the report job's IAM login."
}

variable "network_id" {
  type        = string
  description = "VPC network for the job's Direct VPC egress."
}

variable "subnet_id" {
  type        = string
  description = "Subnet for the job's Direct VPC egress."
}

variable "labels" {
  type        = map(string)
  description = "Labels on the report job."
  default     = {}
}
