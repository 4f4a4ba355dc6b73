output "topics" {
  description = "Topic names, as in common/topology.py TOPICS."
  value       = local.topics
}

output "max_delivery_attempts" {
  description = "Deliveries before a message is dead-lettered (common/topology.py MAX_DELIVERY_ATTEMPTS)."
  value       = local.max_delivery_attempts
}

output "subscriptions" {
  description = "Push subscriptions keyed by name (`<function-with-dashes>-<topic>`), each with its topic and consumer function."
  value       = local.subscriptions
}

output "functions" {
  description = "Deployed functions keyed by folder name under functions/, with trigger kind, public flag and published topics."
  value       = local.functions
}
