# Identity pool (as in the original design): a signed-in user of the app client can exchange the
# ID token for short-lived AWS credentials that may only PutObject under their own identity's
# prefix. No unauthenticated identities, no classic (basic) flow.

resource "aws_cognito_identity_pool" "this" {
  identity_pool_name               = "${var.name_prefix}-identities"
  allow_unauthenticated_identities = false
  allow_classic_flow               = false

  cognito_identity_providers {
    client_id               = aws_cognito_user_pool_client.web.id
    provider_name           = aws_cognito_user_pool.this.endpoint
    server_side_token_check = true
  }
}

resource "aws_iam_role" "identity_authenticated" {
  name_prefix        = "${var.name_prefix}-identity-"
  description        = "Signed-in SecureUpload users (identity pool): PutObject under uploads/<identity id>/ only."
  assume_role_policy = data.aws_iam_policy_document.identity_authenticated_trust.json
}

data "aws_iam_policy_document" "identity_authenticated_trust" {
  statement {
    sid     = "AuthenticatedIdentitiesOfThisPoolOnly"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = ["cognito-identity.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "cognito-identity.amazonaws.com:aud"
      values   = [aws_cognito_identity_pool.this.id]
    }

    condition {
      test     = "ForAnyValue:StringLike"
      variable = "cognito-identity.amazonaws.com:amr"
      values   = ["authenticated"]
    }
  }
}

resource "aws_iam_role_policy" "identity_authenticated" {
  name   = "put-own-uploads"
  role   = aws_iam_role.identity_authenticated.id
  policy = data.aws_iam_policy_document.identity_authenticated.json
}

data "aws_iam_policy_document" "identity_authenticated" {
  statement {
    sid     = "PutObjectUnderOwnIdentityPrefixOnly"
    effect  = "Allow"
    actions = ["s3:PutObject"]
    # `$${...}` is a literal `${...}`: the IAM policy variable, resolved by AWS per request.
    resources = ["${aws_s3_bucket.uploads.arn}/${local.upload_prefix}$${cognito-identity.amazonaws.com:sub}/*"]
  }

  dynamic "statement" {
    for_each = aws_kms_key.this[*].arn
    content {
      sid       = "UseUploadKeyThroughS3Only"
      effect    = "Allow"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${var.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_cognito_identity_pool_roles_attachment" "this" {
  identity_pool_id = aws_cognito_identity_pool.this.id

  roles = {
    authenticated = aws_iam_role.identity_authenticated.arn
  }
}
