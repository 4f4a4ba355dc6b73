output "network_id" {
  description = "VPC network id (projects/…/global/networks/…)."
  value       = google_compute_network.this.id
}

output "network_name" {
  description = "VPC network name."
  value       = google_compute_network.this.name
}

output "serverless_subnet_id" {
  description = "Subnet id for the services' Direct VPC egress."
  value       = google_compute_subnetwork.serverless.id
}

output "private_services_connection" {
  description = "The private services access peering; Cloud SQL must be created after it."
  value       = google_service_networking_connection.private_services.id
}
