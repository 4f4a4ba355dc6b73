variable "project_id" {
  type        = string
  description = "Project that owns the secrets."
}

variable "region" {
  type        = string
  description = "The one region secret payloads are replicated to (data residency)."
}

variable "secrets" {
  type        = map(string)
  description = "Secret id => what it holds. Values are added with `gcloud secrets versions add`."
  default = {
    "jwt-keys"                 = "JWT_KEYS: kid:secret,... (first signs; the others still verify)"
    "secret-encryption-key"    = "SECRET_ENCRYPTION_KEY: encrypts webhook secrets at rest"
    "admin-bootstrap-password" = "password of the first admin user, read by the admin job" # pragma: allowlist secret
    "smoke-user-password"      = "password of the canary customer's smoke-test user"
  }
}

variable "extra_accessors" {
  type        = map(list(string))
  description = "Secret id => IAM members (e.g. serviceAccount:…) granted secretAccessor besides the services."
  default     = {}
}

variable "labels" {
  type        = map(string)
  description = "Labels added to every secret."
  default     = {}
}
