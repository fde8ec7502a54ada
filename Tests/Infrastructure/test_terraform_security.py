"""Security properties of terraform/, read from the HCL parsed by python-hcl2.

checkov has no checks for Cognito and only generic ones for IAM scoping, so these assert what a
security reviewer would: who may write where, from which origins, with which tokens.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tf_support import REPO, TF_DIR, VAR_REF, Config, walk_strings

UPLOADS_ARN = "${aws_s3_bucket.uploads.arn}"
UPLOADS_PREFIX_RESOURCE = "${aws_s3_bucket.uploads.arn}/${local.upload_prefix}"
SERVICE_S3_ACTIONS = {"s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"}
KMS_ACTIONS_VIA_S3 = {"kms:GenerateDataKey", "kms:Decrypt"}
PAGE_PUT_HEADERS = ["content-type", "x-amz-checksum-sha256", "if-none-match"]
ENV_KEYS = [
    "SECURE_UPLOAD_MODE", "AWS_REGION", "COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID",
    "UPLOAD_BUCKET", "CORS_ALLOWED_ORIGINS",
]


# --- helpers -----------------------------------------------------------------------------------


def only(blocks: Any, what: str) -> dict[str, Any]:
    assert isinstance(blocks, list) and len(blocks) == 1, f"expected exactly one {what} block"
    return blocks[0]


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Static and dynamic `statement` blocks of an aws_iam_policy_document."""
    found = list(document.get("statement", []))
    for dynamic in document.get("dynamic", []):
        if "statement" in dynamic:
            found.append(only(dynamic["statement"]["content"], "dynamic statement content"))
    return found


def effect(statement: dict[str, Any]) -> str:
    return statement.get("effect", "Allow")


def document_name(reference: str) -> str:
    match = re.fullmatch(r"\$\{data\.aws_iam_policy_document\.(\w+)(\[0\])?\.json\}", reference)
    assert match, f"policy is not a data.aws_iam_policy_document reference: {reference}"
    return match.group(1)


def role_policy_documents(config: Config) -> dict[str, dict[str, Any]]:
    return {
        name: config.policy_document(document_name(body["policy"]))
        for name, body in config.resources["aws_iam_role_policy"].items()
    }


def variable_default(config: Config, name: str) -> Any:
    assert name in config.variables, f"variable {name} is not declared"
    return config.variables[name].get("default")


def validation_regex(config: Config, name: str) -> re.Pattern[str]:
    """The regex inside variable `name`'s validation condition (`can(regex("...", ...))`)."""
    condition = only(config.variables[name]["validation"], f"{name} validation")["condition"]
    match = re.search(r'regex\("((?:[^"\\]|\\.)*)"', condition)
    assert match, f"no regex in the validation of {name}: {condition}"
    # HCL string escapes: \\ is one backslash.
    return re.compile(match.group(1).replace("\\\\", "\\"))


# --- variables ---------------------------------------------------------------------------------


def test_every_variable_has_a_description_and_a_type(config: Config) -> None:
    for name, body in config.variables.items():
        assert len(body.get("description", "").strip()) >= 15, f"variable {name} lacks a description"
        assert body.get("type"), f"variable {name} lacks a type"


