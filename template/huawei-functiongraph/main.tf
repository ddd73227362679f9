# The webhook secret comes from CSMS at apply time and is stored in the function's encrypted
# user data (KMS-encrypted, hidden in the console and API answers): never a plain value.
data "huaweicloud_csms_secret_version" "webhook" {
  secret_name = var.webhook_secret_name
}

resource "huaweicloud_obs_bucket_object" "package" {
  bucket = var.code_bucket
  key    = "${var.name}/${filemd5(var.package_path)}.zip"
  source = var.package_path
}

# Optional fallback: an access key of an IAM user with the same ECS-tag-only rights. With
# TAGSTRIP_FUNCTIONGRAPH_KEYS=true (set below) tagstrip signs with the execution agency's
# temporary keys, which reach the event function through its context and the HTTP function
# in X-CFF-Security-* headers once "Include Keys" is enabled on it; the keys here are used
# only when those are absent. The CSMS secret holds {"HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"}.
data "huaweicloud_csms_secret_version" "sdk_credentials" {
  count       = var.sdk_credentials_secret_name == "" ? 0 : 1
  secret_name = var.sdk_credentials_secret_name
}

locals {
  code_url = "https://${var.code_bucket}.obs.${var.region}.myhuaweicloud.com/${huaweicloud_obs_bucket_object.package.key}"
  # {} without the secret; merge() of no maps is an empty map.
  # tagstrip settings of every function: extra_environment, the account-scope switch and
  # the account (domain) id that huawei-tms calls name.
  settings = merge(
    var.extra_environment,
    { TAGSTRIP_ALLOW_ACCOUNT_SCOPE = tostring(var.allow_account_scope) },
    var.domain_id == "" ? {} : { HUAWEICLOUD_SDK_DOMAIN_ID = var.domain_id },
  )
  encrypted_credentials = merge([
    for secret in data.huaweicloud_csms_secret_version.sdk_credentials : jsondecode(secret.secret_text)
  ]...)
}

# The webhook: an HTTP function. FunctionGraph runs the package's "bootstrap" file, which
# serves remove_tags_http with functions-framework on port 8000 (the only port it allows).
resource "huaweicloud_fgs_function" "webhook" {
  name                  = "${var.name}-webhook"
  app                   = "default"
  functiongraph_version = "v2"
  runtime               = "http"
  handler               = "bootstrap"
  code_type             = "obs"
  code_url              = local.code_url
  memory_size           = var.memory_mb
  timeout               = var.timeout_seconds
  app_agency            = huaweicloud_identity_agency.execution.name
  agency                = huaweicloud_identity_agency.configuration.name

  user_data = jsonencode(merge(local.settings, {
    FUNCTION_TARGET         = "remove_tags_http"
    FUNCTION_SIGNATURE_TYPE = "http"
    PORT                    = "8000"
    PYTHON                  = var.python_path
    # Sign with the agency's keys from the X-CFF-Security-* headers ("Include Keys").
    TAGSTRIP_FUNCTIONGRAPH_KEYS = "true"
  }))
  encrypted_user_data = jsonencode(merge(local.encrypted_credentials, {
    TAGSTRIP_WEBHOOK_SECRET = data.huaweicloud_csms_secret_version.webhook.secret_text
  }))
}

# The only public route: API Gateway without authentication in front of the webhook, which
# refuses every request whose HMAC signature does not verify.
resource "huaweicloud_fgs_function_trigger" "webhook" {
  function_urn = huaweicloud_fgs_function.webhook.urn
  type         = "DEDICATEDGATEWAY"
  event_data = jsonencode({
    name         = replace("${var.name}_webhook", "-", "_")
    instance_id  = var.apig_instance_id
    group_id     = var.apig_group_id
    env_id       = "DEFAULT_ENVIRONMENT_RELEASE_ID"
    env_name     = "RELEASE"
    auth         = "NONE"
    protocol     = "HTTPS"
    path         = "/${var.name}"
    match_mode   = "SWA"
    req_method   = "ANY"
    backend_type = "FUNCTION"
    type         = 1
    timeout      = var.timeout_seconds * 1000
  })
}

# The event function: the Python 3.12 runtime calls main.handler(event, context) with Cloud
# Trace (CTS) events, which TAGSTRIP_RULES turns into removals. It has no HTTP route; CTS
# invokes it asynchronously, so retries and the dead letter apply.
resource "huaweicloud_fgs_function" "events" {
  name                  = "${var.name}-events"
  app                   = "default"
  functiongraph_version = "v2"
  runtime               = "Python3.12"
  handler               = "main.handler"
  code_type             = "obs"
  code_url              = local.code_url
  memory_size           = var.memory_mb
  timeout               = var.timeout_seconds
  app_agency            = huaweicloud_identity_agency.execution.name
  agency                = huaweicloud_identity_agency.configuration.name
  # Sign with the agency's keys from the handler context.
  user_data           = jsonencode(merge(local.settings, { TAGSTRIP_FUNCTIONGRAPH_KEYS = "true" }))
  encrypted_user_data = jsonencode(local.encrypted_credentials)
}

resource "huaweicloud_smn_topic" "dead_letter" {
  name         = "${var.name}-dead-letter"
  display_name = "tagstrip events that failed every retry"
}

resource "huaweicloud_fgs_function_trigger" "events" {
  function_urn = huaweicloud_fgs_function.events.urn
  type         = "CTS"
  event_data = jsonencode({
    name       = replace("${var.name}_lifecycle", "-", "_")
    operations = var.cts_operations
  })
}

resource "huaweicloud_fgs_async_invoke_configuration" "events" {
  function_urn                   = huaweicloud_fgs_function.events.urn
  max_async_event_age_in_seconds = 3600
  max_async_retry_attempts       = 3
  on_failure {
    destination = "SMN"
    param       = jsonencode({ topic_urn = huaweicloud_smn_topic.dead_letter.topic_urn })
  }
}
