# Least privilege: Function Compute assumes this role and hands its STS credentials to the
# function as ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
# ALIBABA_CLOUD_SECURITY_TOKEN, the variables tagstrip reads. No access key is stored anywhere.
resource "alicloud_ram_role" "tagstrip" {
  role_name   = "${var.name}-fc"
  description = "Assumed by the tagstrip functions: remove tags from ECS, Redis and tagged resources."
  assume_role_policy_document = jsonencode({
    Version = "1"
    Statement = [{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = { Service = ["fc.aliyuncs.com"] }
    }]
  })
}

# Exactly the API actions tagstrip calls: each API's untag action (aliyun-ecs RemoveTags /
# UntagResources, aliyun-redis and aliyun-tag UntagResources) and its ListTagResources, which
# selectors (and aliyun-tag's sweeps) read tags with.
# Resource "*" because the resources to untag arrive in events. The Tag API calls each
# product's own untag API as the caller: add that product's untag action (vpc:UnTagResources,
# rds:UntagResources, ...) for every product you untag through aliyun-tag; ECS and Redis are
# covered by the actions below.
resource "alicloud_ram_policy" "remove_tags" {
  policy_name = "${var.name}-remove-tags"
  description = "Remove tags from ECS resources, Redis instances and, by ARN, tagged resources."
  policy_document = jsonencode({
    Version = "1"
    Statement = [{
      Effect = "Allow"
      Action = [
        "ecs:RemoveTags",
        "ecs:UntagResources",
        "ecs:ListTagResources",
        "kvstore:UntagResources",
        "kvstore:ListTagResources",
        "tag:UntagResources",
        "tag:ListTagResources",
      ]
      Resource = ["*"]
    }]
  })
}

resource "alicloud_ram_role_policy_attachment" "remove_tags" {
  role_name   = alicloud_ram_role.tagstrip.role_name
  policy_name = alicloud_ram_policy.remove_tags.policy_name
  policy_type = "Custom"
}
