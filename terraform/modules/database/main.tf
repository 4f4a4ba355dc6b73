# Cloud SQL for PostgreSQL 18: private IP only, IAM database authentication, TLS with client
# certificates (the Cloud SQL connector supplies them), automated backups with point-in-time
# recovery, deletion protection at both the Terraform and the API level, a maintenance window,
# Query Insights and logging flags that never write statement text (claim values are PHI).
# Also the Cloud Run jobs that run against it: `migrate` (Alembic as the schema owner) and
# `admin` (one-off `upstream` commands: first customer, first admin, smoke user).

locals {
  migrator_db_user = trimsuffix(google_service_account.migrator.email, ".gserviceaccount.com")
  admin_db_user    = trimsuffix(google_service_account.admin.email, ".gserviceaccount.com")
  job_image        = "${var.image_repository}/api:${var.release}"
}

resource "google_sql_database_instance" "this" {
  project             = var.project_id
  name                = var.instance_name
  region              = var.region
  database_version    = "POSTGRES_18"
  deletion_protection = true

  settings {
    tier                        = var.tier
    edition                     = var.edition
    availability_type           = var.availability_type
    disk_type                   = "PD_SSD"
    disk_size                   = var.disk_size_gb
    disk_autoresize             = true
    deletion_protection_enabled = true
    user_labels                 = var.labels

    ip_configuration {
      ipv4_enabled                                  = false
      private_network                               = var.network_id
      ssl_mode                                      = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
      enable_private_path_for_google_cloud_services = true
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
      start_time                     = var.backup_start_time
      location                       = var.backup_location
      transaction_log_retention_days = var.pitr_retention_days

      backup_retention_settings {
        retained_backups = var.backup_retention_count
        retention_unit   = "COUNT"
      }
    }

    maintenance_window {
      day          = var.maintenance_day
      hour         = var.maintenance_hour
      update_track = "stable"
    }

    insights_config {
      query_insights_enabled  = true
      query_plans_per_minute  = 5
      query_string_length     = 1024
      record_application_tags = true
      record_client_address   = false
    }

    # IAM database authentication: the services log in as their service accounts.
    database_flags {
      name  = "cloudsql.iam_authentication"
      value = "on"
    }

    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }

    database_flags {
      name  = "log_connections"
      value = "on"
    }

    database_flags {
      name  = "log_disconnections"
      value = "on"
    }

    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }

    database_flags {
      name  = "log_temp_files"
      value = "0"
    }

    # Durations only; statement text is never logged by duration (below).
    database_flags {
      name  = "log_duration"
      value = "on"
    }

    database_flags {
      name  = "log_min_messages"
      value = "error"
    }

    database_flags {
      name  = "log_min_error_statement"
      value = "error"
    }

    # Literals in claim queries are PHI: never log statements because they were slow.
    database_flags {
      name  = "log_min_duration_statement"
      value = "-1"
    }

    database_flags {
      name  = "log_statement"
      value = "ddl"
    }

    database_flags {
      name  = "log_hostname"
      value = "on"
    }

    database_flags {
      name  = "cloudsql.enable_pgaudit"
      value = "on"
    }

    # Audit schema and role changes, never data access parameters.
    database_flags {
      name  = "pgaudit.log"
      value = "ddl,role"
    }

    database_flags {
      name  = "pgaudit.log_parameter"
      value = "off"
    }

    dynamic "database_flags" {
      for_each = var.extra_database_flags
      content {
        name  = database_flags.key
        value = database_flags.value
      }
    }
  }
}


resource "google_sql_database" "this" {
  project         = var.project_id
  instance        = google_sql_database_instance.this.name
  name            = var.database_name
  deletion_policy = "ABANDON"
}

# --- migrations -------------------------------------------------------------------------------

resource "google_service_account" "migrator" {
  project      = var.project_id
  account_id   = "run-migrate"
  display_name = "Cloud Run job migrate"
  description  = "Runs Alembic; owns the schema (member of cloudsqlsuperuser in the database)."
}

resource "google_service_account" "admin" {
  project      = var.project_id
  account_id   = "run-admin"
  display_name = "Cloud Run job admin"
  description  = "Runs one-off `upstream` commands (customers, users) as the application role."
}

