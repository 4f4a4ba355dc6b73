variable "project_id" {
  type        = string
  description = "Google Cloud project of this environment (TF_VAR_project_id in cloudbuild.yaml)."
}

variable "region" {
  type        = string
  description = "Region of every regional resource."
  default     = "us-central1"
}

variable "stable_release" {
  type        = string
  description = "Release serving the stable share (`r<short sha>`); set by cloudbuild.yaml."
}

variable "candidate_release" {
  type        = string
  description = "Release being rolled out; equals stable_release between rollouts."
}

variable "candidate_percent" {
  type        = number
  description = "Traffic share of the candidate revisions (0, 10, 50, 100)."
  default     = 0
}

variable "oncall_email" {
  type        = string
  description = "E-mail address paged by the alerts."
  default     = ""
}

variable "oncall_members" {
  type        = list(string)
  description = "IAM members (group:…) who handle dead letters."
  default     = []
}

variable "deployer_service_account" {
  type        = string
  description = "E-mail of the Cloud Build deployer service account."
  default     = ""
}
