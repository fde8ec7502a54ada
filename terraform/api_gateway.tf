# HTTP API in front of the service: the JWT authorizer checks the Cognito token before a request
# for a pre-signed URL reaches the service (which verifies it again); the page, its assets and
# config.json are public.

resource "aws_apigatewayv2_api" "this" {
  name          = "${var.name_prefix}-api"
  description   = "SecureUpload: pre-signed S3 upload URLs for signed-in users"
  protocol_type = "HTTP"

  # Same-origin requests from the page need no CORS; this is for the extra allowed origins.
  dynamic "cors_configuration" {
    for_each = var.cors_allow_any_origin || length(var.allowed_origins) > 0 ? [1] : []
    content {
      allow_origins     = var.cors_allow_any_origin ? ["*"] : var.allowed_origins
      allow_methods     = ["GET", "POST", "OPTIONS"]
      allow_headers     = ["authorization", "content-type"]
      expose_headers    = ["retry-after", "www-authenticate"]
      allow_credentials = false
      max_age           = 3600
    }
  }
}

resource "aws_apigatewayv2_authorizer" "cognito" {
  api_id           = aws_apigatewayv2_api.this.id
  name             = "cognito-user-pool"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = "https://cognito-idp.${var.region}.amazonaws.com/${aws_cognito_user_pool.this.id}"
    audience = [aws_cognito_user_pool_client.web.id]
  }
}

resource "aws_apigatewayv2_integration" "service" {
  api_id                 = aws_apigatewayv2_api.this.id
  description            = "SecureUpload service behind its load balancer"
  integration_type       = "HTTP_PROXY"
  integration_method     = "ANY"
  integration_uri        = var.service_url
  payload_format_version = "1.0"
  timeout_milliseconds   = 10000

  # Forward the request path unchanged (the integration URI has none).
  request_parameters = {
    "overwrite:path" = "$request.path"
  }

  lifecycle {
    precondition {
      condition     = startswith(var.service_url, "https://") || var.allow_insecure_service_url
      error_message = "The service_url must use https (bearer tokens cross this hop); set allow_insecure_service_url = true to accept http."
    }
  }
}

resource "aws_apigatewayv2_route" "upload" {
  api_id             = aws_apigatewayv2_api.this.id
  route_key          = "POST /upload"
  target             = "integrations/${aws_apigatewayv2_integration.service.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.cognito.id
}

# Metrics are for the operator, not the internet: scrape the service inside the network; through
# the API they need a valid token.
resource "aws_apigatewayv2_route" "metrics" {
  api_id             = aws_apigatewayv2_api.this.id
  route_key          = "GET /metrics"
  target             = "integrations/${aws_apigatewayv2_integration.service.id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.cognito.id
}

resource "aws_apigatewayv2_route" "public" {
  # checkov:skip=CKV_AWS_309:The page, its assets and config.json must load before anyone signs in; they carry no secrets.
  for_each = toset(["GET /", "GET /config.json", "GET /{proxy+}"])

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.value
  target             = "integrations/${aws_apigatewayv2_integration.service.id}"
  authorization_type = "NONE"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit    = var.api_throttling_rate_limit
    throttling_burst_limit   = var.api_throttling_burst_limit
    detailed_metrics_enabled = true
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      sourceIp           = "$context.identity.sourceIp"
      requestTime        = "$context.requestTime"
      httpMethod         = "$context.httpMethod"
      routeKey           = "$context.routeKey"
      path               = "$context.path"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationStatus  = "$context.integrationStatus"
      integrationError   = "$context.integrationErrorMessage"
      authorizerError    = "$context.authorizer.error"
      principalSub       = "$context.authorizer.claims.sub"
      userAgent          = "$context.identity.userAgent"
      integrationLatency = "$context.integrationLatency"
    })
  }
}
