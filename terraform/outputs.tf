output "api_endpoint" {
  description = "Public URL of the HTTP API (serves the page; POST /upload needs a Cognito token)."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "region" {
  description = "AWS region of every resource."
  value       = var.region
}

output "user_pool_id" {
  description = "Cognito user pool id (COGNITO_USER_POOL_ID)."
  value       = aws_cognito_user_pool.this.id
}

output "client_id" {
  description = "Cognito app client id, public client without a secret (COGNITO_CLIENT_ID)."
  value       = aws_cognito_user_pool_client.web.id
}

output "cognito_issuer" {
  description = "Issuer (iss claim) of the pool's tokens; the JWKS is at <issuer>/.well-known/jwks.json."
  value       = "https://cognito-idp.${var.region}.amazonaws.com/${aws_cognito_user_pool.this.id}"
}

output "identity_pool_id" {
  description = "Cognito identity pool id (authenticated identities only)."
  value       = aws_cognito_identity_pool.this.id
}

output "bucket_name" {
  description = "Name of the upload bucket (UPLOAD_BUCKET)."
  value       = aws_s3_bucket.uploads.bucket
}

output "access_log_bucket_name" {
  description = "Name of the S3 server access log bucket, null when access logging is off."
  value       = one(aws_s3_bucket.access_logs[*].bucket)
}

output "service_role_arn" {
  description = "ARN of the service's IAM role: use it as the ECS task role."
  value       = aws_iam_role.service.arn
}

output "identity_authenticated_role_arn" {
  description = "ARN of the role the identity pool gives signed-in users."
  value       = aws_iam_role.identity_authenticated.arn
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key, null with SSE-S3."
  value       = local.kms_key_arn
}

output "cors_allowed_origins" {
  description = "Origins allowed to PUT to the bucket (\"*\" only with cors_allow_any_origin)."
  value       = local.cors_origins
}

output "service_allowed_origins" {
  description = "Origins the service accepts cross-origin requests from (CORS_ALLOWED_ORIGINS; never \"*\")."
  value       = local.service_origins
}

output "env_file" {
  description = "Ready-to-use .env block for the SecureUpload container (terraform output -raw env_file > .env)."
  value       = <<-EOT
    SECURE_UPLOAD_MODE=aws
    AWS_REGION=${var.region}
    COGNITO_USER_POOL_ID=${aws_cognito_user_pool.this.id}
    COGNITO_CLIENT_ID=${aws_cognito_user_pool_client.web.id}
    UPLOAD_BUCKET=${aws_s3_bucket.uploads.bucket}
    CORS_ALLOWED_ORIGINS=${join(",", local.service_origins)}
  EOT
}