def test_every_variable_used_is_declared_and_every_declared_variable_is_used(config: Config) -> None:
    used: set[str] = set()
    skip = frozenset({"description", "error_message", "__comments__"})
    for doc in config.files.values():
        for kind, blocks in doc.items():
            if kind == "variable":
                continue  # a validation referring to its own variable is not a use
            for text in walk_strings(blocks, skip):
                used |= set(VAR_REF.findall(text))
    declared = set(config.variables)
    assert used - declared == set(), f"used but not declared: {sorted(used - declared)}"
    assert declared - used == set(), f"declared but never used: {sorted(declared - used)}"


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        ("https://uploads.example.com", True),
        ("https://uploads.example.com:8443", True),
        ("http://localhost:8080", True),
        ("http://127.0.0.1:8080", True),
        ("http://localhost", True),
        ("*", False),
        ("https://*.example.com", False),
        ("http://uploads.example.com", False),
        ("https://uploads.example.com/", False),
        ("https://uploads.example.com/path", False),
        ("HTTPS://UPLOADS.EXAMPLE.COM", False),
        ("null", False),
        ("http://localhost.evil.com", False),
    ],
)
def test_allowed_origins_validation_accepts_only_https_or_loopback_origins(
    config: Config, origin: str, accepted: bool
) -> None:
    assert bool(validation_regex(config, "allowed_origins").fullmatch(origin)) is accepted


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://alb.example.com", True),
        ("http://internal-alb-123.eu-west-1.elb.amazonaws.com", True),
        ("https://alb.example.com:8443", True),
        ("https://alb.example.com/", False),
        ("https://alb.example.com/api", False),
        ("ftp://alb.example.com", False),
        ("alb.example.com", False),
    ],
)
def test_service_url_validation_accepts_only_a_bare_http_base_url(
    config: Config, url: str, accepted: bool
) -> None:
    assert bool(validation_regex(config, "service_url").fullmatch(url)) is accepted


def test_service_url_must_be_https_unless_explicitly_allowed(config: Config) -> None:
    integration = config.resource("aws_apigatewayv2_integration", "service")
    lifecycle = only(integration["lifecycle"], "lifecycle")
    conditions = [p["condition"] for p in lifecycle["precondition"]]
    assert '${startswith(var.service_url, "https://") || var.allow_insecure_service_url}' in conditions
    assert variable_default(config, "allow_insecure_service_url") is False


# --- CORS --------------------------------------------------------------------------------------


def resolve_local(config: Config, expression: str) -> str:
    match = re.fullmatch(r"\$\{local\.(\w+)\}", expression)
    return config.locals[match.group(1)] if match else expression


def assert_wildcard_is_gated(expression: str, where: str) -> None:
    """A `*` origin may only appear as `var.cors_allow_any_origin ? ["*"] : <no wildcard>`."""
    if isinstance(expression, list):
        assert "*" not in expression, f"{where}: literal * origin"
        return
    if "*" not in expression:
        return
    gated = re.fullmatch(r'\$\{var\.cors_allow_any_origin \? \["\*"\] : (.+)\}', expression)
    assert gated, f"{where}: a * origin not gated by var.cors_allow_any_origin: {expression}"
    assert "*" not in gated.group(1), f"{where}: the non-wildcard branch still allows *"


def test_no_wildcard_cors_origin_unless_the_variable_allows_it(config: Config) -> None:
    assert variable_default(config, "cors_allow_any_origin") is False
    bucket_rule = only(config.resource("aws_s3_bucket_cors_configuration", "uploads")["cors_rule"], "cors_rule")
    assert_wildcard_is_gated(resolve_local(config, bucket_rule["allowed_origins"]), "S3 CORS")
    api = config.resource("aws_apigatewayv2_api", "this")
    api_cors = [d["cors_configuration"]["content"][0] for d in api.get("dynamic", []) if "cors_configuration" in d]
    api_cors += api.get("cors_configuration", [])
    assert api_cors, "the HTTP API has no CORS configuration"
    for block in api_cors:
        assert_wildcard_is_gated(resolve_local(config, block["allow_origins"]), "API CORS")
        assert block.get("allow_credentials") is False


def test_bucket_cors_allows_put_only_with_exactly_the_page_headers_and_exposes_etag(config: Config) -> None:
    rules = config.resource("aws_s3_bucket_cors_configuration", "uploads")["cors_rule"]
    rule = only(rules, "cors_rule")
    assert rule["allowed_methods"] == ["PUT"]
    assert sorted(rule["allowed_headers"]) == sorted(PAGE_PUT_HEADERS)
    assert "ETag" in rule["expose_headers"]
    assert "*" not in rule["allowed_headers"]


def test_bucket_cors_origins_are_the_api_endpoint_plus_the_configured_origins(config: Config) -> None:
    assert config.locals["cors_origins"] == '${var.cors_allow_any_origin ? ["*"] : local.service_origins}'
    assert config.locals["service_origins"] == (
        "${distinct(concat([aws_apigatewayv2_api.this.api_endpoint], var.allowed_origins))}"
    )


