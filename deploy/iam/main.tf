# One IAM role for every Logberg pod (Flink job/task managers, Spark driver/executors): read the Spark logs, write the
# Iceberg warehouse, commit through the Glue Data Catalog. Nothing else. Pods get it through the AWS default chain
# (EKS Pod Identity, or IRSA); Logberg takes no keys.

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  partition        = data.aws_partition.current.partition
  account_id       = data.aws_caller_identity.current.account_id
  glue_catalog_id  = coalesce(var.glue_catalog_id, local.account_id)
  log_prefix       = trim(var.log_prefix, "/")
  warehouse_prefix = trim(var.warehouse_prefix, "/")

  # The IRSA token's issuer (host/path, no scheme) is what follows "oidc-provider/" in the provider's ARN.
  irsa_issuer   = var.irsa_oidc_provider_arn == null ? "" : element(split("oidc-provider/", var.irsa_oidc_provider_arn), 1)
  irsa_subjects = [for account in var.service_accounts : "system:serviceaccount:${var.namespace}:${account}"]
}

data "aws_iam_policy_document" "trust" {
  # EKS Pod Identity: the EKS auth service assumes the role and tags the session with the pod's cluster, namespace
  # and service account; the conditions keep other clusters' and namespaces' associations out.
  dynamic "statement" {
    for_each = var.enable_pod_identity ? [true] : []
    content {
      sid     = "EksPodIdentity"
      effect  = "Allow"
      actions = ["sts:AssumeRole", "sts:TagSession"]
      principals {
        type        = "Service"
        identifiers = ["pods.eks.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:RequestTag/eks-cluster-name"
        values   = [var.eks_cluster_name]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:RequestTag/kubernetes-namespace"
        values   = [var.namespace]
      }
      condition {
        test     = "StringEquals"
        variable = "aws:RequestTag/kubernetes-service-account"
        values   = var.service_accounts
      }
    }
  }

  # IRSA (optional): pods whose service account carries the eks.amazonaws.com/role-arn annotation exchange their
  # projected token; only the Logberg service accounts of this namespace, and only tokens minted for STS.
  dynamic "statement" {
    for_each = var.irsa_oidc_provider_arn == null ? [] : [true]
    content {
      sid     = "Irsa"
      effect  = "Allow"
      actions = ["sts:AssumeRoleWithWebIdentity"]
      principals {
        type        = "Federated"
        identifiers = [var.irsa_oidc_provider_arn]
      }
      condition {
        test     = "StringEquals"
        variable = "${local.irsa_issuer}:sub"
        values   = local.irsa_subjects
      }
      condition {
        test     = "StringEquals"
        variable = "${local.irsa_issuer}:aud"
        values   = ["sts.amazonaws.com"]
      }
    }
  }
}

# What the pods may do, in one document that Terraform renders and the build's tests read too (IamPolicyTest renders
# it with the same variables, and the AWS rehearsal test, AwsRehearsalIT, runs Logberg under it in an AWS emulator).
# deploy/README.md says why each statement is there. Read only on the logs, read/write on the warehouse prefix, the
# one Glue database and its tables; KMS only for SSE-KMS buckets, only through S3.
locals {
  access_policy = templatefile("${path.module}/policy.json.tftpl", {
    partition         = local.partition
    region            = var.aws_region
    log_bucket        = var.log_bucket
    log_prefix        = local.log_prefix
    warehouse_bucket  = var.warehouse_bucket
    warehouse_prefix  = local.warehouse_prefix
    glue_catalog_id   = local.glue_catalog_id
    glue_database     = var.glue_database
    bucket_keys       = length(var.kms_key_arns) > 0
    kms_key_arns_json = jsonencode(var.kms_key_arns)
  })
}

resource "aws_iam_role" "logberg" {
  name               = var.name
  description        = "Logberg: Spark application logs into Iceberg (Flink and Spark pods on ${var.eks_cluster_name})"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  tags               = var.tags

  lifecycle {
    precondition {
      condition     = var.enable_pod_identity || var.irsa_oidc_provider_arn != null
      error_message = "Enable EKS Pod Identity or give irsa_oidc_provider_arn: otherwise no pod can assume the role."
    }
  }
}

resource "aws_iam_role_policy" "access" {
  name   = "${var.name}-access"
  role   = aws_iam_role.logberg.id
  policy = local.access_policy
}

# The Iceberg namespace of the three tables. Its location is where the catalog would put the tables anyway
# (<warehouse>/<database>.db/<table>), so tables land under the warehouse prefix the role may write.
resource "aws_glue_catalog_database" "logs" {
  count        = var.create_glue_database ? 1 : 0
  name         = var.glue_database
  catalog_id   = local.glue_catalog_id
  description  = "Logberg: Spark application logs as Apache Iceberg tables"
  location_uri = "s3://${var.warehouse_bucket}/${local.warehouse_prefix}/${var.glue_database}.db"
  tags         = var.tags
}

# Pods running as these service accounts get the role's credentials from the Pod Identity agent.
resource "aws_eks_pod_identity_association" "logberg" {
  for_each        = var.enable_pod_identity ? toset(var.service_accounts) : toset([])
  cluster_name    = var.eks_cluster_name
  namespace       = var.namespace
  service_account = each.value
  role_arn        = aws_iam_role.logberg.arn
  tags            = var.tags
}
