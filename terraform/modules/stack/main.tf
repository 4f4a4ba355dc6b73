# The whole system for one environment. environments/{dev,prod} call this with their sizes.
# Every topic, subscription and function comes from the topology module (= common/topology.py).

module "topology" {
  source = "../topology"
}

locals {
  labels = merge(var.labels, { app = "upstream", env = var.environment })

  # common/config.py Settings, as the cloud backend reads them.
  settings_env = {
    UPSTREAM_BACKEND     = "cloud"
    GOOGLE_CLOUD_PROJECT = var.project_id
    CLOUDSQL_INSTANCE    = module.database.connection_name
    DB_NAME              = module.database.database_name
    DB_APP_ROLE          = var.db_app_role
    INBOX_BUCKET         = module.storage.inbox_bucket
    REPORTS_BUCKET       = module.storage.reports_bucket
    LOG_LEVEL            = var.log_level
    # Cloud Run's front end appends the caller's address to X-Forwarded-For: trust one hop.
    TRUSTED_PROXY_HOPS = "1"
    # Buildpacks put the repository at /workspace; functions import the `common` package from it.
    PYTHONPATH = "/workspace"
  }

  secrets = module.secrets.secret_names

  # Default sizing per function; environments override single fields through var.sizing.
  default_sizing = {
    # Streams one file per instance (up to 1 GiB): no request concurrency, room for the COPY buffer.
    ingest_claims      = { cpu = "2", memory = "4Gi", min_instances = 0, max_instances = 5, concurrency = 1, timeout_seconds = 540 }
    signal_driftwatch  = { cpu = "1", memory = "1Gi", min_instances = 0, max_instances = 5, concurrency = 4, timeout_seconds = 540 }
    signal_denialscope = { cpu = "1", memory = "1Gi", min_instances = 0, max_instances = 5, concurrency = 4, timeout_seconds = 540 }
    signal_delayguard  = { cpu = "1", memory = "1Gi", min_instances = 0, max_instances = 5, concurrency = 4, timeout_seconds = 540 }
    alert_dispatch     = { cpu = "1", memory = "512Mi", min_instances = 0, max_instances = 5, concurrency = 8, timeout_seconds = 300 }
    recompute_fanout   = { cpu = "1", memory = "512Mi", min_instances = 0, max_instances = 2, concurrency = 1, timeout_seconds = 300 }
    api                = { cpu = "1", memory = "1Gi", min_instances = 0, max_instances = 10, concurrency = 40, timeout_seconds = 60 }
    portal             = { cpu = "1", memory = "1Gi", min_instances = 0, max_instances = 5, concurrency = 40, timeout_seconds = 60 }
  }
  fallback_size = { cpu = "1", memory = "512Mi", min_instances = 0, max_instances = 5, concurrency = 4, timeout_seconds = 300 }
  sizing = {
    for fn in keys(module.topology.functions) : fn => merge(
      lookup(local.default_sizing, fn, local.fallback_size),
      { for k, v in try(var.sizing[fn], {}) : k => v if v != null },
    )
  }

  # Least privilege: what each function may read or write besides its database login.
  secret_env = {
    api = {
      JWT_KEYS              = local.secrets["jwt-keys"]
      SECRET_ENCRYPTION_KEY = local.secrets["secret-encryption-key"]
    }
    # Same sessions as the api (JWT_KEYS); creates webhook endpoints (encrypts their secrets).
    portal = {
      JWT_KEYS              = local.secrets["jwt-keys"]
      SECRET_ENCRYPTION_KEY = local.secrets["secret-encryption-key"]
    }
    alert_dispatch = {
      SECRET_ENCRYPTION_KEY = local.secrets["secret-encryption-key"]
    }
    # The scheduled pass re-sends due webhook deliveries, which needs their secrets.
    recompute_fanout = {
      SECRET_ENCRYPTION_KEY = local.secrets["secret-encryption-key"]
    }
  }

  bucket_roles = {
    # Reads the customer's file, moves refused ones under quarantine/.
    ingest_claims = [{ bucket = module.storage.inbox_bucket, role = "roles/storage.objectUser" }]
    # Serves generated reports.
    api = [{ bucket = module.storage.reports_bucket, role = "roles/storage.objectViewer" }]
    # Signs upload forms for the inbox (the browser posts the file straight to the bucket:
    # creating objects is all it may do there) and serves report downloads.
    portal = [
      { bucket = module.storage.inbox_bucket, role = "roles/storage.objectCreator" },
      { bucket = module.storage.reports_bucket, role = "roles/storage.objectViewer" },
    ]
  }
}

module "network" {
  source     = "../network"
  project_id = var.project_id
  region     = var.region
  name       = "upstream"
}

