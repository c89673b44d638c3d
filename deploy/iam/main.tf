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
  glue_arn         = "arn:${local.partition}:glue:${var.aws_region}:${local.glue_catalog_id}"

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

data "aws_iam_policy_document" "access" {
  # Discovery lists the spark-* application folders and their files (ListObjectsV2 with and without delimiter);
  # listing is a bucket-level action, so the prefix condition is what limits it to the logs.
  statement {
    sid       = "ListLogPrefix"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${local.partition}:s3:::${var.log_bucket}"]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [local.log_prefix, "${local.log_prefix}/*"]
    }
  }

  # Reading the log files (GetObject, and HeadObject which S3 authorises as GetObject). Read only: Logberg never
  # changes its input.
  statement {
    sid       = "ReadLogObjects"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["arn:${local.partition}:s3:::${var.log_bucket}/${local.log_prefix}/*"]
  }

  # Iceberg's S3FileIO lists table locations (e.g. when cleaning up); limited to the warehouse prefix.
  statement {
    sid       = "ListWarehousePrefix"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${local.partition}:s3:::${var.warehouse_bucket}"]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [local.warehouse_prefix, "${local.warehouse_prefix}/*"]
    }
  }

  # Table files: data and delete files, manifests and metadata JSON are read and written (multipart uploads for
  # large files: PutObject covers create/upload/complete; an aborted upload needs AbortMultipartUpload), and deleted
  # when a commit fails or is retried (uncommitted metadata and delete files).
  statement {
    sid    = "ReadWriteWarehouseObjects"
    effect = "Allow"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["arn:${local.partition}:s3:::${var.warehouse_bucket}/${local.warehouse_prefix}/*"]
  }

  # Iceberg's GlueCatalog reads the database to check the namespace exists and to place new tables under its
  # location. Not CreateDatabase: the database is created here (aws_glue_catalog_database).
  statement {
    sid     = "GlueDatabase"
    effect  = "Allow"
    actions = ["glue:GetDatabase"]
    resources = [
      "${local.glue_arn}:catalog",
      "${local.glue_arn}:database/${var.glue_database}",
    ]
  }

  # Iceberg's GlueTableOperations: GetTable to load a table and check the current metadata location, CreateTable
  # on the first run (the three tables), UpdateTable on every commit (swap of the metadata location, optimistic on
  # the table version). Not DeleteTable (Logberg drops nothing; only Lake Formation mode would use it), not GetTables
  # (no listing). Only the one database's tables.
  statement {
    sid     = "GlueTables"
    effect  = "Allow"
    actions = ["glue:GetTable", "glue:CreateTable", "glue:UpdateTable"]
    resources = [
      "${local.glue_arn}:catalog",
      "${local.glue_arn}:database/${var.glue_database}",
      "${local.glue_arn}:table/${var.glue_database}/*",
    ]
  }

  # SSE-KMS buckets only: decrypt what is read, create data keys for what is written, and only through S3.
  dynamic "statement" {
    for_each = length(var.kms_key_arns) > 0 ? [true] : []
    content {
      sid       = "BucketKeys"
      effect    = "Allow"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = var.kms_key_arns
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${var.aws_region}.amazonaws.com"]
      }
    }
  }
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
  policy = data.aws_iam_policy_document.access.json
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