# --- IAM ---------------------------------------------------------------------------------------


def test_role_policies_grant_only_upload_writes_and_kms_through_s3(config: Config) -> None:
    documents = role_policy_documents(config)
    assert set(documents) == {"identity_authenticated", "service"}
    for name, document in documents.items():
        for statement in statements(document):
            assert effect(statement) == "Allow"
            actions = set(statement["actions"])
            if actions & KMS_ACTIONS_VIA_S3:
                assert actions == KMS_ACTIONS_VIA_S3, f"{name}: {actions}"
                assert statement["resources"] == ["${statement.value}"]
                condition = only(statement["condition"], "kms condition")
                assert condition["variable"] == "kms:ViaService"
                assert condition["values"] == ["s3.${var.region}.amazonaws.com"]
            else:
                assert actions <= SERVICE_S3_ACTIONS, f"{name}: unexpected actions {actions - SERVICE_S3_ACTIONS}"


def test_every_s3_write_grant_is_prefix_scoped_under_uploads(config: Config) -> None:
    assert config.locals["upload_prefix"] == "uploads/"
    for name, document in role_policy_documents(config).items():
        for statement in statements(document):
            if not any(a.startswith("s3:") for a in statement["actions"]):
                continue
            for resource in statement["resources"]:
                assert resource.startswith(UPLOADS_PREFIX_RESOURCE), f"{name}: {resource} is not under uploads/"
                assert resource not in {"*", f"{UPLOADS_ARN}/*", UPLOADS_ARN}, f"{name}: bucket-wide {resource}"
                assert "*" not in resource[: -len("*")] or "$${" in resource, f"{name}: wildcard inside {resource}"


def test_identity_pool_users_may_only_put_under_their_own_identity_prefix(config: Config) -> None:
    [statement] = [s for s in statements(config.policy_document("identity_authenticated")) if "s3:PutObject" in s["actions"]]
    assert statement["actions"] == ["s3:PutObject"]
    assert statement["resources"] == [f"{UPLOADS_PREFIX_RESOURCE}$${{cognito-identity.amazonaws.com:sub}}/*"]


def test_service_role_may_only_put_and_manage_multipart_under_uploads(config: Config) -> None:
    [statement] = [s for s in statements(config.policy_document("service")) if "s3:PutObject" in s["actions"]]
    assert set(statement["actions"]) == SERVICE_S3_ACTIONS
    assert statement["resources"] == [f"{UPLOADS_PREFIX_RESOURCE}*"]


def test_service_role_is_trusted_by_the_configured_service_principal_of_this_account(config: Config) -> None:
    role = config.resource("aws_iam_role", "service")
    assert role["assume_role_policy"] == "${data.aws_iam_policy_document.service_trust.json}"
    [statement] = statements(config.policy_document("service_trust"))
    assert statement["actions"] == ["sts:AssumeRole"]
    principal = only(statement["principals"], "principals")
    assert principal == {"type": "Service", "identifiers": ["${var.service_trust_principal}"]}
    assert variable_default(config, "service_trust_principal") == "ecs-tasks.amazonaws.com"
    condition = only(statement["condition"], "condition")
    assert condition["variable"] == "aws:SourceAccount"
    assert condition["values"] == ["${data.aws_caller_identity.current.account_id}"]


@pytest.mark.parametrize("principal, accepted", [
    ("ecs-tasks.amazonaws.com", True),
    ("ec2.amazonaws.com", False),
    ("lambda.amazonaws.com", False),
    ("*", False),
    ("arn:aws:iam::123456789012:root", False),
])
def test_service_principal_validation_refuses_principals_that_cannot_satisfy_the_source_account_guard(
        config: Config, principal: str, accepted: bool) -> None:
    # EC2 and Lambda do not send aws:SourceAccount when they assume a role: with the trust's guard
    # the role could never be assumed, so the variable refuses them up front.
    condition = only(config.variables["service_trust_principal"]["validation"], "validation")["condition"]
    refused = set(re.findall(r'"([a-z0-9.-]+\.amazonaws\.com(?:\.cn)?)"', condition.split("contains(", 1)[1]))
    pattern_ok = bool(validation_regex(config, "service_trust_principal").fullmatch(principal))
    assert (pattern_ok and principal not in refused) is accepted


