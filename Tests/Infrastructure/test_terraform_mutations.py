"""The security assertions really fail: each known insecure change to terraform/ is caught.

Every case edits one file's text in memory (the repository is not touched), re-parses it with
python-hcl2 and runs the security check that must reject it. The unchanged configuration passes
the same check, so a failure here means the check went blind, not that terraform/ is wrong.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

import pytest

import test_terraform_security as sec
from tf_support import TF_DIR, Config, load_config

Check = Callable[[Config], None]

MUTATIONS: list[tuple[str, str, str, str, Check]] = [
    ("cors-allows-get", "s3.tf", 'allowed_methods = ["PUT"]', 'allowed_methods = ["PUT", "GET"]',
     sec.test_bucket_cors_allows_put_only_with_exactly_the_page_headers_and_exposes_etag),
    ("cors-any-header", "s3.tf", '"if-none-match"]', '"if-none-match", "*"]',
     sec.test_bucket_cors_allows_put_only_with_exactly_the_page_headers_and_exposes_etag),
    ("cors-wildcard-ungated", "locals.tf", 'var.cors_allow_any_origin ? ["*"] : local.service_origins',
     'concat(["*"], local.service_origins)',
     sec.test_no_wildcard_cors_origin_unless_the_variable_allows_it),
    ("api-cors-wildcard-ungated", "api_gateway.tf",
     'allow_origins     = var.cors_allow_any_origin ? ["*"] : var.allowed_origins',
     'allow_origins     = concat(["*"], var.allowed_origins)',
     sec.test_no_wildcard_cors_origin_unless_the_variable_allows_it),
    ("wildcard-default-on", "variables.tf",
     'Off by default: any web page could then drive uploads with a stolen token."\n  type        = bool\n  default     = false',
     'Off by default: any web page could then drive uploads with a stolen token."\n  type        = bool\n  default     = true',
     sec.test_no_wildcard_cors_origin_unless_the_variable_allows_it),
    ("identity-role-whole-bucket", "identity_pool.tf",
     '"${aws_s3_bucket.uploads.arn}/${local.upload_prefix}$${cognito-identity.amazonaws.com:sub}/*"',
     '"${aws_s3_bucket.uploads.arn}/*"',
     sec.test_every_s3_write_grant_is_prefix_scoped_under_uploads),
    ("identity-role-other-users", "identity_pool.tf",
     '${local.upload_prefix}$${cognito-identity.amazonaws.com:sub}/*', '${local.upload_prefix}*',
     sec.test_identity_pool_users_may_only_put_under_their_own_identity_prefix),
    ("service-role-whole-bucket", "iam.tf", '"${aws_s3_bucket.uploads.arn}/${local.upload_prefix}*"',
     '"${aws_s3_bucket.uploads.arn}/*"', sec.test_every_s3_write_grant_is_prefix_scoped_under_uploads),
    ("service-role-any-resource", "iam.tf", '"${aws_s3_bucket.uploads.arn}/${local.upload_prefix}*"', '"*"',
     sec.test_every_s3_write_grant_is_prefix_scoped_under_uploads),
    ("service-role-reads", "iam.tf", '"s3:PutObject",\n', '"s3:PutObject",\n      "s3:GetObject",\n',
     sec.test_role_policies_grant_only_upload_writes_and_kms_through_s3),
    ("service-role-s3-star", "iam.tf", '"s3:PutObject",\n', '"s3:*",\n',
     sec.test_role_policies_grant_only_upload_writes_and_kms_through_s3),
    ("kms-without-via-s3", "iam.tf", 'values   = ["s3.${var.region}.amazonaws.com"]', 'values   = ["*"]',
     sec.test_role_policies_grant_only_upload_writes_and_kms_through_s3),
    ("service-trust-any-account", "iam.tf", 'variable = "aws:SourceAccount"', 'variable = "aws:PrincipalTag/x"',
     sec.test_service_role_is_trusted_by_the_configured_service_principal_of_this_account),
    ("service-trust-hard-coded", "iam.tf", "identifiers = [var.service_trust_principal]",
     'identifiers = ["ec2.amazonaws.com"]',
     sec.test_service_role_is_trusted_by_the_configured_service_principal_of_this_account),
    ("identity-trust-any-pool", "identity_pool.tf", "values   = [aws_cognito_identity_pool.this.id]", 'values   = ["*"]',
     sec.test_identity_role_trusts_only_authenticated_identities_of_this_pool),
    ("identity-unauthenticated-role", "identity_pool.tf",
     "authenticated = aws_iam_role.identity_authenticated.arn",
     "authenticated   = aws_iam_role.identity_authenticated.arn\n    unauthenticated = aws_iam_role.identity_authenticated.arn",
     sec.test_identity_role_trusts_only_authenticated_identities_of_this_pool),
    ("public-access-block-off", "s3.tf", "restrict_public_buckets = true", "restrict_public_buckets = false",
     sec.test_every_bucket_blocks_all_public_access),
    ("acls-allowed", "s3_access_logs.tf", '"BucketOwnerEnforced"', '"ObjectWriter"',
     sec.test_every_bucket_enforces_owner_versioning_and_encryption),
    ("versioning-suspended", "s3.tf", 'status = "Enabled"\n  }\n}', 'status = "Suspended"\n  }\n}',
     sec.test_every_bucket_enforces_owner_versioning_and_encryption),
    ("inline-acl", "s3.tf", "force_destroy = false", 'force_destroy = false\n  acl           = "private"',
     sec.test_bucket_resources_use_no_deprecated_inline_arguments),
    ("tls-deny-inverted", "s3.tf", 'values   = ["false"]', 'values   = ["true"]',
     partial(sec.test_bucket_policy_denies_requests_without_tls, bucket="uploads", document="uploads_bucket")),
    ("public-allow-in-bucket-policy", "s3.tf", 'sid       = "DenyInsecureTransport"\n    effect    = "Deny"',
     'sid       = "DenyInsecureTransport"\n    effect    = "Allow"',
     sec.test_no_policy_allows_wildcard_actions_or_public_principals),
    ("multipart-never-aborted", "s3.tf", "days_after_initiation = var.abort_incomplete_multipart_days",
     "days_after_initiation = 365", sec.test_lifecycle_aborts_incomplete_multipart_uploads_after_the_configured_days),
    ("authorizer-foreign-issuer", "api_gateway.tf", "/${aws_cognito_user_pool.this.id}", "/eu-west-1_Other",
     sec.test_jwt_authorizer_issuer_and_audience_come_from_the_user_pool_and_client),
    ("authorizer-any-audience", "api_gateway.tf", "audience = [aws_cognito_user_pool_client.web.id]",
     "audience = [var.region]", sec.test_jwt_authorizer_issuer_and_audience_come_from_the_user_pool_and_client),
    ("upload-route-open", "api_gateway.tf", 'route_key          = "POST /upload"\n  target             = "integrations/${aws_apigatewayv2_integration.service.id}"\n  authorization_type = "JWT"',
     'route_key          = "POST /upload"\n  target             = "integrations/${aws_apigatewayv2_integration.service.id}"\n  authorization_type = "NONE"',
     sec.test_upload_route_requires_the_cognito_jwt_authorizer),
    ("metrics-public", "api_gateway.tf", 'toset(["GET /", "GET /config.json", "GET /{proxy+}"])',
     'toset(["GET /", "GET /config.json", "GET /{proxy+}", "GET /readyz"])',
     sec.test_only_the_page_and_config_routes_are_unauthenticated),
    ("http-backend-allowed", "api_gateway.tf", 'startswith(var.service_url, "https://") || ', "",
     sec.test_service_url_must_be_https_unless_explicitly_allowed),
    ("no-throttling", "api_gateway.tf", "throttling_rate_limit    = var.api_throttling_rate_limit",
     "throttling_rate_limit    = 10000", sec.test_default_stage_throttles_and_logs_to_a_log_group_with_retention),
    ("weak-passwords", "variables.tf", "default     = 14", "default     = 8", sec.test_password_policy_is_strong),
    ("no-symbols", "cognito.tf", "require_symbols                  = true", "require_symbols                  = false",
     sec.test_password_policy_is_strong),
    ("self-sign-up", "cognito.tf", "allow_admin_create_user_only = !var.allow_self_sign_up",
     "allow_admin_create_user_only = false", sec.test_user_pool_sign_up_is_admin_only_and_deletion_protected_by_default),
    ("mfa-off", "cognito.tf", "enabled = true", "enabled = false",
     sec.test_user_pool_signs_in_by_email_with_optional_totp_and_email_recovery),
    ("client-secret", "cognito.tf", "generate_secret = false", "generate_secret = true",
     sec.test_app_client_is_public_without_secret_and_hides_whether_users_exist),
    ("user-existence-leaks", "cognito.tf", 'prevent_user_existence_errors = "ENABLED"',
     'prevent_user_existence_errors = "LEGACY"', sec.test_app_client_is_public_without_secret_and_hides_whether_users_exist),
    ("admin-auth-flow", "cognito.tf", '"ALLOW_REFRESH_TOKEN_AUTH",\n', '"ALLOW_REFRESH_TOKEN_AUTH",\n    "ALLOW_ADMIN_USER_PASSWORD_AUTH",\n',
     sec.test_app_client_is_public_without_secret_and_hides_whether_users_exist),
    ("guest-identities", "identity_pool.tf", "allow_unauthenticated_identities = false",
     "allow_unauthenticated_identities = true", sec.test_identity_pool_refuses_unauthenticated_and_classic_flows),
    ("env-wildcard-origin", "outputs.tf", 'join(",", local.service_origins)', 'join(",", local.cors_origins)',
     sec.test_env_file_output_uses_exactly_the_service_setting_names),
    ("env-name-drift", "outputs.tf", "UPLOAD_BUCKET=", "S3_BUCKET=", sec.test_env_file_output_uses_exactly_the_service_setting_names),
    ("undeclared-variable", "s3.tf", "force_destroy = false", "force_destroy = var.destroy_everything",
     sec.test_every_variable_used_is_declared_and_every_declared_variable_is_used),
    ("unused-variable", "variables.tf", 'variable "tags" {',
     'variable "unused" {\n  description = "A variable nothing uses at all."\n  type        = string\n  default     = ""\n}\n\nvariable "tags" {',
     sec.test_every_variable_used_is_declared_and_every_declared_variable_is_used),
    ("untyped-variable", "variables.tf", "  type        = map(string)\n", "",
     sec.test_every_variable_has_a_description_and_a_type),
    ("managed-admin-policy", "iam.tf", 'resource "aws_iam_role_policy" "service" {',
     'resource "aws_iam_role_policy_attachment" "admin" {\n  role       = aws_iam_role.service.name\n  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n\nresource "aws_iam_role_policy" "service" {',
     sec.test_only_the_two_roles_exist_each_with_one_inline_policy_and_no_managed_policies),
    ("hard-coded-account", "iam.tf", "values   = [data.aws_caller_identity.current.account_id]",
     'values   = ["123456789012"]', sec.test_no_credentials_or_account_ids_are_hard_coded),
    ("provider-6", "versions.tf", '">= 5.90.0, < 6.0.0"', '">= 5.90.0"', sec.test_aws_provider_is_pinned_to_major_version_5),
]


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    return {p.name: p.read_text() for p in TF_DIR.glob("*.tf")}


@pytest.mark.parametrize(("file", "old", "new", "check"), [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS])
def test_security_check_rejects_an_insecure_change(
    raw_files: dict[str, dict[str, Any]], sources: dict[str, str], file: str, old: str, new: str, check: Check
) -> None:
    import hcl2

    original = load_config(raw_files)
    check(original)  # the real configuration passes this check

    assert sources[file].count(old) == 1, f"the mutation's anchor is not unique in {file}: {old!r}"
    mutated_raw = dict(raw_files)
    mutated_raw[file] = hcl2.loads(sources[file].replace(old, new))
    with pytest.raises(AssertionError):
        check(load_config(mutated_raw))
