# The functions' identity: it may read exactly the secrets below and nothing else in the
# project (tagstrip calls other clouds, not Google APIs).
resource "google_service_account" "runtime" {
  project      = var.project
  account_id   = "${var.name}-runtime"
  display_name = "tagstrip functions"
}

resource "google_secret_manager_secret_iam_member" "runtime" {
  for_each  = toset(concat([var.webhook_secret_id], values(var.credential_secret_ids)))
  project   = var.project
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runtime.email}"
}

# Eventarc pushes to the event function as this account, which may invoke only that function.
resource "google_service_account" "trigger" {
  project      = var.project
  account_id   = "${var.name}-trigger"
  display_name = "tagstrip Eventarc trigger"
}

resource "google_cloud_run_service_iam_member" "trigger_invokes_events" {
  project  = var.project
  location = var.region
  service  = google_cloudfunctions2_function.tagstrip["events"].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.trigger.email}"
}

# The only public entry point: the webhook, which verifies the HMAC signature itself.
resource "google_cloud_run_service_iam_member" "public_webhook" {
  # checkov:skip=CKV_GCP_102: the webhook is public by design; every request must carry a valid HMAC signature
  project  = var.project
  location = var.region
  service  = google_cloudfunctions2_function.tagstrip["webhook"].service_config[0].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}
