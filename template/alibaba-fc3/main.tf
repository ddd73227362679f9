data "alicloud_account" "current" {}

data "alicloud_regions" "current" {
  current = true
}

# The webhook secret is read from KMS Secrets Manager at apply time: it never appears in this
# template or in a tfvars file.
data "alicloud_kms_secret_versions" "webhook" {
  secret_name    = var.webhook_secret_name
  enable_details = true
}

resource "alicloud_oss_bucket_object" "package" {
  bucket = var.code_bucket
  # Content-addressed, so a new package means a new object and a function update.
  key    = "${var.name}/${filemd5(var.package_path)}.zip"
  source = var.package_path
}

locals {
  region = data.alicloud_regions.current.regions[0].id
  # tagstrip settings of every function: extra_environment and the account-scope switch.
  settings = merge(var.extra_environment, { TAGSTRIP_ALLOW_ACCOUNT_SCOPE = tostring(var.allow_account_scope) })
  # Entry points (functions/tagstrip/entrypoints.py), one function each from the same zip.
  functions = {
    webhook = {
      target         = "remove_tags_http"
      signature_type = "http"
      secret_env     = { TAGSTRIP_WEBHOOK_SECRET = data.alicloud_kms_secret_versions.webhook.versions[0].secret_data }
    }
    # FC delivers EventBridge events to a custom runtime as POST /invoke with the CloudEvent
    # JSON as application/octet-stream: the HTTP queue target reads that form.
    events = {
      target         = "remove_tags_queue"
      signature_type = "http"
      secret_env     = {}
    }
  }
}

resource "alicloud_fcv3_function" "tagstrip" {
  for_each = local.functions

  function_name        = "${var.name}-${each.key}"
  description          = "tagstrip ${each.value.target}"
  runtime              = "custom.debian12" # Debian 12 ships CPython 3.11 at /usr/bin/python3
  handler              = "bootstrap"       # required by the API, unused by custom runtimes
  role                 = alicloud_ram_role.tagstrip.arn
  timeout              = var.timeout_seconds
  memory_size          = var.memory_mb
  cpu                  = 0.35
  disk_size            = 512
  instance_concurrency = 8
  internet_access      = true # the vendors' public APIs

  code {
    oss_bucket_name = var.code_bucket
    oss_object_name = alicloud_oss_bucket_object.package.key
  }

  custom_runtime_config {
    command = ["/code/bootstrap"]
    port    = 9000 # FC 3.0 custom runtimes get requests (and events as POST /invoke) here
  }

  environment_variables = merge(
    {
      FUNCTION_TARGET         = each.value.target
      FUNCTION_SIGNATURE_TYPE = each.value.signature_type
      PORT                    = "9000"
    },
    local.settings,
    each.value.secret_env,
  )

  depends_on = [alicloud_ram_role_policy_attachment.remove_tags]
}

# The only public entry point: anyone may call it, and tagstrip refuses every request whose
# HMAC signature (TAGSTRIP_WEBHOOK_SECRET) does not verify.
resource "alicloud_fcv3_trigger" "webhook_http" {
  function_name = alicloud_fcv3_function.tagstrip["webhook"].function_name
  trigger_name  = "webhook"
  trigger_type  = "http"
  qualifier     = "LATEST"
  trigger_config = jsonencode({
    authType           = "anonymous"
    methods            = ["GET", "POST"]
    disableURLInternet = false
  })
}

# Failed deliveries land here after EventBridge's retries instead of being dropped.
resource "alicloud_message_service_queue" "dead_letter" {
  queue_name               = "${var.name}-dead-letter"
  message_retention_period = 604800 # 7 days to inspect and replay
}

# The event function has no HTTP trigger: only EventBridge (and RAM-authorised InvokeFunction
# callers) can reach it.
resource "alicloud_fcv3_trigger" "events" {
  function_name = alicloud_fcv3_function.tagstrip["events"].function_name
  trigger_name  = "lifecycle-events"
  trigger_type  = "eventbridge"
  qualifier     = "LATEST"
  trigger_config = jsonencode({
    triggerEnable          = true
    asyncInvocationType    = false
    eventRuleFilterPattern = var.event_pattern
    eventSourceConfig      = { eventSourceType = "Default" }
    eventSinkConfig = {
      deliveryOption = { mode = "event-driven", eventSchema = "CloudEvents" }
    }
    runOptions = {
      mode            = "event-driven"
      errorsTolerance = "ALL"
      retryStrategy   = { PushRetryStrategy = "BACKOFF_RETRY" }
      deadLetterQueue = {
        Arn = "acs:mns:${local.region}:${data.alicloud_account.current.id}:/queues/${alicloud_message_service_queue.dead_letter.queue_name}"
      }
    }
  })
}
