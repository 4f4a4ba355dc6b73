variable "project_id" {
  type        = string
  description = "Project that owns the network."
}

variable "region" {
  type        = string
  description = "Region of the serverless subnet (the services' region)."
}

variable "name" {
  type        = string
  description = "Name of the VPC network; subnets and ranges are prefixed with it."
  default     = "upstream"
}

variable "serverless_cidr" {
  type        = string
  description = "CIDR of the subnet Cloud Run instances use for Direct VPC egress (a /26 or larger)."
  default     = "10.8.0.0/24"
}

variable "private_services_prefix_length" {
  type        = number
  description = "Prefix length of the range reserved for private services access (Cloud SQL private IP)."
  default     = 20
}
