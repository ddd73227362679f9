resource "google_storage_bucket_object" "source" {
  name   = "${var.name}/${filemd5(var.source_path)}.zip"
  bucket = var.source_bucket
  source = var.source_path
}

resource "google_pubsub_topic" "events" {
  # checkov:skip=CKV_GCP_83: messages are removal requests (ids and tag keys), no secrets; Google-managed encryption is enough
  project = var.project
  name    = "${var.name}-events"
}

locals {
  # tagstrip settings of every function: extra_environment and the account-scope switch.
  settings = merge(var.extra_environment, { TAGSTRIP_ALLOW_ACCOUNT_SCOPE = tostring(var.allow_account_scope) })
  # Entry points (functions/tagstrip/entrypoints.py): Cloud Run functions call them by name.
  functions = {
    webhook = {
      entry_point = "remove_tags_http"
      ingress     = "ALLOW_ALL"
      secrets     = merge(var.credential_secret_ids, { TAGSTRIP_WEBHOOK_SECRET = var.webhook_secret_id })
    }
    events = {
      entry_point = "remove_tags_event"
      ingress     = "ALLOW_INTERNAL_ONLY" # Eventarc only: no route from the internet
      secrets     = var.credential_secret_ids
    }
  }
}

resource "google_cloudfunctions2_function" "tagstrip" {
  # checkov:skip=CKV_GCP_124: ALLOW_ALL is the webhook's (public, HMAC-verified); the event function is ALLOW_INTERNAL_ONLY
  for_each = local.functions

  project  = var.project
  location = var.region
  name     = "${var.name}-${each.key}"

  build_config {
    runtime     = "python311"
    entry_point = each.value.entry_point
    source {
      storage_source {
        bucket = var.source_bucket
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    timeout_seconds                = var.timeout_seconds
    available_memory               = "512Mi"
    max_instance_count             = var.max_instances
    ingress_settings               = each.value.ingress
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.runtime.email
    environment_variables          = local.settings

    # Secrets are mounted from Secret Manager at start: never plain values in the config.
    dynamic "secret_environment_variables" {
      for_each = each.value.secrets
      content {
        key        = secret_environment_variables.key
        project_id = var.project
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }

  # Event delivery for the event function only: Pub/Sub through Eventarc, redelivered while
  # the function raises (transient provider failures), as retry_policy says.
  dynamic "event_trigger" {
    for_each = each.key == "events" ? [1] : []
    content {
      trigger_region        = var.region
      event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
      pubsub_topic          = google_pubsub_topic.events.id
      retry_policy          = "RETRY_POLICY_RETRY"
      service_account_email = google_service_account.trigger.email
    }
  }

  depends_on = [google_secret_manager_secret_iam_member.runtime]
}
