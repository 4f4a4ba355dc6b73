output "topic_ids" {
  description = "Topic name => topic id."
  value       = { for k, t in google_pubsub_topic.topic : k => t.id }
}

output "subscriptions" {
  description = "Push subscription name => id."
  value       = { for k, s in google_pubsub_subscription.push : k => s.id }
}

output "dead_letter_subscriptions" {
  description = "Dead-letter pull subscription name => id (read by `upstream dlq`)."
  value       = { for k, s in google_pubsub_subscription.dead_letter : k => s.id }
}

output "push_service_account" {
  description = "Identity in the push OIDC tokens."
  value       = google_service_account.push.email
}

output "eventarc_trigger" {
  description = "Inbox finalized trigger id."
  value       = google_eventarc_trigger.inbox_finalized.id
}
