variable "name" {
  description = "Prefix of every resource name (functions, role, policy, queue)."
  type        = string
  default     = "tagstrip"
}

variable "package_path" {
  description = "The zip built by `make package` (dist/tagstrip-functions.zip, CPython 3.11)."
  type        = string
  default     = "../../dist/tagstrip-functions.zip"
}

variable "code_bucket" {
  description = "Existing OSS bucket, in the function's region, that receives the zip."
  type        = string
}

variable "webhook_secret_name" {
  description = "KMS Secrets Manager secret holding the webhook HMAC secret (TAGSTRIP_WEBHOOK_SECRET)."
  type        = string
}

variable "event_pattern" {
  description = "EventBridge event pattern (JSON) for lifecycle events sent to the event function."
  type        = string
  default     = "{\"source\":[\"acs.ecs\"],\"type\":[\"ecs:Instance:StateChange\"]}"
}

variable "extra_environment" {
  description = "More tagstrip settings, e.g. { TAGSTRIP_RULES = \"rules.yaml\" } or TAGSTRIP_WEBHOOK_MAPPING (files inside the package). Never secrets: those have their own inputs."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for key in keys(var.extra_environment) : !can(regex("SECRET|TOKEN|_KEY|_AK$|_SK$|_KEY_ID$", key))])
    error_message = "Secrets do not go in extra_environment: use the secret inputs of this module."
  }
}

variable "allow_account_scope" {
  description = "Set TAGSTRIP_ALLOW_ACCOUNT_SCOPE: carry out baidu-tag requests, which delete tags from the whole Baidu account. Off, they are refused (dry runs aside); baidu-bcc untags single instances."
  type        = bool
  default     = false
}

variable "timeout_seconds" {
  description = "Per-invocation time limit; the provider calls retry within it."
  type        = number
  default     = 60
}

variable "memory_mb" {
  description = "Memory of each function instance (MB, multiple of 64)."
  type        = number
  default     = 512
}
