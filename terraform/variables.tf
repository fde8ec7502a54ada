# Every input of the stack. Defaults are the secure choice; loosening anything takes an explicit
# variable (see README.md for the table).

variable "region" {
  description = "AWS region for every resource (Cognito, S3, API Gateway, logs); also AWS_REGION for the service."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "The region must look like an AWS region code, e.g. eu-west-1 or us-gov-west-1."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name (lowercase letters, digits and hyphens; at most 20 characters so that generated bucket names stay within S3's limits)."
  type        = string
  default     = "secure-upload"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "The name_prefix must be 3-20 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "tags" {
  description = "Extra tags added to every resource (merged over Project and ManagedBy)."
  type        = map(string)
  default     = {}
}

# --- Browser origins -------------------------------------------------------------------------

variable "allowed_origins" {
  description = "Extra browser origins (scheme://host[:port], no path) allowed to PUT to the bucket and call the API cross-origin, e.g. a custom domain in front of the API. The API's own endpoint is always allowed. Must be https, except http://localhost and http://127.0.0.1 for development."
  type        = list(string)
  default     = []

  validation {
    condition = alltrue([
      for origin in var.allowed_origins :
      can(regex("^(https://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?|http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?)$", origin))
    ])
    error_message = "Each allowed origin must be https://host[:port] in lowercase with no path or trailing slash (http:// only for localhost or 127.0.0.1); use cors_allow_any_origin for a wildcard."
  }
}

variable "cors_allow_any_origin" {
  description = "Allow every origin (`*`) in the bucket's and the API's CORS rules instead of the listed ones. Off by default: any web page could then drive uploads with a stolen token."
  type        = bool
  default     = false
}

# --- Cognito ---------------------------------------------------------------------------------

variable "allow_self_sign_up" {
  description = "Let anyone create an account through the app client. Off by default: only administrators create users (aws cognito-idp admin-create-user)."
  type        = bool
  default     = false
}

variable "user_pool_deletion_protection" {
  description = "Protect the user pool from deletion (Cognito refuses DeleteUserPool while it is on)."
  type        = bool
  default     = true
}

variable "mfa_configuration" {
  description = "Multi-factor authentication with TOTP authenticator apps: OPTIONAL (each user may enrol) or ON (required for everyone)."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OPTIONAL", "ON"], var.mfa_configuration)
    error_message = "The mfa_configuration must be OPTIONAL or ON."
  }
}

variable "password_minimum_length" {
  description = "Minimum password length for the user pool (upper case, lower case, digit and symbol are always required)."
  type        = number
  default     = 14

  validation {
    condition     = var.password_minimum_length >= 12 && var.password_minimum_length <= 99
    error_message = "The password_minimum_length must be between 12 and 99."
  }
}

variable "temporary_password_validity_days" {
  description = "Days an administrator-issued temporary password stays valid."
  type        = number
  default     = 3

  validation {
    condition     = var.temporary_password_validity_days >= 1 && var.temporary_password_validity_days <= 7
    error_message = "The temporary_password_validity_days must be between 1 and 7."
  }
}

variable "advanced_security_mode" {
  description = "Cognito threat protection (advanced security): OFF, AUDIT or ENFORCED. AUDIT and ENFORCED switch the pool to the Plus feature plan, which is billed per active user."
  type        = string
  default     = "OFF"

  validation {
    condition     = contains(["OFF", "AUDIT", "ENFORCED"], var.advanced_security_mode)
    error_message = "The advanced_security_mode must be OFF, AUDIT or ENFORCED."
  }
}

variable "ses_source_arn" {
  description = "ARN of a verified Amazon SES identity Cognito sends its emails from (temporary passwords, codes); null uses Cognito's default sender, which has a low daily quota."
  type        = string
  default     = null

  validation {
    condition     = var.ses_source_arn == null || can(regex("^arn:aws[a-z-]*:ses:[a-z0-9-]+:[0-9]{12}:identity/.+$", var.ses_source_arn))
    error_message = "The ses_source_arn must be an SES identity ARN, arn:aws:ses:<region>:<account id>:identity/<domain or address>."
  }
}

variable "ses_from_address" {
  description = "From address of Cognito's emails when ses_source_arn is set, e.g. \"Uploads <no-reply@example.com>\"; null uses the identity's address."
  type        = string
  default     = null
}

variable "access_token_validity_minutes" {
  description = "Lifetime of access tokens in minutes (Cognito allows 5 to 1440)."
  type        = number
  default     = 60

  validation {
    condition     = var.access_token_validity_minutes >= 5 && var.access_token_validity_minutes <= 1440
    error_message = "The access_token_validity_minutes must be between 5 and 1440."
  }
}

