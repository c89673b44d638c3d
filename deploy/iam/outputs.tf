output "role_arn" {
  description = "The role's ARN: the eks.amazonaws.com/role-arn annotation of the service accounts when using IRSA."
  value       = aws_iam_role.logberg.arn
}

output "pod_identity_associations" {
  description = "Pod Identity association ids by service account."
  value       = { for account, association in aws_eks_pod_identity_association.logberg : account => association.association_id }
}

output "logberg_options" {
  description = "The Logberg options this role is made for (add --input=<s3 folder under input_root>)."
  value = join(" ", compact([
    "--catalogType=glue",
    "--region=${var.aws_region}",
    "--warehouse=s3://${var.warehouse_bucket}/${local.warehouse_prefix}",
    "--database=${var.glue_database}",
    var.glue_catalog_id == null ? "" : "--glueCatalogId=${var.glue_catalog_id}",
  ]))
}

output "input_root" {
  description = "The S3 folder the role may read; Logberg's --input must lie under it."
  value       = "s3://${var.log_bucket}/${local.log_prefix}"
}
