# The upload bucket: private, no ACLs, encrypted, versioned, TLS only, browser PUT from the
# configured origins only. The deprecated inline `acl`/`cors_rule`/... arguments of aws_s3_bucket
# are not used: each concern is its own resource.

resource "aws_s3_bucket" "uploads" {
  # checkov:skip=CKV_AWS_144:Cross-region replication is a disaster-recovery choice for the deployer, not a default for transient uploads.
  # checkov:skip=CKV2_AWS_62:No consumer of upload events exists in this stack; add a notification where one does.
  # checkov:skip=CKV_AWS_145:SSE-S3 is the default on purpose (no per-request KMS cost or quota); use_kms = true switches to SSE-KMS with a rotated customer-managed key.
  bucket        = var.bucket_name
  bucket_prefix = var.bucket_name == null ? "${var.name_prefix}-uploads-" : null
  force_destroy = false
}

resource "aws_s3_bucket_public_access_block" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.use_kms ? "aws:kms" : "AES256"
      kms_master_key_id = local.kms_key_arn
    }
    bucket_key_enabled = var.use_kms
  }
}

resource "aws_s3_bucket_versioning" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_days
    }
  }

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }
  }

  # Always present (a dynamic block would hide the rules above from checkov's CKV_AWS_300), and
  # disabled unless upload_expiration_days is set.
  rule {
    id     = "expire-uploads"
    status = var.upload_expiration_days == null ? "Disabled" : "Enabled"

    filter {
      prefix = local.upload_prefix
    }

    expiration {
      days = coalesce(var.upload_expiration_days, 3650)
    }
  }

  # Versioning must be on before noncurrent-version rules are meaningful.
  depends_on = [aws_s3_bucket_versioning.uploads]
}

resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  cors_rule {
    id              = "browser-presigned-put"
    allowed_methods = ["PUT"]
    allowed_origins = local.cors_origins
    # Exactly the request headers the page sends with the pre-signed PUT (all signed by the service).
    allowed_headers = ["content-type", "x-amz-checksum-sha256", "if-none-match"]
    # ETag lets the page confirm the write (and is required to complete multipart uploads).
    expose_headers  = ["ETag", "x-amz-version-id", "x-amz-checksum-sha256"]
    max_age_seconds = 3000
  }
}

resource "aws_s3_bucket_policy" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  policy = data.aws_iam_policy_document.uploads_bucket.json

  # A public access block must exist first, or a policy briefly applies without it.
  depends_on = [aws_s3_bucket_public_access_block.uploads]
}

data "aws_iam_policy_document" "uploads_bucket" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.uploads.arn, "${aws_s3_bucket.uploads.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "DenyTLSOlderThan12"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.uploads.arn, "${aws_s3_bucket.uploads.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }
}

resource "aws_s3_bucket_logging" "uploads" {
  count = var.enable_access_logging ? 1 : 0

  bucket        = aws_s3_bucket.uploads.id
  target_bucket = aws_s3_bucket.access_logs[0].id
  target_prefix = local.access_log_prefix

  # The log bucket's policy must let the logging service write before logging is switched on.
  depends_on = [aws_s3_bucket_policy.access_logs]
}
