output "webhook_url" {
  description = "Public URL of the webhook (remove_tags_http); requests must carry the HMAC signature."
  value       = alicloud_fcv3_trigger.webhook_http.http_trigger[0].url_internet
}

output "event_function_name" {
  description = "The event function (remove_tags_queue), reachable only through its EventBridge trigger."
  value       = alicloud_fcv3_function.tagstrip["events"].function_name
}

output "role_arn" {
  description = "RAM role the functions assume (the ECS, Redis and Tag API untag and ListTagResources actions)."
  value       = alicloud_ram_role.tagstrip.arn
}

output "dead_letter_queue" {
  description = "MNS queue receiving events that failed every retry."
  value       = alicloud_message_service_queue.dead_letter.queue_name
}
