# Secret Manager secrets. Terraform creates the containers only: values are added out of band
# (`gcloud secrets versions add`, see docs/deploy.md) so they never enter Terraform state.
# Each service account's accessor grant is made by the `service` module for exactly the secrets
# that service mounts; `extra_accessors` covers identities outside it (e.g. the deploy build).

resource "google_secret_manager_secret" "this" {
  for_each  = var.secrets
  project   = var.project_id
  secret_id = each.key
  labels    = var.labels

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }

  annotations = {
    purpose = each.value
  }
}

resource "google_secret_manager_secret_iam_member" "extra" {
  for_each = {
    for pair in flatten([
      for secret, members in var.extra_accessors : [
        for member in members : { secret = secret, member = member }
      ]
    ]) : "${pair.secret}/${pair.member}" => pair
  }
  project   = var.project_id
  secret_id = google_secret_manager_secret.this[each.value.secret].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = each.value.member
}
