variable "project" {
  description = "Google Cloud project id."
  type        = string
}

variable "region" {
  description = "Region of the functions and of the Eventarc trigger."
  type        = string
  default     = "europe-west1"
}

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "tagstrip"
}

variable "source_path" {
  description = "Source zip built by `make package` (dist/tagstrip-source.zip): Cloud Build installs its requirements.txt."
  type        = string
  default     = "../../dist/tagstrip-source.zip"
}

variable "source_bucket" {
  description = "Existing Cloud Storage bucket that receives the source zip."
  type        = string
}

variable "webhook_secret_id" {
  description = "Secret Manager secret (id) holding the webhook HMAC secret."
  type        = string
}

variable "credential_secret_ids" {
  description = "Environment variable name -> Secret Manager secret id, e.g. ALIBABA_CLOUD_ACCESS_KEY_ID."
  type        = map(string)
  default     = {}
  validation {
    condition = alltrue([for key in keys(var.credential_secret_ids) : contains([
      "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
      "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN",
      "BAIDUCLOUD_ACCESS_KEY", "BAIDUCLOUD_SECRET_KEY",
    ], key)])
    error_message = "Keys must be credential variables that tagstrip reads."
  }
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
  description = "Per-request time limit."
  type        = number
  default     = 60
}

variable "max_instances" {
  description = "Upper bound on instances per function (caps cost and vendor API load)."
  type        = number
  default     = 10
}
