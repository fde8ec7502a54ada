terraform {
  # 1.5: `optional()` object attributes, `lifecycle` preconditions and `check` blocks are stable.
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.90: `aws_cognito_user_pool.user_pool_tier` (Cognito feature plans) is available.
      version = ">= 5.90.0, < 6.0.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge({ Project = "secure-upload", ManagedBy = "terraform" }, var.tags)
  }
}

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}
