terraform {
  required_version = ">= 1.6"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 7.18, < 8.0"
    }
  }

  # bucket is given at init: terraform init -backend-config="bucket=<state bucket>"
  backend "gcs" {
    prefix = "upstream/dev"
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