variable "id_token_validity_minutes" {
  description = "Lifetime of ID tokens in minutes (Cognito allows 5 to 1440)."
  type        = number
  default     = 60

  validation {
    condition     = var.id_token_validity_minutes >= 5 && var.id_token_validity_minutes <= 1440
    error_message = "The id_token_validity_minutes must be between 5 and 1440."
  }
}

variable "refresh_token_validity_days" {
  description = "Lifetime of refresh tokens in days (Cognito allows 1 to 3650)."
  type        = number
  default     = 7

  validation {
    condition     = var.refresh_token_validity_days >= 1 && var.refresh_token_validity_days <= 3650
    error_message = "The refresh_token_validity_days must be between 1 and 3650."
  }
}

# --- S3 --------------------------------------------------------------------------------------

variable "bucket_name" {
  description = "Exact name of the upload bucket; null lets Terraform generate a unique name from name_prefix."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "The bucket_name must be a valid S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens."
  }
}

variable "use_kms" {
  description = "Encrypt uploads (and the API access logs) with a customer-managed KMS key with yearly rotation (SSE-KMS) instead of S3-managed keys (SSE-S3)."
  type        = bool
  default     = false
}

variable "kms_deletion_window_days" {
  description = "Waiting period before a scheduled deletion of the KMS key takes effect (only with use_kms)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "The kms_deletion_window_days must be between 7 and 30."
  }
}

variable "abort_incomplete_multipart_days" {
  description = "Days after which S3 aborts an incomplete multipart upload and deletes its parts."
  type        = number
  default     = 3

  validation {
    condition     = var.abort_incomplete_multipart_days >= 1 && var.abort_incomplete_multipart_days <= 30
    error_message = "The abort_incomplete_multipart_days must be between 1 and 30."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days a replaced or deleted object version is kept before S3 removes it (versioning is always on)."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_retention_days >= 1
    error_message = "The noncurrent_version_retention_days must be at least 1."
  }
}

variable "upload_expiration_days" {
  description = "Days after which uploaded objects expire (become noncurrent versions); null keeps them until deleted."
  type        = number
  default     = null

  validation {
    condition     = var.upload_expiration_days == null || try(var.upload_expiration_days >= 1, false)
    error_message = "The upload_expiration_days must be null or at least 1."
  }
}

variable "enable_access_logging" {
  description = "Write S3 server access logs of the upload bucket to a separate, locked-down log bucket."
  type        = bool
  default     = true
}

variable "access_log_retention_days" {
  description = "Days the S3 server access logs are kept in the log bucket."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_retention_days >= 1
    error_message = "The access_log_retention_days must be at least 1."
  }
}

# --- Service (container) ---------------------------------------------------------------------

variable "service_trust_principal" {
  description = "AWS service principal allowed to assume the service role (ECS tasks by default). The trust also requires aws:SourceAccount = this account, which ECS sends; EC2 and Lambda do not send it when they assume a role, so they are refused here rather than given a role nobody can assume."
  type        = string
  default     = "ecs-tasks.amazonaws.com"

  validation {
    condition     = can(regex("^[a-z0-9.-]+\\.amazonaws\\.com(\\.cn)?$", var.service_trust_principal)) && !contains(["ec2.amazonaws.com", "ec2.amazonaws.com.cn", "lambda.amazonaws.com"], var.service_trust_principal)
    error_message = "The service_trust_principal must be an AWS service principal that sends aws:SourceAccount when it assumes a role, such as ecs-tasks.amazonaws.com (EC2 and Lambda do not)."
  }
}

variable "service_url" {
  description = "Base URL of the SecureUpload service that API Gateway forwards to (the load balancer's address, e.g. https://alb.example.com). No path: API Gateway passes the request path through."
  type        = string

  validation {
    condition     = can(regex("^https?://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$", var.service_url))
    error_message = "The service_url must be scheme://host[:port] with no path or trailing slash."
  }
}

variable "allow_insecure_service_url" {
  description = "Allow an http:// service_url. Off by default: tokens would cross the network between API Gateway and the load balancer in clear text."
  type        = bool
  default     = false
}

# --- API Gateway -----------------------------------------------------------------------------

variable "api_throttling_rate_limit" {
  description = "Steady-state requests per second the API's default route settings allow (across all clients)."
  type        = number
  default     = 50

  validation {
    condition     = var.api_throttling_rate_limit > 0
    error_message = "The api_throttling_rate_limit must be positive."
  }
}

variable "api_throttling_burst_limit" {
  description = "Burst capacity of the API's default route settings."
  type        = number
  default     = 100

  validation {
    condition     = var.api_throttling_burst_limit > 0
    error_message = "The api_throttling_burst_limit must be positive."
  }
}

variable "log_retention_days" {
  description = "Days the API access logs are kept in CloudWatch Logs (one of the values CloudWatch accepts)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}