def test_identity_role_trusts_only_authenticated_identities_of_this_pool(config: Config) -> None:
    [statement] = statements(config.policy_document("identity_authenticated_trust"))
    assert statement["actions"] == ["sts:AssumeRoleWithWebIdentity"]
    assert only(statement["principals"], "principals")["identifiers"] == ["cognito-identity.amazonaws.com"]
    conditions = {c["variable"]: c for c in statement["condition"]}
    assert conditions["cognito-identity.amazonaws.com:aud"]["values"] == ["${aws_cognito_identity_pool.this.id}"]
    assert conditions["cognito-identity.amazonaws.com:aud"]["test"] == "StringEquals"
    assert conditions["cognito-identity.amazonaws.com:amr"]["values"] == ["authenticated"]
    attachment = config.resource("aws_cognito_identity_pool_roles_attachment", "this")
    assert set(attachment["roles"]) == {"authenticated"}, "only an authenticated role may be attached"


def test_no_policy_allows_wildcard_actions_or_public_principals(config: Config) -> None:
    for name, document in config.data["aws_iam_policy_document"].items():
        for statement in statements(document):
            if effect(statement) != "Allow":
                continue
            principals = statement.get("principals", [])
            for principal in principals:
                assert "*" not in principal["identifiers"], f"{name}: Allow to everyone"
            if any("*" in a for a in statement["actions"]):
                # Only the key policy's standard root statement and the logs service grant on the key.
                assert name == "kms", f"{name}: wildcard action {statement['actions']}"


# --- S3 ----------------------------------------------------------------------------------------


def bucket_children(config: Config, rtype: str, bucket: str) -> dict[str, Any]:
    matches = [
        body for body in config.resources.get(rtype, {}).values()
        if body["bucket"] in (f"${{aws_s3_bucket.{bucket}.id}}", f"${{aws_s3_bucket.{bucket}[0].id}}")
    ]
    assert len(matches) == 1, f"expected one {rtype} for aws_s3_bucket.{bucket}, found {len(matches)}"
    return matches[0]


def test_every_bucket_blocks_all_public_access(config: Config) -> None:
    for bucket in config.resources["aws_s3_bucket"]:
        block = bucket_children(config, "aws_s3_bucket_public_access_block", bucket)
        for flag in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
            assert block[flag] is True, f"{bucket}: {flag} is not true"


def test_every_bucket_enforces_owner_versioning_and_encryption(config: Config) -> None:
    for bucket in config.resources["aws_s3_bucket"]:
        ownership = bucket_children(config, "aws_s3_bucket_ownership_controls", bucket)
        assert only(ownership["rule"], "rule")["object_ownership"] == "BucketOwnerEnforced"
        versioning = bucket_children(config, "aws_s3_bucket_versioning", bucket)
        assert only(versioning["versioning_configuration"], "versioning")["status"] == "Enabled"
        sse = bucket_children(config, "aws_s3_bucket_server_side_encryption_configuration", bucket)
        default = only(only(sse["rule"], "rule")["apply_server_side_encryption_by_default"], "default")
        assert default["sse_algorithm"] in ("AES256", '${var.use_kms ? "aws:kms" : "AES256"}')


def test_upload_bucket_uses_sse_s3_by_default_and_a_rotated_kms_key_by_variable(config: Config) -> None:
    sse = bucket_children(config, "aws_s3_bucket_server_side_encryption_configuration", "uploads")
    default = only(only(sse["rule"], "rule")["apply_server_side_encryption_by_default"], "default")
    assert default["sse_algorithm"] == '${var.use_kms ? "aws:kms" : "AES256"}'
    assert default["kms_master_key_id"] == "${local.kms_key_arn}"
    assert config.locals["kms_key_arn"] == "${one(aws_kms_key.this[*].arn)}"
    assert variable_default(config, "use_kms") is False
    key = config.resource("aws_kms_key", "this")
    assert key["count"] == "${var.use_kms ? 1 : 0}"
    assert key["enable_key_rotation"] is True


