# The service's role: the container signs pre-signed PUT URLs with these credentials, so the URLs
# can never do more than this policy allows, whatever the service is tricked into signing.

resource "aws_iam_role" "service" {
  name_prefix        = "${var.name_prefix}-service-"
  description        = "SecureUpload service: signs pre-signed PUT URLs for uploads/* of the upload bucket."
  assume_role_policy = data.aws_iam_policy_document.service_trust.json
}

data "aws_iam_policy_document" "service_trust" {
  statement {
    sid     = "TrustedServiceInThisAccountOnly"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = [var.service_trust_principal]
    }

    # Confused-deputy guard: only tasks/instances of this account may assume the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role_policy" "service" {
  name   = "put-uploads"
  role   = aws_iam_role.service.id
  policy = data.aws_iam_policy_document.service.json
}

data "aws_iam_policy_document" "service" {
  statement {
    sid    = "PutObjectsUnderUploadsPrefixOnly"
    effect = "Allow"
    actions = [
      "s3:PutObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["${aws_s3_bucket.uploads.arn}/${local.upload_prefix}*"]
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
