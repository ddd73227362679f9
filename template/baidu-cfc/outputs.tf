output "webhook_function_brn" {
  description = "BRN of the webhook function (anonymous HTTP trigger, HMAC required)."
  value       = baiducloud_cfc_function.webhook.function_brn
}

output "events_function_brn" {
  description = "BRN of the event function: no trigger, invoked through the IAM-signed CFC Invoke API."
  value       = baiducloud_cfc_function.events.function_brn
}
