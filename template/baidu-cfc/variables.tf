variable "name" {
  description = "Prefix of the function names."
  type        = string
  default     = "tagstrip"
}

variable "package_path" {
  description = "The zip built by `make package PACKAGE_PYTHON=<the runtime's version>`."
  type        = string
  default     = "../../dist/tagstrip-functions.zip"
}

variable "runtime" {
  description = "CFC Python runtime: the newest CFC offers, 3.10; build with `make package PACKAGE_PYTHON=3.10`."
  type        = string
  default     = "python3.10"
}

# CFC has no role that hands the function temporary credentials, so the function needs an
# access key. Give it one of a sub-user with only the tag permissions it needs (README), and pass the
# values through TF_VAR_baidu_access_key / TF_VAR_baidu_secret_key (never in a file): CFC
# keeps environment variables encrypted with KMS.
variable "baidu_access_key" {
  description = "Access key of the tag-only IAM sub-user (BAIDUCLOUD_ACCESS_KEY)."
  type        = string
  sensitive   = true
}

variable "baidu_secret_key" {
  description = "Secret key of that sub-user (BAIDUCLOUD_SECRET_KEY)."
  type        = string
  sensitive   = true
}

variable "webhook_secret" {
  description = "Webhook HMAC secret (TAGSTRIP_WEBHOOK_SECRET), from TF_VAR_webhook_secret."
  type        = string
  sensitive   = true
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
  description = "Set TAGSTRIP_ALLOW_ACCOUNT_SCOPE: carry out baidu-tag requests, which delete tags from the whole Baidu account. Off, they are refused (dry runs aside); baidu-tag-resource (any service type) and baidu-bcc (instances) unbind tags from listed resources without it."
  type        = bool
  default     = false
}

variable "timeout_seconds" {
  description = "Per-invocation time limit (1..300 s)."
  type        = number
  default     = 60
}

variable "memory_mb" {
  description = "Memory of each function (MB, multiple of 128)."
  type        = number
  default     = 512
}
