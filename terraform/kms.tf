# Customer-managed key for SSE-KMS (uploads) and the API access log group, only with use_kms.

resource "aws_kms_key" "this" {
  count = var.use_kms ? 1 : 0

  description             = "${var.name_prefix}: uploads bucket and API access logs"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms.json
}

resource "aws_kms_alias" "this" {
  count = var.use_kms ? 1 : 0

  name          = "alias/${var.name_prefix}"
  target_key_id = aws_kms_key.this[0].key_id
}

# Key policy: the account administers the key through IAM (the standard root statement, without
# which IAM policies cannot grant use of the key), and CloudWatch Logs may use it only for this
# stack's API access log group. S3 uses the key on behalf of the roles in iam.tf and
# identity_pool.tf, whose own policies grant kms:GenerateDataKey/kms:Decrypt via S3 only.
data "aws_iam_policy_document" "kms" {
  # checkov:skip=CKV_AWS_109:A key policy's Resource is always "*" (the key itself); the root statement delegates to IAM.
  # checkov:skip=CKV_AWS_111:A key policy's Resource is always "*" (the key itself); the root statement delegates to IAM.
  # checkov:skip=CKV_AWS_356:A key policy's Resource is always "*" (the key itself).
  statement {
    sid       = "AccountAdministersKeyThroughIAM"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid    = "CloudWatchLogsEncryptsApiAccessLogs"
    effect = "Allow"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:${local.api_log_group_name}"]
    }
  }
}
