# Execution agency (app_agency): the temporary credentials tagstrip receives carry only the
# rights to read and change ECS server tags. The batch tag delete API is authorised by the
# batchSetServerTags action, the tag read selectors make (ShowServerTags) by showServerTags
# (see their API references); both cover tags and nothing else.
resource "huaweicloud_identity_role" "ecs_tags" {
  name        = "${var.name}-ecs-tags"
  description = "Read and delete tags of ECS servers (ShowServerTags, BatchDeleteServerTags)."
  type        = "XA" # project-level
  policy = jsonencode({
    Version = "1.1"
    Statement = [{
      Effect = "Allow"
      Action = ["ecs:cloudServers:batchSetServerTags", "ecs:cloudServers:showServerTags"]
    }]
  })
}

# huawei-tms (the Tag Management Service) is a global service: its right is granted on the
# account (domain_roles), in a global ("AX") role. tms:resourceTags:delete is the right its
# DeleteResourceTag API names; selectors read a resource's tags (ShowResourceTag), authorised
# by tms:resourceTags:list, and sweeps (where) query the tag index (ListResource), authorised
# by tms:resources:list. Whether
# TMS also checks each target service's own tag right is not documented: add those rights
# (e.g. evs:volumes:..., vpc:...) to the project role for the services you untag.
resource "huaweicloud_identity_role" "tms_tags" {
  name        = "${var.name}-tms-tags"
  description = "Delete tags from resources of any service through TMS (DeleteResourceTag)."
  type        = "AX" # global
  policy = jsonencode({
    Version = "1.1"
    Statement = [{
      Effect = "Allow"
      Action = ["tms:resourceTags:delete", "tms:resourceTags:list", "tms:resources:list"]
    }]
  })
}

resource "huaweicloud_identity_agency" "execution" {
  name                   = "${var.name}-execution"
  description            = "Assumed by the tagstrip functions at run time: tag rights only."
  delegated_service_name = "op_svc_cff" # FunctionGraph
  project_role {
    project = var.region
    roles   = [huaweicloud_identity_role.ecs_tags.name]
  }
  domain_roles = [huaweicloud_identity_role.tms_tags.name]
}

# Configuration agency (agency): used by FunctionGraph itself, not by tagstrip's code, to
# publish failed asynchronous invocations to the dead-letter topic.
resource "huaweicloud_identity_role" "dead_letter" {
  name        = "${var.name}-dead-letter"
  description = "Publish to the tagstrip dead-letter topic."
  type        = "XA"
  policy = jsonencode({
    Version = "1.1"
    Statement = [{
      Effect = "Allow"
      Action = ["smn:topic:publish"]
    }]
  })
}

resource "huaweicloud_identity_agency" "configuration" {
  name                   = "${var.name}-configuration"
  description            = "Used by FunctionGraph to deliver tagstrip dead letters."
  delegated_service_name = "op_svc_cff"
  project_role {
    project = var.region
    roles   = [huaweicloud_identity_role.dead_letter.name]
  }
}
