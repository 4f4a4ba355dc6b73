variable "project_id" {
  type        = string
  description = "Project whose metrics are watched."
}

variable "environment" {
  type        = string
  description = "Environment name shown in alert titles (dev, prod)."
}

variable "oncall_email" {
  type        = string
  description = "E-mail address paged by every alert; empty to rely on notification_channels only."
  default     = ""
}

variable "notification_channels" {
  type        = list(string)
  description = "Existing notification channel ids (PagerDuty, Slack…) paged besides oncall_email."
  default     = []
}

variable "dead_letter_subscriptions" {
  type        = list(string)
  description = "Names of the dead-letter pull subscriptions (`<name>-dlq`)."
}

variable "max_delivery_attempts" {
  type        = number
  description = "Delivery attempts before dead-lettering (for the alert text)."
  default     = 5
}

variable "ingest_service" {
  type        = string
  description = "Cloud Run service name of ingest_claims."
  default     = "ingest-claims"
}

variable "error_rate_per_second" {
  type        = number
  description = "5xx responses per second, per service, sustained 5 minutes, that page."
  default     = 0.05
}