resource "google_project_iam_member" "job_cloudsql" {
  for_each = {
    for pair in setproduct(["migrator", "admin"], ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]) :
    "${pair[0]}/${pair[1]}" => { who = pair[0], role = pair[1] }
  }
  project = var.project_id
  role    = each.value.role
  member  = "serviceAccount:${each.value.who == "migrator" ? google_service_account.migrator.email : google_service_account.admin.email}"
}

# The schema owner: cloudsqlsuperuser may create in the database's public schema, create the
# application role and grant it (migration 0002).
resource "google_sql_user" "migrator" {
  project        = var.project_id
  instance       = google_sql_database_instance.this.name
  name           = local.migrator_db_user
  type           = "CLOUD_IAM_SERVICE_ACCOUNT"
  database_roles = ["cloudsqlsuperuser"]
}

resource "google_sql_user" "admin" {
  project  = var.project_id
  instance = google_sql_database_instance.this.name
  name     = local.admin_db_user
  type     = "CLOUD_IAM_SERVICE_ACCOUNT"
}

resource "google_secret_manager_secret_iam_member" "admin" {
  for_each  = toset(values(var.admin_secret_env))
  project   = var.project_id
  secret_id = each.key
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.admin.email}"
}

# `upstream migrate` from the api image of a release. cloudbuild.yaml points the job at the
# candidate image (`gcloud run jobs update --image`) and executes it before any new revision
# is deployed, hence the ignored image.
resource "google_cloud_run_v2_job" "migrate" {
  project             = var.project_id
  name                = "migrate"
  location            = var.region
  deletion_protection = false
  labels              = var.labels

  template {
    task_count = 1
    template {
      service_account = google_service_account.migrator.email
      timeout         = "1800s"
      max_retries     = 0

      vpc_access {
        egress = "PRIVATE_RANGES_ONLY"
        network_interfaces {
          network    = var.network_id
          subnetwork = var.subnet_id
        }
      }

      containers {
        image   = local.job_image
        command = ["python"]
        args    = ["-m", "common.cli", "migrate"]

        resources {
          limits = {
            cpu    = "1"
            memory = "1Gi"
          }
        }

        dynamic "env" {
          for_each = merge(var.env, {
            DB_USER           = local.migrator_db_user
            DB_NAME           = google_sql_database.this.name
            CLOUDSQL_INSTANCE = google_sql_database_instance.this.connection_name
          })
          content {
            name  = env.key
            value = env.value
          }
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [template[0].template[0].containers[0].image, client, client_version]
  }

  depends_on = [google_project_iam_member.job_cloudsql, google_sql_user.migrator]
}

# One-off commands: `gcloud run jobs execute admin --args="<shell command>" --wait`.
resource "google_cloud_run_v2_job" "admin" {
  project             = var.project_id
  name                = "admin"
  location            = var.region
  deletion_protection = false
  labels              = var.labels

  template {
    task_count = 1
    template {
      service_account = google_service_account.admin.email
      timeout         = "600s"
      max_retries     = 0

      vpc_access {
        egress = "PRIVATE_RANGES_ONLY"
        network_interfaces {
          network    = var.network_id
          subnetwork = var.subnet_id
        }
      }

      containers {
        image   = local.job_image
        command = ["/bin/sh", "-c"]
        args    = ["python -m common.cli --help"]

        resources {
          limits = {
            cpu    = "1"
            memory = "1Gi"
          }
        }

        dynamic "env" {
          for_each = merge(var.env, {
            DB_USER           = local.admin_db_user
            DB_NAME           = google_sql_database.this.name
            CLOUDSQL_INSTANCE = google_sql_database_instance.this.connection_name
          })
          content {
            name  = env.key
            value = env.value
          }
        }

        dynamic "env" {
          for_each = var.admin_secret_env
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
  }

  lifecycle {
    ignore_changes = [template[0].template[0].containers[0].image, client, client_version]
  }

  depends_on = [
    google_project_iam_member.job_cloudsql,
    google_sql_user.admin,
    google_secret_manager_secret_iam_member.admin,
  ]
}
