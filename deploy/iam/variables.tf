variable "aws_region" {
  description = "Region of the EKS cluster, the Glue Data Catalog and the buckets."
  type        = string
}

variable "name" {
  description = "Name of the IAM role and its policy."
  type        = string
  default     = "logberg"
}

variable "eks_cluster_name" {
  description = "EKS cluster whose Logberg service accounts get the role (Pod Identity associations, trust conditions)."
  type        = string
}

variable "namespace" {
  description = "Kubernetes namespace of the Logberg service accounts."
  type        = string
  default     = "logberg"
}

variable "service_accounts" {
  description = "Kubernetes service accounts that run Logberg jobs (Flink job/task managers, Spark driver/executors)."
  type        = list(string)
  default     = ["logberg-flink", "logberg-spark"]
}

variable "enable_pod_identity" {
  description = "Trust EKS Pod Identity and associate the role with each service account (needs the eks-pod-identity-agent add-on)."
  type        = bool
  default     = true
}

variable "irsa_oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider, to also trust IRSA (annotated service accounts); null: no IRSA trust."
  type        = string
  default     = null
}

variable "log_bucket" {
  description = "Bucket the Spark application logs are shipped to (read only)."
  type        = string
}

variable "log_prefix" {
  description = "Key prefix under which the logs lie, e.g. prod/spark-application-logs; Logberg's --input points under it."
  type        = string

  validation {
    # An empty prefix would grant the whole bucket.
    condition     = length(trim(var.log_prefix, "/")) > 0
    error_message = "log_prefix must name a prefix, not the whole bucket."
  }
}

variable "warehouse_bucket" {
  description = "Bucket of the Iceberg warehouse (data and metadata files)."
  type        = string
}

variable "warehouse_prefix" {
  description = "Key prefix of the warehouse, e.g. warehouse; Logberg's --warehouse is s3://<warehouse_bucket>/<warehouse_prefix>."
  type        = string

  validation {
    condition     = length(trim(var.warehouse_prefix, "/")) > 0
    error_message = "warehouse_prefix must name a prefix, not the whole bucket."
  }
}

variable "glue_catalog_id" {
  description = "Account id owning the Glue Data Catalog (Logberg's --glueCatalogId); null: this account."
  type        = string
  default     = null
}

variable "glue_database" {
  description = "Glue database (Iceberg namespace) of the three tables; Logberg's --database."
  type        = string
  default     = "logs"
}

variable "create_glue_database" {
  description = "Create the Glue database here; false when it already exists (e.g. managed in the catalog's account)."
  type        = bool
  default     = true
}

variable "kms_key_arns" {
  description = "KMS keys encrypting the buckets (SSE-KMS), if any; empty for SSE-S3."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags on every resource created here."
  type        = map(string)
  default     = {}
}
