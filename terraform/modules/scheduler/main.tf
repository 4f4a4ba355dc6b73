# Time-driven work:
# - daily recompute: Cloud Scheduler publishes RecomputeRequested(customer_id=None) to
#   `recompute-requested`; recompute_fanout turns it into one ClaimsLoaded per active customer.
# - weekly report: Cloud Scheduler runs the `weekly-report` Cloud Run job.

resource "google_service_account" "scheduler" {
  project      = var.project_id
  account_id   = "scheduler"
  display_name = "Cloud Scheduler"
  description  = "Publishes the daily recompute and starts the weekly report job."
}

resource "google_pubsub_topic_iam_member" "recompute_publisher" {
  project = var.project_id
  topic   = var.recompute_topic_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.scheduler.email}"
}

resource "google_cloud_scheduler_job" "daily_recompute" {
  project     = var.project_id
  region      = var.region
  name        = "daily-recompute"
  description = "RecomputeRequested for every active customer (SPEC: signals refresh daily)."
  schedule    = var.recompute_schedule
  time_zone   = var.time_zone

  retry_config {
    retry_count          = 3
    min_backoff_duration = "30s"
    max_backoff_duration = "600s"
  }

  # The message exactly as common/domain/messages.py encodes RecomputeRequested().
  pubsub_target {
    topic_name = var.recompute_topic_id
    data = base64encode(jsonencode({
      as_of          = null
      customer_id    = null
      event_type     = "RecomputeRequested"
      schema_version = 1
      scope          = "signals"
    }))
    attributes = {
      event_type     = "RecomputeRequested"
      schema_version = "1"
    }
  }

  depends_on = [google_pubsub_topic_iam_member.recompute_publisher]
}

# Webhook retries are due 1, 2, 4, 8 and 16 minutes after a failed attempt (SPEC 4): a
# deliveries-only request every minute runs the due-deliveries pass without recomputing.
resource "google_cloud_scheduler_job" "webhook_retries" {
  project     = var.project_id
  region      = var.region
  name        = "webhook-retries"
  description = "RecomputeRequested(scope=deliveries): sends due webhook retries."
  schedule    = var.webhook_retry_schedule
  time_zone   = var.time_zone

  pubsub_target {
    topic_name = var.recompute_topic_id
    data = base64encode(jsonencode({
      as_of          = null
      customer_id    = null
      event_type     = "RecomputeRequested"
      schema_version = 1
      scope          = "deliveries"
    }))
    attributes = {
      event_type     = "RecomputeRequested"
      schema_version = "1"
    }
  }

  depends_on = [google_pubsub_topic_iam_member.recompute_publisher]
}

# --- weekly report ------------------------------------------------------------------------------

resource "google_service_account" "report" {
  project      = var.project_id
  account_id   = "run-weekly-report"
  display_name = "Cloud Run job weekly-report"
  description  = "Writes the weekly reports into the reports bucket."
}

resource "google_project_iam_member" "report_cloudsql" {
  for_each = toset(["roles/cloudsql.client", "roles/cloudsql.instanceUser"])
  project  = var.project_id
  role     = each.key
  member   = "serviceAccount:${google_service_account.report.email}"
}

resource "google_sql_user" "report" {
  project  = var.project_id
  instance = var.cloudsql_instance_name
  name     = trimsuffix(google_service_account.report.email, ".gserviceaccount.com")
  type     = "CLOUD_IAM_SERVICE_ACCOUNT"
}

resource "google_storage_bucket_iam_member" "report_writer" {
  bucket = var.reports_bucket
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.report.email}"
}

resource "google_cloud_run_v2_job" "weekly_report" {
  project             = var.project_id
  name                = "weekly-report"
  location            = var.region
  deletion_protection = false
  labels              = var.labels

  template {
    task_count = 1
    template {
      service_account = google_service_account.report.email
      timeout         = "1800s"
      max_retries     = 1

      vpc_access {
        egress = "PRIVATE_RANGES_ONLY"
        network_interfaces {
          network    = var.network_id
          subnetwork = var.subnet_id
        }
      }

      containers {
        image   = var.image
        command = ["python"]
        args    = var.weekly_report_args

        resources {
          limits = {
            cpu    = "1"
            memory = "2Gi"
          }
        }

        dynamic "env" {
          for_each = merge(var.env, {
            DB_USER = google_sql_user.report.name
          })
          content {
            name  = env.key
            value = env.value
          }
        }
      }
    }
  }

  depends_on = [google_project_iam_member.report_cloudsql]
}

resource "google_cloud_run_v2_job_iam_member" "scheduler_runs_report" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_job.weekly_report.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.scheduler.email}"
}

resource "google_cloud_scheduler_job" "weekly_report" {
  project     = var.project_id
  region      = var.region
  name        = "weekly-report"
  description = "Runs the weekly-report Cloud Run job."
  schedule    = var.report_schedule
  time_zone   = var.time_zone

  retry_config {
    retry_count = 2
  }

  http_target {
    http_method = "POST"
    uri         = "https://run.googleapis.com/v2/projects/${var.project_id}/locations/${var.region}/jobs/${google_cloud_run_v2_job.weekly_report.name}:run"

    oauth_token {
      service_account_email = google_service_account.scheduler.email
      scope                 = "https://www.googleapis.com/auth/cloud-platform"
    }
  }

  depends_on = [google_cloud_run_v2_job_iam_member.scheduler_runs_report]
}