module "storage" {
  source      = "../storage"
  project_id  = var.project_id
  region      = var.region
  location    = var.region
  name_prefix = "upstream"
  labels      = local.labels
}

module "secrets" {
  source     = "../secrets"
  project_id = var.project_id
  region     = var.region
  labels     = local.labels
  extra_accessors = var.deployer_service_account == "" ? {} : {
    "smoke-user-password" = ["serviceAccount:${var.deployer_service_account}"]
  }
}

module "database" {
  source                 = "../database"
  project_id             = var.project_id
  region                 = var.region
  instance_name          = "upstream-${var.environment}"
  tier                   = var.db_tier
  edition                = var.db_edition
  availability_type      = var.db_availability_type
  backup_retention_count = var.db_backup_retention_count
  pitr_retention_days    = var.db_pitr_retention_days
  network_id             = module.network.network_id
  subnet_id              = module.network.serverless_subnet_id
  image_repository       = module.storage.image_repository
  release                = var.stable_release
  labels                 = local.labels
  env = {
    UPSTREAM_BACKEND     = "cloud"
    GOOGLE_CLOUD_PROJECT = var.project_id
    DB_APP_ROLE          = var.db_app_role
    INBOX_BUCKET         = module.storage.inbox_bucket
    REPORTS_BUCKET       = module.storage.reports_bucket
    LOG_LEVEL            = var.log_level
    PYTHONPATH           = "/workspace"
  }
  admin_secret_env = {
    ADMIN_PASSWORD = local.secrets["admin-bootstrap-password"]
    SMOKE_PASSWORD = local.secrets["smoke-user-password"]
  }

  depends_on = [module.network]
}

module "service" {
  source   = "../service"
  for_each = module.topology.functions

  project_id             = var.project_id
  region                 = var.region
  function               = each.key
  public                 = each.value.public
  image_repository       = module.storage.image_repository
  stable_release         = var.stable_release
  candidate_release      = var.candidate_release
  candidate_percent      = var.candidate_percent
  env                    = local.settings_env
  secret_env             = lookup(local.secret_env, each.key, {})
  bucket_roles           = lookup(local.bucket_roles, each.key, [])
  publish_topic_ids      = [for t in each.value.publishes : module.messaging.topic_ids[t]]
  network_id             = module.network.network_id
  subnet_id              = module.network.serverless_subnet_id
  cloudsql_instance_name = module.database.instance_name
  cpu                    = local.sizing[each.key].cpu
  memory                 = local.sizing[each.key].memory
  min_instances          = local.sizing[each.key].min_instances
  max_instances          = local.sizing[each.key].max_instances
  concurrency            = local.sizing[each.key].concurrency
  timeout_seconds        = local.sizing[each.key].timeout_seconds
  deletion_protection    = var.service_deletion_protection
  labels                 = local.labels
}

# The portal signs its upload forms through the IAM signBlob API as its own service account
# (Cloud Run credentials hold no private key): it may sign as itself and as nothing else.
resource "google_service_account_iam_member" "portal_signs_upload_forms" {
  service_account_id = "projects/${var.project_id}/serviceAccounts/${module.service["portal"].service_account_email}"
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${module.service["portal"].service_account_email}"
}

module "messaging" {
  source                = "../messaging"
  project_id            = var.project_id
  region                = var.region
  topics                = module.topology.topics
  subscriptions         = module.topology.subscriptions
  max_delivery_attempts = module.topology.max_delivery_attempts
  services              = { for fn, svc in module.service : fn => { name = svc.name, uri = svc.uri } }
  storage_consumer      = "ingest_claims"
  inbox_bucket          = module.storage.inbox_bucket
  oncall_members        = var.oncall_members
  labels                = local.labels
}

module "scheduler" {
  source                 = "../scheduler"
  project_id             = var.project_id
  region                 = var.region
  time_zone              = var.time_zone
  recompute_topic_id     = module.messaging.topic_ids["recompute-requested"]
  image                  = "${module.storage.image_repository}/api:${var.stable_release}"
  env                    = local.settings_env
  reports_bucket         = module.storage.reports_bucket
  cloudsql_instance_name = module.database.instance_name
  network_id             = module.network.network_id
  subnet_id              = module.network.serverless_subnet_id
  labels                 = local.labels
}

module "monitoring" {
  source                    = "../monitoring"
  project_id                = var.project_id
  environment               = var.environment
  oncall_email              = var.oncall_email
  notification_channels     = var.notification_channels
  dead_letter_subscriptions = keys(module.messaging.dead_letter_subscriptions)
  max_delivery_attempts     = module.topology.max_delivery_attempts
  ingest_service            = module.service["ingest_claims"].name
}
