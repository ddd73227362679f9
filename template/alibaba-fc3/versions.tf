# Alibaba Cloud Function Compute 3.0: the FCV3 resources need alicloud >= 1.228.0.
terraform {
  required_version = ">= 1.5"
  required_providers {
    alicloud = {
      source  = "aliyun/alicloud"
      version = ">= 1.228.0"
    }
  }
}
