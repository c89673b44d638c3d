terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.x has aws_eks_pod_identity_association (added in 5.31).
      version = ">= 5.31, < 7.0"
    }
  }
}

provider "aws" {
  region = var.aws_region
}
