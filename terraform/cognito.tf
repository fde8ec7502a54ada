# The user pool that signs users in, and the public app client the page and curl use.

resource "aws_cognito_user_pool" "this" {
  name = "${var.name_prefix}-users"

  # Users sign in with their email address; it is verified automatically on sign-up and matched
  # case-insensitively so that Alice@ and alice@ are one user.
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]

  username_configuration {
    case_sensitive = false
  }

  # A changed email stays unverified (and unused for sign-in) until the user confirms it.
  user_attribute_update_settings {
    attributes_require_verification_before_update = ["email"]
  }

  deletion_protection = var.user_pool_deletion_protection ? "ACTIVE" : "INACTIVE"

  # Threat protection needs the Plus feature plan; without it, Essentials.
  user_pool_tier = var.advanced_security_mode == "OFF" ? "ESSENTIALS" : "PLUS"

  user_pool_add_ons {
    advanced_security_mode = var.advanced_security_mode
  }

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = var.temporary_password_validity_days
  }

  mfa_configuration = var.mfa_configuration

  software_token_mfa_configuration {
    enabled = true
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  admin_create_user_config {
    allow_admin_create_user_only = !var.allow_self_sign_up
  }

  # Cognito's own sender has a low daily quota; a verified SES identity lifts it.
  email_configuration {
    email_sending_account = var.ses_source_arn == null ? "COGNITO_DEFAULT" : "DEVELOPER"
    source_arn            = var.ses_source_arn
    from_email_address    = var.ses_source_arn == null ? null : var.ses_from_address
  }

  verification_message_template {
    default_email_option = "CONFIRM_WITH_CODE"
  }
}

resource "aws_cognito_user_pool_client" "web" {
  name         = "${var.name_prefix}-web"
  user_pool_id = aws_cognito_user_pool.this.id

  # A browser page and curl cannot keep a secret: public client, no secret hash.
  generate_secret = false

  explicit_auth_flows = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
  ]
  supported_identity_providers = ["COGNITO"]

  # Sign-in and recovery answer the same way whether or not the user exists.
  prevent_user_existence_errors = "ENABLED"
  enable_token_revocation       = true

  access_token_validity  = var.access_token_validity_minutes
  id_token_validity      = var.id_token_validity_minutes
  refresh_token_validity = var.refresh_token_validity_days
  auth_session_validity  = 3

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}
