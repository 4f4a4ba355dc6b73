# Event delivery, mirroring common/topology.py (through the `topology` module):
# - one topic per topology topic;
# - per subscription `<function-with-dashes>-<topic>`: a push subscription to its consumer's
#   service with an OIDC token, exponential retry, and after `max_delivery_attempts` a dead letter
#   into topic `<name>-dlq`, which on-call reads through pull subscription `<name>-dlq`
#   (`upstream dlq list|show|replay|purge`);
# - the Pub/Sub service agent's grants that dead-lettering needs;
# - the Eventarc trigger: inbox object.finalized -> ingest_claims.

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  gcs_agent    = "serviceAccount:service-${data.google_project.this.number}@gs-project-accounts.iam.gserviceaccount.com"
  consumers    = toset([for s in values(var.subscriptions) : s.function])
}

resource "google_pubsub_topic" "topic" {
  # checkov:skip=CKV_GCP_83: messages carry ids only (customer, upload, signal), never PHI; Google-managed encryption at rest.
  for_each                   = toset(var.topics)
  project                    = var.project_id
  name                       = each.key
  message_retention_duration = var.topic_retention
  labels                     = var.labels
}

resource "google_pubsub_topic" "dead_letter" {
  # checkov:skip=CKV_GCP_83: messages carry ids only (customer, upload, signal), never PHI; Google-managed encryption at rest.
  for_each                   = var.subscriptions
  project                    = var.project_id
  name                       = "${each.key}-dlq"
  message_retention_duration = var.dead_letter_retention
  labels                     = merge(var.labels, { dead_letter_of = each.key })
}

# --- push delivery ------------------------------------------------------------------------------

# The identity Pub/Sub signs push requests as; it may invoke exactly the consumer services.
resource "google_service_account" "push" {
  project      = var.project_id
  account_id   = "pubsub-push"
  display_name = "Pub/Sub push invoker"
  description  = "Signs OIDC tokens on push deliveries to the consumer services."
}

resource "google_cloud_run_v2_service_iam_member" "push_invoker" {
  for_each = local.consumers
  project  = var.project_id
  location = var.region
  name     = var.services[each.key].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.push.email}"
}

# Pub/Sub mints the push OIDC tokens as the push identity.
resource "google_service_account_iam_member" "push_token_creator" {
  service_account_id = google_service_account.push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent
}

resource "google_pubsub_subscription" "push" {
  for_each                   = var.subscriptions
  project                    = var.project_id
  name                       = each.key
  topic                      = google_pubsub_topic.topic[each.value.topic].id
  ack_deadline_seconds       = var.ack_deadline_seconds
  message_retention_duration = var.subscription_retention
  labels                     = merge(var.labels, { consumer = replace(each.value.function, "_", "-") })

  expiration_policy {
    ttl = ""
  }

  push_config {
    push_endpoint = var.services[each.value.function].uri

    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = var.services[each.value.function].uri
    }
  }

  retry_policy {
    minimum_backoff = var.minimum_backoff
    maximum_backoff = var.maximum_backoff
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter[each.key].id
    max_delivery_attempts = var.max_delivery_attempts
  }

  depends_on = [
    google_cloud_run_v2_service_iam_member.push_invoker,
    google_service_account_iam_member.push_token_creator,
    google_pubsub_topic_iam_member.dead_letter_publisher,
  ]
}

# --- dead letters -------------------------------------------------------------------------------

# On-call's view of a dead-letter topic: pull only, never expires.
resource "google_pubsub_subscription" "dead_letter" {
  for_each                   = var.subscriptions
  project                    = var.project_id
  name                       = "${each.key}-dlq"
  topic                      = google_pubsub_topic.dead_letter[each.key].id
  ack_deadline_seconds       = 60
  message_retention_duration = var.subscription_retention
  retain_acked_messages      = false
  labels                     = merge(var.labels, { dead_letter_of = each.key })

  expiration_policy {
    ttl = ""
  }
}

# The Pub/Sub service agent publishes the dead letter ...
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = var.subscriptions
  project  = var.project_id
  topic    = google_pubsub_topic.dead_letter[each.key].name
  role     = "roles/pubsub.publisher"
  member   = local.pubsub_agent
}

# ... and acknowledges it on the source subscription.
resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each     = var.subscriptions
  project      = var.project_id
  subscription = google_pubsub_subscription.push[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# On-call (`upstream dlq …`) reads, replays (publishes to the source topic) and purges.
resource "google_pubsub_subscription_iam_member" "dead_letter_oncall" {
  for_each = {
    for pair in setproduct(keys(var.subscriptions), var.oncall_members) :
    "${pair[0]}/${pair[1]}" => { subscription = pair[0], member = pair[1] }
  }
  project      = var.project_id
  subscription = google_pubsub_subscription.dead_letter[each.value.subscription].name
  role         = "roles/pubsub.subscriber"
  member       = each.value.member
}

resource "google_pubsub_topic_iam_member" "replay_oncall" {
  for_each = {
    for pair in setproduct(var.topics, var.oncall_members) :
    "${pair[0]}/${pair[1]}" => { topic = pair[0], member = pair[1] }
  }
  project = var.project_id
  topic   = google_pubsub_topic.topic[each.value.topic].name
  role    = "roles/pubsub.publisher"
  member  = each.value.member
}

# --- storage trigger ----------------------------------------------------------------------------

resource "google_service_account" "eventarc" {
  project      = var.project_id
  account_id   = "eventarc-ingest"
  display_name = "Eventarc inbox trigger"
  description  = "Delivers inbox object.finalized events to ingest-claims."
}

resource "google_project_iam_member" "eventarc_receiver" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = "serviceAccount:${google_service_account.eventarc.email}"
}

resource "google_cloud_run_v2_service_iam_member" "eventarc_invoker" {
  project  = var.project_id
  location = var.region
  name     = var.services[var.storage_consumer].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.eventarc.email}"
}

# Cloud Storage publishes its notifications through Pub/Sub for Eventarc.
resource "google_project_iam_member" "gcs_agent_publisher" {
  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = local.gcs_agent
}

resource "google_eventarc_trigger" "inbox_finalized" {
  project         = var.project_id
  name            = "${replace(var.storage_consumer, "_", "-")}-inbox-finalized"
  location        = var.region
  service_account = google_service_account.eventarc.email
  labels          = var.labels

  matching_criteria {
    attribute = "type"
    value     = "google.cloud.storage.object.v1.finalized"
  }

  matching_criteria {
    attribute = "bucket"
    value     = var.inbox_bucket
  }

  destination {
    cloud_run_service {
      service = var.services[var.storage_consumer].name
      region  = var.region
      path    = "/"
    }
  }

  depends_on = [
    google_project_iam_member.eventarc_receiver,
    google_cloud_run_v2_service_iam_member.eventarc_invoker,
    google_project_iam_member.gcs_agent_publisher,
  ]
}
