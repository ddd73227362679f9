variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "tagstrip"
}

variable "region" {
  description = "Region of the functions, e.g. cn-north-4 (also the project the agency role applies to)."
  type        = string
}

variable "package_path" {
  description = "The zip built by `make package PACKAGE_PYTHON=3.12` (FunctionGraph's newest Python is 3.12)."
  type        = string
  default     = "../../dist/tagstrip-functions.zip"
}

variable "code_bucket" {
  description = "Existing OBS bucket, in the same region, that receives the zip."
  type        = string
}

variable "python_path" {
  description = "CPython 3.12 interpreter the HTTP function's bootstrap runs (FunctionGraph runtime path)."
  type        = string
  default     = "/opt/function/runtime/python3.12/rtsp/python/bin/python3"
}

variable "webhook_secret_name" {
  description = "CSMS (Data Encryption Workshop) secret holding the webhook HMAC secret."
  type        = string
}

variable "sdk_credentials_secret_name" {
  description = "Optional CSMS secret with HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (JSON) of a tag-only IAM user; empty: none."
  type        = string
  default     = ""
}

variable "apig_instance_id" {
  description = "Dedicated API Gateway instance that publishes the webhook."
  type        = string
}

variable "apig_group_id" {
  description = "API group, in that gateway, for the webhook route."
  type        = string
}

variable "cts_operations" {
  description = "Cloud Trace operations (service:resource type:operation) delivered to the event function."
  type        = list(string)
  default     = ["ECS:ecs:createServer", "ECS:ecs:deleteServer"]
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
  description = "Per-invocation time limit (3..900 s)."
  type        = number
  default     = 60
}

variable "memory_mb" {
  description = "Memory of each function instance (MB)."
  type        = number
  default     = 512
}

variable "domain_id" {
  description = "Account (domain) ID, for huawei-tms: TMS is global and its calls name the account (X-Domain-Id); empty: huawei-tms is not configured."
  type        = string
  default     = ""
}
