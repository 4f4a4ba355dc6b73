# Buckets (inbox, reports, function source, access logs) and the image repository.
# None is public: uniform bucket-level access and enforced public access prevention on all.

locals {
  prefix = "${var.project_id}-${var.name_prefix}"
}

resource "google_storage_bucket" "access_logs" {
  # checkov:skip=CKV_GCP_62: this is the access-log sink; logging it into itself would loop.
  project                     = var.project_id
  name                        = "${local.prefix}-access-logs"
  location                    = var.location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false
  labels                      = var.labels

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age = var.access_log_retention_days
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 1
    }
    action {
      type = "Delete"
    }
  }
}

# Customers drop `<slug>/<file>` here; object.finalized triggers ingest_claims, which moves files
# it refuses under `quarantine/`.
resource "google_storage_bucket" "inbox" {
  project                     = var.project_id
  name                        = "${local.prefix}-inbox"
  location                    = var.location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false
  labels                      = var.labels

  versioning {
    enabled = true
  }

  logging {
    log_bucket        = google_storage_bucket.access_logs.name
    log_object_prefix = "inbox/"
  }

  # Quarantined files are kept long enough to investigate, then removed.
  lifecycle_rule {
    condition {
      age            = var.quarantine_retention_days
      matches_prefix = [var.quarantine_prefix]
    }
    action {
      type = "Delete"
    }
  }

  # Loaded files are kept as the audit copy of what a customer sent, then removed.
  lifecycle_rule {
    condition {
      age = var.inbox_retention_days
    }
    action {
      type = "Delete"
    }
  }

  # Overwritten or deleted versions are recoverable for a while, not forever.
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_retention_days
    }
    action {
      type = "Delete"
    }
  }
}

resource "google_storage_bucket" "reports" {
  project                     = var.project_id
  name                        = "${local.prefix}-reports"
  location                    = var.location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false
  labels                      = var.labels

  versioning {
    enabled = true
  }

  logging {
    log_bucket        = google_storage_bucket.access_logs.name
    log_object_prefix = "reports/"
  }

  lifecycle_rule {
    condition {
      age = var.reports_retention_days
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_retention_days
    }
    action {
      type = "Delete"
    }
  }
}

# Source archives of each release (what was built), kept for provenance and rebuilds.
resource "google_storage_bucket" "source" {
  project                     = var.project_id
  name                        = "${local.prefix}-function-source"
  location                    = var.location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false
  labels                      = var.labels

  versioning {
    enabled = true
  }

  logging {
    log_bucket        = google_storage_bucket.access_logs.name
    log_object_prefix = "function-source/"
  }

  lifecycle_rule {
    condition {
      age = var.source_retention_days
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_retention_days
    }
    action {
      type = "Delete"
    }
  }
}

# One image per function and release, built from the repository with Google's buildpacks.
resource "google_artifact_registry_repository" "images" {
  # checkov:skip=CKV_GCP_84: images hold code and public dependencies only, no customer data; Google-managed encryption at rest.
  project       = var.project_id
  location      = var.region
  repository_id = var.name_prefix
  format        = "DOCKER"
  description   = "Function images built by cloudbuild.yaml (one per function and release)."
  labels        = var.labels

  cleanup_policy_dry_run = false

  # Rollback needs the previous releases: the newest ones are always kept.
  cleanup_policies {
    id     = "keep-recent-releases"
    action = "KEEP"
    most_recent_versions {
      keep_count = var.images_keep_count
    }
  }

  cleanup_policies {
    id     = "delete-old-images"
    action = "DELETE"
    condition {
      tag_state  = "ANY"
      older_than = "${var.images_max_age_days * 86400}s"
    }
  }
}
