# Alerts that page on-call: any dead letter waiting, a 5xx rate on any service, ingest failures.

resource "google_monitoring_notification_channel" "oncall_email" {
  count        = var.oncall_email == "" ? 0 : 1
  project      = var.project_id
  display_name = "Upstream on-call (${var.environment})"
  type         = "email"
  labels = {
    email_address = var.oncall_email
  }
}

locals {
  channels = concat(google_monitoring_notification_channel.oncall_email[*].id, var.notification_channels)
  dlq_list = join(", ", [for s in var.dead_letter_subscriptions : "\"${s}\""])
}

resource "google_monitoring_alert_policy" "dead_letters" {
  project               = var.project_id
  display_name          = "[${var.environment}] Dead letters waiting"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channels

  conditions {
    display_name = "Undelivered messages in a -dlq subscription > 0"
    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.labels.subscription_id = one_of(${local.dlq_list})"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A message failed ${var.max_delivery_attempts} deliveries and was dead-lettered. Inspect with `upstream dlq list` / `upstream dlq show ID`, fix the cause, then `upstream dlq replay ID` or `upstream dlq purge`."
  }
}

resource "google_monitoring_alert_policy" "server_errors" {
  project               = var.project_id
  display_name          = "[${var.environment}] 5xx rate"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channels

  conditions {
    display_name = "5xx responses per second, per service, above ${var.error_rate_per_second}"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"run.googleapis.com/request_count\" AND metric.labels.response_code_class = \"5xx\""
      comparison      = "COMPARISON_GT"
      threshold_value = var.error_rate_per_second
      duration        = "300s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_RATE"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.labels.service_name"]
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A service answers 5xx. For Pub/Sub consumers this means retries (and dead letters after ${var.max_delivery_attempts} attempts). Check the service's logs; if a rollout is in progress the deploy build rolls back by itself."
  }
}

# Errors logged by ingest-claims: a file that could not be processed (transient or a bug).
resource "google_logging_metric" "ingest_failures" {
  project = var.project_id
  name    = "ingest_failures"
  filter  = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${var.ingest_service}\" AND severity>=ERROR"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

resource "google_monitoring_alert_policy" "ingest_failures" {
  project               = var.project_id
  display_name          = "[${var.environment}] Ingest failures"
  combiner              = "OR"
  severity              = "ERROR"
  notification_channels = local.channels

  conditions {
    display_name = "ERROR logs from ${var.ingest_service}"
    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.ingest_failures.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "ingest-claims logged an error: an upload did not load. Find it with `upstream uploads` / the uploads API (status failed) and the log entry's upload id."
  }
}
