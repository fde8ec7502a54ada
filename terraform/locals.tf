locals {
  # Objects are only ever written under this prefix: the service signs keys `uploads/<sub>/...`,
  # and every IAM statement that can write to the bucket is scoped to it.
  upload_prefix = "uploads/"

  # Browser origins named in the service's CORS_ALLOWED_ORIGINS: the API's own endpoint (it serves
  # the page) and the configured extra origins. Always explicit: the service refuses "*".
  service_origins = distinct(concat([aws_apigatewayv2_api.this.api_endpoint], var.allowed_origins))

  # Origins allowed to PUT to the bucket: the same list, or a wildcard only when the deployer
  # explicitly asks for it.
  cors_origins = var.cors_allow_any_origin ? ["*"] : local.service_origins

  # The customer-managed key when SSE-KMS is chosen, null with SSE-S3.
  kms_key_arn = one(aws_kms_key.this[*].arn)
}

locals {
  # Key prefix of the upload bucket's server access logs inside the log bucket.
  access_log_prefix = "s3-access/"

  # CloudWatch log group of the API's access logs (named here because the KMS key policy needs it).
  api_log_group_name = "/aws/apigateway/${var.name_prefix}-api"
}
