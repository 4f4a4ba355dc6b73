# One function as a Cloud Run service: its own service account and grants, its database login,
# and a traffic split declared here so a rollout is a variable change:
#   stable revision    <- 100 - candidate_percent
#   candidate revision <- candidate_percent
# Revisions are named `<service>-<release>`; the image is `<repository>/<service>:<release>`,
# built from functions/<function>/main.py by cloudbuild.yaml with Google's buildpacks.

locals {
  service_name       = replace(var.function, "_", "-")
  stable_revision    = "${local.service_name}-${var.stable_release}"
  candidate_revision = "${local.service_name}-${var.candidate_release}"
  image              = "${var.image_repository}/${local.service_name}:${var.candidate_release}"
  # Cloud SQL IAM login of a service account: its e-mail without `.gserviceaccount.com`.
  db_user = trimsuffix(google_service_account.this.email, ".gserviceaccount.com")
}

resource "google_service_account" "this" {
  project      = var.project_id
  account_id   = substr("run-${local.service_name}", 0, 30)
  display_name = "Cloud Run ${local.service_name}"
  description  = "Runtime identity of functions/${var.function}; holds only that function's grants."
}

# Connect through the Cloud SQL connector and log in with IAM database authentication.
resource "google_project_iam_member" "cloudsql" {
  for_each = toset(["roles/cloudsql.client", "roles/cloudsql.instanceUser"])
  project  = var.project_id
  role     = each.key
  member   = "serviceAccount:${google_service_account.this.email}"
}

# The database login. Its membership in the application role (row-level security applies) is
# granted after migrations by the deploy build (`gcloud sql users assign-roles`), because the
# role is created by a migration.
resource "google_sql_user" "this" {
  project  = var.project_id
  instance = var.cloudsql_instance_name
  name     = local.db_user
  type     = "CLOUD_IAM_SERVICE_ACCOUNT"
}

resource "google_storage_bucket_iam_member" "this" {
  for_each = { for g in var.bucket_roles : "${g.bucket}/${g.role}" => g }
  bucket   = each.value.bucket
  role     = each.value.role
  member   = "serviceAccount:${google_service_account.this.email}"
}

resource "google_pubsub_topic_iam_member" "publish" {
  for_each = toset(var.publish_topic_ids)
  project  = var.project_id
  topic    = each.key
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:${google_service_account.this.email}"
}

resource "google_secret_manager_secret_iam_member" "this" {
  for_each  = toset(values(var.secret_env))
  project   = var.project_id
  secret_id = each.key
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.this.email}"
}

resource "google_cloud_run_v2_service" "this" {
  project             = var.project_id
  name                = local.service_name
  location            = var.region
  description         = "functions/${var.function}/main.py (entry point ${var.function})"
  ingress             = var.public ? "INGRESS_TRAFFIC_ALL" : "INGRESS_TRAFFIC_INTERNAL_ONLY"
  deletion_protection = var.deletion_protection
  labels              = merge(var.labels, { function = local.service_name })

  template {
    revision                         = local.candidate_revision
    service_account                  = google_service_account.this.email
    timeout                          = "${var.timeout_seconds}s"
    max_instance_request_concurrency = var.concurrency
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    labels                           = merge(var.labels, { release = var.candidate_release })

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    # Direct VPC egress: private ranges (Cloud SQL's private IP) go through the VPC.
    vpc_access {
      egress = "PRIVATE_RANGES_ONLY"
      network_interfaces {
        network    = var.network_id
        subnetwork = var.subnet_id
      }
    }

    containers {
      image = local.image

      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
        cpu_idle          = true
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = merge(var.env, { DB_USER = local.db_user })
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = var.secret_env
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value
              version = "latest"
            }
          }
        }
      }
    }
  }

  # The split. Percentages always add up to 100 (tests/infra checks it for every step).
  traffic {
    type     = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"
    revision = local.stable_revision
    percent  = 100 - var.candidate_percent
    tag      = "stable"
  }

  traffic {
    type     = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION"
    revision = local.candidate_revision
    percent  = var.candidate_percent
    tag      = "candidate"
  }

  lifecycle {
    # Written by gcloud when an operator inspects or tags by hand; not configuration.
    ignore_changes = [client, client_version]
  }

  depends_on = [
    google_project_iam_member.cloudsql,
    google_secret_manager_secret_iam_member.this,
  ]
}

# Only a public function (the api, which does its own JWT authentication) may be invoked by
# anyone; every other service needs an OIDC token from an identity granted run.invoker.
resource "google_cloud_run_v2_service_iam_member" "public" {
  count    = var.public ? 1 : 0
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.this.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
