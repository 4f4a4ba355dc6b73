variable "project_id" {
  type        = string
  description = "Project of the service."
}

variable "region" {
  type        = string
  description = "Cloud Run region."
}

variable "function" {
  type        = string
  description = "Folder name under functions/ (also the entry point); the service is named with dashes."

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]*$", var.function))
    error_message = "function must be a lower-case Python identifier (a folder under functions/)."
  }
}

variable "image_repository" {
  type        = string
  description = "Artifact Registry path prefix; the image is <repository>/<service>:<candidate_release>."
}

variable "stable_release" {
  type        = string
  description = "Release (revision suffix) currently serving; receives 100 - candidate_percent."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}$", var.stable_release))
    error_message = "stable_release must start with a letter and use lower-case letters, digits and dashes."
  }
}

variable "candidate_release" {
  type        = string
  description = "Release being rolled out; the template builds revision <service>-<candidate_release>."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}$", var.candidate_release))
    error_message = "candidate_release must start with a letter and use lower-case letters, digits and dashes."
  }
}

variable "candidate_percent" {
  type        = number
  description = "Share of traffic (0-100) sent to the candidate revision; the stable one gets the rest."
  default     = 0

  validation {
    condition     = var.candidate_percent >= 0 && var.candidate_percent <= 100 && floor(var.candidate_percent) == var.candidate_percent
    error_message = "candidate_percent must be a whole number from 0 to 100."
  }
}

variable "public" {
  type        = bool
  description = "Whether anyone may invoke the service (allUsers run.invoker, all ingress). Only the api."
  default     = false
}

variable "env" {
  type        = map(string)
  description = "Plain environment variables (the Settings of common/config.py). DB_USER is added here."
  default     = {}
}

variable "secret_env" {
  type        = map(string)
  description = "Environment variable => Secret Manager secret id (latest version); accessor granted here."
  default     = {}
}

variable "cpu" {
  type        = string
  description = "CPU limit per instance, e.g. \"1\"."
  default     = "1"
}

variable "memory" {
  type        = string
  description = "Memory limit per instance, e.g. \"512Mi\"."
  default     = "512Mi"
}

variable "min_instances" {
  type        = number
  description = "Instances kept warm."
  default     = 0
}

variable "max_instances" {
  type        = number
  description = "Upper bound on instances (bounds Cloud SQL connections: max_instances × pool size)."
  default     = 10
}

variable "concurrency" {
  type        = number
  description = "Requests one instance handles at once."
  default     = 10
}

variable "timeout_seconds" {
  type        = number
  description = "Request timeout; for push consumers keep it below the subscription's ack deadline."
  default     = 300
}

variable "network_id" {
  type        = string
  description = "VPC network for Direct VPC egress."
}

variable "subnet_id" {
  type        = string
  description = "Subnet for Direct VPC egress."
}

variable "cloudsql_instance_name" {
  type        = string
  description = "Cloud SQL instance name (not connection name) for the service account's IAM login."
}

variable "bucket_roles" {
  type = list(object({
    bucket = string
    role   = string
  }))
  description = "Bucket-level grants for this service account only."
  default     = []
}

variable "publish_topic_ids" {
  type        = list(string)
  description = "Topic ids this function publishes to (roles/pubsub.publisher on each)."
  default     = []
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse `terraform destroy` of the service."
  default     = true
}

variable "labels" {
  type        = map(string)
  description = "Labels on the service and its revisions."
  default     = {}
}
