# Baidu CFC runs no custom HTTP server: both functions call main.handler(event, context), the
# plain adapter over the same pipeline.
locals {
  credentials = {
    BAIDUCLOUD_ACCESS_KEY = var.baidu_access_key
    BAIDUCLOUD_SECRET_KEY = var.baidu_secret_key
  }
  # tagstrip settings of every function: extra_environment and the account-scope switch.
  settings = merge(var.extra_environment, { TAGSTRIP_ALLOW_ACCOUNT_SCOPE = tostring(var.allow_account_scope) })
}

resource "baiducloud_cfc_function" "webhook" {
  function_name  = "${var.name}-webhook"
  description    = "tagstrip webhook: HTTP trigger events through handler, HMAC required"
  handler        = "main.handler"
  runtime        = var.runtime
  time_out       = var.timeout_seconds
  memory_size    = var.memory_mb
  code_file_name = var.package_path
  environment = merge(local.credentials, local.settings, {
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

# No trigger: CFC offers no queue trigger, and an HTTP trigger's events are webhook requests
# to handler (HMAC required). Event producers call the CFC Invoke API instead, signed with
# Baidu IAM credentials, so the event reaches handler as-is (a delivery) and nobody
# anonymous can reach it.
resource "baiducloud_cfc_function" "events" {
  function_name  = "${var.name}-events"
  description    = "tagstrip events: invoked through the CFC Invoke API, signed with Baidu IAM"
  handler        = "main.handler"
  runtime        = var.runtime
  time_out       = var.timeout_seconds
  memory_size    = var.memory_mb
  code_file_name = var.package_path
  environment    = merge(local.credentials, local.settings)
}
