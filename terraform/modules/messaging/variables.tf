variable "project_id" {
  type        = string
  description = "Project of the topics and subscriptions."
}

variable "region" {
  type        = string
  description = "Region of the services and of the Eventarc trigger (the inbox bucket's region)."
}

variable "topics" {
  type        = list(string)
  description = "Topic names (topology module output `topics`)."
}

variable "subscriptions" {
  type = map(object({
    topic    = string
    function = string
  }))
  description = "Push subscriptions by name `<function-with-dashes>-<topic>` (topology module output)."
}

variable "services" {
  type = map(object({
    name = string
    uri  = string
  }))
  description = "Function folder name => its Cloud Run service name and URL (service module outputs)."
}

variable "storage_consumer" {
  type        = string
  description = "Function receiving inbox object.finalized events."
  default     = "ingest_claims"
}

variable "inbox_bucket" {
  type        = string
  description = "Inbox bucket name."
}

variable "max_delivery_attempts" {
  type        = number
  description = "Deliveries before a message is dead-lettered (5 in common/topology.py)."
  default     = 5

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100
    error_message = "Pub/Sub accepts 5 to 100 delivery attempts."
  }
}

variable "minimum_backoff" {
  type        = string
  description = "Shortest wait before redelivering a nacked or failed message (exponential backoff)."
  default     = "10s"
}

variable "maximum_backoff" {
  type        = string
  description = "Longest wait between redeliveries."
  default     = "600s"
}

variable "ack_deadline_seconds" {
  type        = number
  description = "Push ack deadline; keep the consumers' request timeout at or below it."
  default     = 600
}

variable "topic_retention" {
  type        = string
  description = "How long topics keep messages for seek/replay."
  default     = "604800s"
}

variable "subscription_retention" {
  type        = string
  description = "How long subscriptions keep unacknowledged messages (at most 7 days)."
  default     = "604800s"
}

variable "dead_letter_retention" {
  type        = string
  description = "How long dead-letter topics keep messages."
  default     = "2678400s"
}

variable "oncall_members" {
  type        = list(string)
  description = "IAM members (e.g. group:oncall@example.com) who list, replay and purge dead letters."
  default     = []
}

variable "labels" {
  type        = map(string)
  description = "Labels on topics, subscriptions and the trigger."
  default     = {}
}
