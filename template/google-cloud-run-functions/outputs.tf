output "webhook_url" {
  description = "Public URL of the webhook (remove_tags_http); requests must carry the HMAC signature."
  value       = google_cloudfunctions2_function.tagstrip["webhook"].service_config[0].uri
}

output "events_topic" {
  description = "Pub/Sub topic whose messages the event function (remove_tags_event) processes."
  value       = google_pubsub_topic.events.id
}

output "runtime_service_account" {
  description = "Identity of both functions: secret access only."
  value       = google_service_account.runtime.email
}
