# CloudWatch log group for the API's access logs (one JSON line per request; no headers, so no
# tokens are ever logged).

resource "aws_cloudwatch_log_group" "api_access" {
  # checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest by default; use_kms = true adds the customer-managed key.
  name              = local.api_log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn
}
