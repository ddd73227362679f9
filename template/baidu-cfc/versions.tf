terraform {
  required_version = ">= 1.5"
  required_providers {
    baiducloud = {
      source  = "baidubce/baiducloud"
      version = ">= 1.19.0"
    }
  }
}
