output "webhook_function_urn" {
  description = "URN of the webhook function (remove_tags_http), published through API Gateway."
  value       = huaweicloud_fgs_function.webhook.urn
}

output "events_function_urn" {
  description = "URN of the event function (handler), fed by the CTS trigger only."
  value       = huaweicloud_fgs_function.events.urn
}

output "dead_letter_topic_urn" {
  description = "SMN topic receiving events that failed every retry."
  value       = huaweicloud_smn_topic.dead_letter.topic_urn
}

output "execution_agency" {
  description = "Agency whose temporary credentials the functions use (ECS tag rights only)."
  value       = huaweicloud_identity_agency.execution.name
}
