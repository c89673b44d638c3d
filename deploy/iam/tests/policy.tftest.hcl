# Plans the module offline and checks the trust policy the AWS provider renders and the access policy
# (policy.json.tftpl) as Terraform renders it:
#   terraform init -backend=false && terraform test
# No AWS account is needed: the provider skips every credential and account check, and the one data source that
# would call AWS (the caller's account id) is overridden. The provider renders list elements in no fixed order,
# so lists are compared as sets.

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "111122223333"
  }
}

variables {
  aws_region       = "eu-west-1"
  eks_cluster_name = "data-platform"
  log_bucket       = "logs-bucket"
  log_prefix       = "/prod/spark-application-logs/"
  warehouse_bucket = "lake-bucket"
  warehouse_prefix = "warehouse"
}

run "pod_identity_only" {
  command = plan

  assert {
    condition = [
      for s in jsondecode(data.aws_iam_policy_document.trust.json).Statement : {
        sid        = s.Sid
        actions    = toset(flatten([s.Action]))
        principal  = s.Principal
        cluster    = s.Condition.StringEquals["aws:RequestTag/eks-cluster-name"]
        namespace  = s.Condition.StringEquals["aws:RequestTag/kubernetes-namespace"]
        accounts   = toset(flatten([s.Condition.StringEquals["aws:RequestTag/kubernetes-service-account"]]))
        conditions = length(s.Condition.StringEquals)
      }
      ] == [{
        sid        = "EksPodIdentity"
        actions    = toset(["sts:AssumeRole", "sts:TagSession"])
        principal  = { Service = "pods.eks.amazonaws.com" }
        cluster    = "data-platform"
        namespace  = "logberg"
        accounts   = toset(["logberg-flink", "logberg-spark"])
        conditions = 3
    }]
    error_message = "Pod Identity trust: ${data.aws_iam_policy_document.trust.json}"
  }

  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.access.policy).Statement : s.Sid => toset(flatten([s.Action]))
      } == {
      ListLogPrefix             = toset(["s3:ListBucket"])
      ReadLogObjects            = toset(["s3:GetObject"])
      ListWarehousePrefix       = toset(["s3:ListBucket"])
      ReadWriteWarehouseObjects = toset(["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"])
      GlueDatabase              = toset(["glue:GetDatabase"])
      GlueTables                = toset(["glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable"])
    }
    error_message = "actions: ${aws_iam_role_policy.access.policy}"
  }

  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.access.policy).Statement : s.Sid => toset(flatten([s.Resource]))
      } == {
      ListLogPrefix             = toset(["arn:aws:s3:::logs-bucket"])
      ReadLogObjects            = toset(["arn:aws:s3:::logs-bucket/prod/spark-application-logs/*"])
      ListWarehousePrefix       = toset(["arn:aws:s3:::lake-bucket"])
      ReadWriteWarehouseObjects = toset(["arn:aws:s3:::lake-bucket/warehouse/*"])
      GlueDatabase = toset([
        "arn:aws:glue:eu-west-1:111122223333:catalog",
        "arn:aws:glue:eu-west-1:111122223333:database/logs",
      ])
      GlueTables = toset([
        "arn:aws:glue:eu-west-1:111122223333:catalog",
        "arn:aws:glue:eu-west-1:111122223333:database/logs",
        "arn:aws:glue:eu-west-1:111122223333:table/logs/*",
      ])
    }
    error_message = "resources: ${aws_iam_role_policy.access.policy}"
  }

  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.access.policy).Statement : s.Sid => toset(s.Condition.StringLike["s3:prefix"])
      if contains(flatten([s.Action]), "s3:ListBucket")
      } == {
      ListLogPrefix       = toset(["prod/spark-application-logs", "prod/spark-application-logs/*"])
      ListWarehousePrefix = toset(["warehouse", "warehouse/*"])
    }
    error_message = "listing must be limited to the (trimmed) prefixes: ${aws_iam_role_policy.access.policy}"
  }

  assert {
    condition     = toset(keys(aws_eks_pod_identity_association.logberg)) == toset(["logberg-flink", "logberg-spark"])
    error_message = "one Pod Identity association per service account"
  }

  assert {
    condition     = aws_glue_catalog_database.logs[0].location_uri == "s3://lake-bucket/warehouse/logs.db"
    error_message = "the database location must lie under the warehouse prefix"
  }
}

run "irsa_and_other_catalog_account" {
  command = plan

  variables {
    enable_pod_identity    = false
    irsa_oidc_provider_arn = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789"
    glue_catalog_id        = "444455556666"
    kms_key_arns           = ["arn:aws:kms:eu-west-1:111122223333:key/k1"]
  }

  assert {
    condition = [
      for s in jsondecode(data.aws_iam_policy_document.trust.json).Statement : {
        sid       = s.Sid
        action    = s.Action
        principal = s.Principal
        aud       = s.Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789:aud"]
        sub       = toset(s.Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789:sub"])
      }
      ] == [{
        sid       = "Irsa"
        action    = "sts:AssumeRoleWithWebIdentity"
        principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789" }
        aud       = "sts.amazonaws.com"
        sub       = toset(["system:serviceaccount:logberg:logberg-flink", "system:serviceaccount:logberg:logberg-spark"])
    }]
    error_message = "IRSA trust: ${data.aws_iam_policy_document.trust.json}"
  }

  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.access.policy).Statement : s.Sid => toset(flatten([s.Resource]))
      if startswith(s.Sid, "Glue") || s.Sid == "BucketKeys"
      } == {
      GlueDatabase = toset([
        "arn:aws:glue:eu-west-1:444455556666:catalog",
        "arn:aws:glue:eu-west-1:444455556666:database/logs",
      ])
      GlueTables = toset([
        "arn:aws:glue:eu-west-1:444455556666:catalog",
        "arn:aws:glue:eu-west-1:444455556666:database/logs",
        "arn:aws:glue:eu-west-1:444455556666:table/logs/*",
      ])
      BucketKeys = toset(["arn:aws:kms:eu-west-1:111122223333:key/k1"])
    }
    error_message = "Glue ARNs must name the catalog's account: ${aws_iam_role_policy.access.policy}"
  }

  assert {
    condition     = length(aws_eks_pod_identity_association.logberg) == 0
    error_message = "no Pod Identity association when it is off"
  }

  assert {
    condition     = output.logberg_options == "--catalogType=glue --region=eu-west-1 --warehouse=s3://lake-bucket/warehouse --database=logs --glueCatalogId=444455556666"
    error_message = "options: ${output.logberg_options}"
  }
}

run "no_trust_is_refused" {
  command = plan

  variables {
    enable_pod_identity = false
  }

  expect_failures = [aws_iam_role.logberg]
}

run "whole_bucket_is_refused" {
  command = plan

  variables {
    log_prefix = "/"
  }

  expect_failures = [var.log_prefix]
}
