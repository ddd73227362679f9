# Baidu CFC runs no custom HTTP server: both functions call main.handler(event, context), the
# plain adapter over the same pipeline.
locals {
  credentials = {
    BAIDUCLOUD_ACCESS_KEY = var.baidu_access_key
    BAIDUCLOUD_SECRET_KEY = var.baidu_secret_key
  }
}

resource "baiducloud_cfc_function" "webhook" {
  function_name  = "${var.name}-webhook"
  description    = "tagstrip webhook: HTTP trigger events through handler, HMAC required"
  handler        = "main.handler"
  runtime        = var.runtime
  time_out       = var.timeout_seconds
  memory_size    = var.memory_mb
  code_file_name = var.package_path
  environment = merge(local.credentials, var.extra_environment, {
    TAGSTRIP_WEBHOOK_SECRET = var.webhook_secret
  })
}

# The only public trigger: anonymous HTTP, and the webhook path refuses any request whose
# HMAC signature does not verify.
resource "baiducloud_cfc_trigger" "webhook" {
  source_type   = "cfc-http-trigger/v1/CFCAPI"
  target        = baiducloud_cfc_function.webhook.function_brn
  resource_path = "/${var.name}"
  method        = "POST,GET"
  auth_type     = "anonymous"
}

resource "baiducloud_cfc_function" "events" {
  function_name  = "${var.name}-events"
  description    = "tagstrip events: canonical requests from callers signed with Baidu IAM"
  handler        = "main.handler"
  runtime        = var.runtime
  time_out       = var.timeout_seconds
  memory_size    = var.memory_mb
  code_file_name = var.package_path
  environment    = merge(local.credentials, var.extra_environment)
}

# CFC offers no queue trigger: event producers call this route signed with Baidu IAM
# credentials (auth_type iam), so it is never open to anonymous callers.
resource "baiducloud_cfc_trigger" "events" {
  source_type   = "cfc-http-trigger/v1/CFCAPI"
  target        = baiducloud_cfc_function.events.function_brn
  resource_path = "/${var.name}-events"
  method        = "POST"
  auth_type     = "iam"
}