def test_bucket_resources_use_no_deprecated_inline_arguments(config: Config) -> None:
    deprecated = {
        "acl", "cors_rule", "versioning", "logging", "lifecycle_rule", "policy", "website",
        "server_side_encryption_configuration", "grant", "replication_configuration",
    }
    for name, body in config.resources["aws_s3_bucket"].items():
        assert deprecated.isdisjoint(body), f"aws_s3_bucket.{name} uses {sorted(deprecated & set(body))}"
        assert body.get("force_destroy") is False


def test_lifecycle_aborts_incomplete_multipart_uploads_after_the_configured_days(config: Config) -> None:
    lifecycle = bucket_children(config, "aws_s3_bucket_lifecycle_configuration", "uploads")
    rules = {r["id"]: r for r in lifecycle["rule"]}
    abort = rules["abort-incomplete-multipart-uploads"]
    assert abort["status"] == "Enabled"
    assert abort["filter"] == [{}], "the abort rule must apply to the whole bucket"
    days = only(abort["abort_incomplete_multipart_upload"], "abort")["days_after_initiation"]
    assert days == "${var.abort_incomplete_multipart_days}"
    assert 1 <= variable_default(config, "abort_incomplete_multipart_days") <= 7


def tls_deny_statements(config: Config, document: str) -> list[dict[str, Any]]:
    found = []
    for statement in statements(config.policy_document(document)):
        for condition in statement.get("condition", []):
            if condition["variable"] == "aws:SecureTransport":
                found.append(statement)
                assert condition == {"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}
    return found


@pytest.mark.parametrize(("bucket", "document"), [("uploads", "uploads_bucket"), ("access_logs", "access_logs_bucket")])
def test_bucket_policy_denies_requests_without_tls(config: Config, bucket: str, document: str) -> None:
    policy = bucket_children(config, "aws_s3_bucket_policy", bucket)
    assert document_name(policy["policy"]) == document
    [statement] = tls_deny_statements(config, document)
    assert effect(statement) == "Deny"
    assert statement["actions"] == ["s3:*"]
    assert only(statement["principals"], "principals") == {"type": "*", "identifiers": ["*"]}
    index = "[0]" if bucket == "access_logs" else ""
    arn = f"${{aws_s3_bucket.{bucket}{index}.arn}}"
    assert sorted(statement["resources"]) == sorted([arn, f"{arn}/*"])


def test_access_log_bucket_accepts_writes_only_from_s3_logging_for_the_upload_bucket(config: Config) -> None:
    allows = [s for s in statements(config.policy_document("access_logs_bucket")) if effect(s) == "Allow"]
    [statement] = allows
    assert statement["actions"] == ["s3:PutObject"]
    assert only(statement["principals"], "principals") == {"type": "Service", "identifiers": ["logging.s3.amazonaws.com"]}
    assert statement["resources"] == ["${aws_s3_bucket.access_logs[0].arn}/${local.access_log_prefix}*"]
    conditions = {c["variable"]: c["values"] for c in statement["condition"]}
    assert conditions == {
        "aws:SourceArn": ["${aws_s3_bucket.uploads.arn}"],
        "aws:SourceAccount": ["${data.aws_caller_identity.current.account_id}"],
    }


# --- API Gateway -------------------------------------------------------------------------------


def test_jwt_authorizer_issuer_and_audience_come_from_the_user_pool_and_client(config: Config) -> None:
    authorizer = config.resource("aws_apigatewayv2_authorizer", "cognito")
    assert authorizer["authorizer_type"] == "JWT"
    assert authorizer["identity_sources"] == ["$request.header.Authorization"]
    jwt = only(authorizer["jwt_configuration"], "jwt_configuration")
    assert jwt["issuer"] == "https://cognito-idp.${var.region}.amazonaws.com/${aws_cognito_user_pool.this.id}"
    assert jwt["audience"] == ["${aws_cognito_user_pool_client.web.id}"]


def routes(config: Config) -> dict[str, dict[str, Any]]:
    """route key -> route body (for_each routes expanded)."""
    found = {}
    for name, body in config.resources["aws_apigatewayv2_route"].items():
        keys = [body["route_key"]]
        if body["route_key"] == "${each.value}":
            keys = re.findall(r'"([^"]+)"', body["for_each"])
        for key in keys:
            assert key not in found, f"route {key} declared twice"
            found[key] = body
    return found


def test_upload_route_requires_the_cognito_jwt_authorizer(config: Config) -> None:
    upload = routes(config)["POST /upload"]
    assert upload["authorization_type"] == "JWT"
    assert upload["authorizer_id"] == "${aws_apigatewayv2_authorizer.cognito.id}"


def test_only_the_page_and_config_routes_are_unauthenticated(config: Config) -> None:
    table = routes(config)
    public = {key for key, body in table.items() if body.get("authorization_type", "NONE") == "NONE"}
    assert public == {"GET /", "GET /{proxy+}", "GET /config.json"}
    for key, body in table.items():
        assert key != "$default" and not key.startswith("ANY "), f"catch-all route {key}"
        assert body["target"] == "integrations/${aws_apigatewayv2_integration.service.id}"
        if key not in public:
            assert body["authorizer_id"] == "${aws_apigatewayv2_authorizer.cognito.id}"


def test_integration_is_an_http_proxy_to_the_service_url_keeping_the_path(config: Config) -> None:
    integration = config.resource("aws_apigatewayv2_integration", "service")
    assert integration["integration_type"] == "HTTP_PROXY"
    assert integration["integration_uri"] == "${var.service_url}"
    assert integration["request_parameters"] == {"overwrite:path": "$request.path"}


def test_default_stage_throttles_and_logs_to_a_log_group_with_retention(config: Config) -> None:
    stage = config.resource("aws_apigatewayv2_stage", "default")
    assert stage["name"] == "$default" and stage["auto_deploy"] is True
    settings = only(stage["default_route_settings"], "default_route_settings")
    assert settings["throttling_rate_limit"] == "${var.api_throttling_rate_limit}"
    assert settings["throttling_burst_limit"] == "${var.api_throttling_burst_limit}"
    logs = only(stage["access_log_settings"], "access_log_settings")
    assert logs["destination_arn"] == "${aws_cloudwatch_log_group.api_access.arn}"
    assert "authorization" not in logs["format"].lower(), "access logs must never carry the token"
    group = config.resource("aws_cloudwatch_log_group", "api_access")
    assert group["retention_in_days"] == "${var.log_retention_days}"
    assert group["kms_key_id"] == "${local.kms_key_arn}"
    assert variable_default(config, "log_retention_days") >= 90


# --- Cognito -----------------------------------------------------------------------------------


def test_password_policy_is_strong(config: Config) -> None:
    pool = config.resource("aws_cognito_user_pool", "this")
    policy = only(pool["password_policy"], "password_policy")
    assert policy["minimum_length"] == "${var.password_minimum_length}"
    for flag in ("require_lowercase", "require_uppercase", "require_numbers", "require_symbols"):
        assert policy[flag] is True, flag
    assert variable_default(config, "password_minimum_length") >= 12
    condition = only(config.variables["password_minimum_length"]["validation"], "validation")["condition"]
    assert "var.password_minimum_length >= 12" in condition
    assert variable_default(config, "temporary_password_validity_days") <= 7


def test_user_pool_signs_in_by_email_with_optional_totp_and_email_recovery(config: Config) -> None:
    pool = config.resource("aws_cognito_user_pool", "this")
    assert pool["username_attributes"] == ["email"]
    assert pool["auto_verified_attributes"] == ["email"]
    assert only(pool["username_configuration"], "username_configuration")["case_sensitive"] is False
    assert pool["mfa_configuration"] == "${var.mfa_configuration}"
    assert variable_default(config, "mfa_configuration") in ("OPTIONAL", "ON")
    assert only(pool["software_token_mfa_configuration"], "totp")["enabled"] is True
    recovery = only(only(pool["account_recovery_setting"], "recovery")["recovery_mechanism"], "mechanism")
    assert recovery["name"] == "verified_email"


def test_user_pool_sign_up_is_admin_only_and_deletion_protected_by_default(config: Config) -> None:
    pool = config.resource("aws_cognito_user_pool", "this")
    admin = only(pool["admin_create_user_config"], "admin_create_user_config")
    assert admin["allow_admin_create_user_only"] == "${!var.allow_self_sign_up}"
    assert variable_default(config, "allow_self_sign_up") is False
    assert pool["deletion_protection"] == '${var.user_pool_deletion_protection ? "ACTIVE" : "INACTIVE"}'
    assert variable_default(config, "user_pool_deletion_protection") is True
    add_ons = only(pool["user_pool_add_ons"], "user_pool_add_ons")
    assert add_ons["advanced_security_mode"] == "${var.advanced_security_mode}"


def test_app_client_is_public_without_secret_and_hides_whether_users_exist(config: Config) -> None:
    client = config.resource("aws_cognito_user_pool_client", "web")
    assert client["user_pool_id"] == "${aws_cognito_user_pool.this.id}"
    assert client["generate_secret"] is False
    assert client["prevent_user_existence_errors"] == "ENABLED"
    assert sorted(client["explicit_auth_flows"]) == sorted(
        ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )
    assert client["access_token_validity"] == "${var.access_token_validity_minutes}"
    assert client["id_token_validity"] == "${var.id_token_validity_minutes}"
    assert client["refresh_token_validity"] == "${var.refresh_token_validity_days}"
    assert not any(k.startswith("allowed_oauth") for k in client), "no hosted-UI OAuth flows"


def test_identity_pool_refuses_unauthenticated_and_classic_flows(config: Config) -> None:
    pool = config.resource("aws_cognito_identity_pool", "this")
    assert pool["allow_unauthenticated_identities"] is False
    assert pool["allow_classic_flow"] is False
    provider = only(pool["cognito_identity_providers"], "provider")
    assert provider["client_id"] == "${aws_cognito_user_pool_client.web.id}"
    assert provider["provider_name"] == "${aws_cognito_user_pool.this.endpoint}"
    assert provider["server_side_token_check"] is True


# --- outputs, provider, docs -------------------------------------------------------------------


def test_outputs_give_everything_the_deployment_needs(config: Config) -> None:
    for name in ("api_endpoint", "region", "user_pool_id", "client_id", "identity_pool_id",
                 "bucket_name", "service_role_arn", "env_file"):
        assert name in config.outputs, f"missing output {name}"
        assert config.outputs[name].get("description"), f"output {name} lacks a description"


def test_env_file_output_uses_exactly_the_service_setting_names(config: Config) -> None:
    value = config.outputs["env_file"]["value"]
    body = re.sub(r"^<<-?EOT\n|\n\s*EOT$", "", value.strip())
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    pairs = [line.split("=", 1) for line in lines]
    assert [key for key, _ in pairs] == ENV_KEYS
    values = dict(pairs)
    assert values["SECURE_UPLOAD_MODE"] == "aws"
    assert values["AWS_REGION"] == "${var.region}"
    assert values["COGNITO_USER_POOL_ID"] == "${aws_cognito_user_pool.this.id}"
    assert values["COGNITO_CLIENT_ID"] == "${aws_cognito_user_pool_client.web.id}"
    assert values["UPLOAD_BUCKET"] == "${aws_s3_bucket.uploads.bucket}"
    # The service refuses "*" in CORS_ALLOWED_ORIGINS: the block must name the explicit origins.
    assert values["CORS_ALLOWED_ORIGINS"] == '${join(",", local.service_origins)}'
    assert "*" not in config.locals["service_origins"]


def test_aws_provider_is_pinned_to_major_version_5(config: Config) -> None:
    block = only(config.terraform, "terraform")
    aws = only(block["required_providers"], "required_providers")["aws"]
    assert aws["source"] == "hashicorp/aws"
    assert re.fullmatch(r">= 5\.\d+\.\d+, < 6\.0\.0", aws["version"]), aws["version"]
    provider = only(config.providers, "provider")["aws"]
    assert "access_key" not in provider and "secret_key" not in provider


def test_readme_documents_every_variable_and_output(config: Config) -> None:
    readme = (TF_DIR / "README.md").read_text()
    for name in list(config.variables) + list(config.outputs):
        assert f"`{name}`" in readme, f"terraform/README.md does not mention `{name}`"
    for needle in ("terraform init", "terraform plan", "terraform apply", "admin-create-user"):
        assert needle in readme, f"terraform/README.md lacks {needle}"
    assert (REPO / "terraform").is_dir()


# --- further hardening -------------------------------------------------------------------------


def test_only_the_two_roles_exist_each_with_one_inline_policy_and_no_managed_policies(config: Config) -> None:
    for forbidden in ("aws_iam_policy", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment",
                      "aws_iam_user", "aws_iam_access_key", "aws_iam_user_policy", "aws_iam_group_policy"):
        assert forbidden not in config.resources, f"terraform/ declares {forbidden}"
    assert set(config.resources["aws_iam_role"]) == {"identity_authenticated", "service"}
    for role in config.resources["aws_iam_role"].values():
        assert "managed_policy_arns" not in role and "inline_policy" not in role
    attached = sorted(p["role"] for p in config.resources["aws_iam_role_policy"].values())
    assert attached == ["${aws_iam_role.identity_authenticated.id}", "${aws_iam_role.service.id}"]


def test_kms_key_policy_lets_cloudwatch_logs_use_the_key_only_for_the_api_log_group(config: Config) -> None:
    by_sid = {s["sid"]: s for s in statements(config.policy_document("kms"))}
    assert set(by_sid) == {"AccountAdministersKeyThroughIAM", "CloudWatchLogsEncryptsApiAccessLogs"}
    root = by_sid["AccountAdministersKeyThroughIAM"]
    assert only(root["principals"], "principals")["identifiers"] == [
        "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
    ]
    logs = by_sid["CloudWatchLogsEncryptsApiAccessLogs"]
    assert only(logs["principals"], "principals") == {"type": "Service", "identifiers": ["logs.${var.region}.amazonaws.com"]}
    condition = only(logs["condition"], "condition")
    assert condition["variable"] == "kms:EncryptionContext:aws:logs:arn"
    assert condition["values"][0].endswith(":log-group:${local.api_log_group_name}")
    assert config.resource("aws_cloudwatch_log_group", "api_access")["name"] == "${local.api_log_group_name}"


def test_a_changed_email_must_be_verified_before_it_is_used(config: Config) -> None:
    pool = config.resource("aws_cognito_user_pool", "this")
    settings = only(pool["user_attribute_update_settings"], "user_attribute_update_settings")
    assert settings["attributes_require_verification_before_update"] == ["email"]


def test_no_credentials_or_account_ids_are_hard_coded(config: Config) -> None:
    access_key = re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b")
    account_id = re.compile(r"(?<![\w-])\d{12}(?![\w-])")
    for name, doc in config.files.items():
        for text in walk_strings(doc, frozenset({"__comments__"})):
            assert not access_key.search(text), f"{name}: an access key id"
            assert not account_id.search(text), f"{name}: a hard-coded account id in {text!r}"


def test_api_cors_lets_other_origins_send_only_the_token_and_json(config: Config) -> None:
    api = config.resource("aws_apigatewayv2_api", "this")
    [dynamic] = [d["cors_configuration"] for d in api["dynamic"] if "cors_configuration" in d]
    cors = only(dynamic["content"], "content")
    assert sorted(cors["allow_headers"]) == ["authorization", "content-type"]
    assert set(cors["allow_methods"]) <= {"GET", "POST", "OPTIONS"}
    # No CORS block at all unless there is an extra origin or the wildcard was asked for.
    assert dynamic["for_each"] == "${var.cors_allow_any_origin || length(var.allowed_origins) > 0 ? [1] : []}"
