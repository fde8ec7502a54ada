# `terraform test` with a mocked AWS provider: plans and "applies" the stack with no AWS account
# and no network (Terraform >= 1.7 and the AWS provider in a local mirror; see
# scripts/check-terraform.sh --validate). It proves that every variable combination evaluates, that
# the validations and preconditions refuse what they should, and the key values after apply.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  # The provider validates policies and ARNs even under a mock: give them well-formed values.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mock"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    }
  }

  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::mock-bucket"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mock"
    }
  }

  mock_resource "aws_apigatewayv2_api" {
    defaults = {
      api_endpoint = "https://abc123.execute-api.eu-west-1.amazonaws.com"
    }
  }
}

variables {
  region      = "eu-west-1"
  service_url = "https://alb.example.com"
}

run "defaults_apply_with_secure_settings" {
  command = apply

  assert {
    condition     = aws_apigatewayv2_authorizer.cognito.jwt_configuration[0].issuer == "https://cognito-idp.eu-west-1.amazonaws.com/${aws_cognito_user_pool.this.id}"
    error_message = "The JWT authorizer's issuer is not the user pool's."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.cognito.jwt_configuration[0].audience == toset([aws_cognito_user_pool_client.web.id])
    error_message = "The JWT authorizer's audience is not the app client."
  }

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.uploads.cors_rule).allowed_origins == toset([aws_apigatewayv2_api.this.api_endpoint])
    error_message = "By default only the API's own origin may PUT to the bucket."
  }

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.uploads.cors_rule).allowed_methods == toset(["PUT"])
    error_message = "The bucket's CORS must allow PUT only."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.uploads.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "SSE-S3 is the default."
  }

  assert {
    condition     = length(aws_kms_key.this) == 0 && length(aws_s3_bucket.access_logs) == 1 && length(aws_s3_bucket_logging.uploads) == 1
    error_message = "Defaults: no KMS key, access logging on."
  }

  assert {
    condition     = aws_cognito_user_pool.this.deletion_protection == "ACTIVE" && aws_cognito_user_pool.this.admin_create_user_config[0].allow_admin_create_user_only
    error_message = "Defaults: deletion protection on, admin-only sign-up."
  }

  assert {
    condition     = aws_cognito_user_pool_client.web.generate_secret == false && aws_cognito_user_pool_client.web.prevent_user_existence_errors == "ENABLED"
    error_message = "The app client must have no secret and hide user existence."
  }

  assert {
    condition     = length(aws_apigatewayv2_api.this.cors_configuration) == 0
    error_message = "With no extra origins the API needs no CORS."
  }

  assert {
    condition = output.env_file == join("", [
      "SECURE_UPLOAD_MODE=aws\n",
      "AWS_REGION=eu-west-1\n",
      "COGNITO_USER_POOL_ID=${aws_cognito_user_pool.this.id}\n",
      "COGNITO_CLIENT_ID=${aws_cognito_user_pool_client.web.id}\n",
      "UPLOAD_BUCKET=${aws_s3_bucket.uploads.bucket}\n",
      "CORS_ALLOWED_ORIGINS=${aws_apigatewayv2_api.this.api_endpoint}\n",
    ])
    error_message = "The env_file output is not the expected .env block."
  }
}

run "kms_and_extra_origins" {
  command = apply

  variables {
    use_kms                = true
    allowed_origins        = ["https://uploads.example.com", "http://localhost:8080"]
    enable_access_logging  = false
    mfa_configuration      = "ON"
    advanced_security_mode = "ENFORCED"
    upload_expiration_days = 30
  }

  assert {
    condition     = length(aws_kms_key.this) == 1 && aws_kms_key.this[0].enable_key_rotation
    error_message = "use_kms creates a rotated key."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.uploads.rule).apply_server_side_encryption_by_default).kms_master_key_id == aws_kms_key.this[0].arn
    error_message = "use_kms encrypts uploads with the key."
  }

  assert {
    condition     = aws_cloudwatch_log_group.api_access.kms_key_id == aws_kms_key.this[0].arn
    error_message = "use_kms encrypts the access logs with the key."
  }

  assert {
    condition     = length(aws_s3_bucket.access_logs) == 0 && length(aws_s3_bucket_logging.uploads) == 0 && output.access_log_bucket_name == null
    error_message = "enable_access_logging = false creates no log bucket."
  }

  assert {
    condition     = toset(one(aws_apigatewayv2_api.this.cors_configuration).allow_origins) == toset(["https://uploads.example.com", "http://localhost:8080"])
    error_message = "The API's CORS lists exactly the extra origins."
  }

  assert {
    condition     = aws_cognito_user_pool.this.user_pool_tier == "PLUS"
    error_message = "Threat protection needs the Plus plan."
  }
}

run "wildcard_origin_only_when_asked" {
  command = apply

  variables {
    cors_allow_any_origin = true
  }

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.uploads.cors_rule).allowed_origins == toset(["*"])
    error_message = "cors_allow_any_origin = true allows every origin."
  }

  assert {
    condition     = strcontains(output.env_file, "CORS_ALLOWED_ORIGINS=${aws_apigatewayv2_api.this.api_endpoint}\n")
    error_message = "The service's CORS_ALLOWED_ORIGINS stays explicit (it refuses *)."
  }
}

run "rejects_wildcard_in_allowed_origins" {
  command = plan

  variables {
    allowed_origins = ["*"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_plain_http_origin" {
  command = plan

  variables {
    allowed_origins = ["http://uploads.example.com"]
  }

  expect_failures = [var.allowed_origins]
}

run "rejects_short_passwords" {
  command = plan

  variables {
    password_minimum_length = 8
  }

  expect_failures = [var.password_minimum_length]
}

run "rejects_plain_http_service_url" {
  command = plan

  variables {
    service_url = "http://alb.example.com"
  }

  expect_failures = [aws_apigatewayv2_integration.service]
}

run "accepts_plain_http_service_url_when_allowed" {
  command = plan

  variables {
    service_url                = "http://alb.example.com"
    allow_insecure_service_url = true
  }
}

run "ses_sender_when_configured" {
  command = plan

  variables {
    ses_source_arn   = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
    ses_from_address = "Uploads <no-reply@example.com>"
  }

  assert {
    condition     = aws_cognito_user_pool.this.email_configuration[0].email_sending_account == "DEVELOPER"
    error_message = "A configured SES identity makes Cognito send through SES."
  }
}

run "rejects_a_non_ses_source_arn" {
  command = plan

  variables {
    ses_source_arn = "arn:aws:iam::123456789012:role/not-ses"
  }

  expect_failures = [var.ses_source_arn]
}
