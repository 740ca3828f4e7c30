locals {
  common_tags = merge(var.tags, { module = "amplify" })
  # Paths served by the API, never by the SPA.
  api_paths = ["api", "hooks", ".well-known"]

  build_spec = yamlencode({
    version = 1
    frontend = {
      phases = {
        preBuild = { commands = ["npm ci"] }
        # Source maps are built hidden for local debugging; never publish them. Amplify compresses
        # on its own, so the build's .br/.gz copies are dropped too.
        build = { commands = [
          var.build_command,
          "find ${var.build_output_dir} \\( -name '*.map' -o -name '*.br' -o -name '*.gz' \\) -type f -delete",
        ] }
      }
      artifacts = {
        baseDirectory = var.build_output_dir
        files         = ["**/*"]
      }
      cache = { paths = ["node_modules/**/*"] }
    }
  })
}

resource "aws_amplify_app" "this" {
  name         = var.name
  repository   = var.repository
  access_token = var.access_token
  platform     = "WEB"
  build_spec   = local.build_spec

  environment_variables = var.environment_variables

  # The API on the SPA's own origin: Amplify proxies these paths to the HTTP API (status 200 is a
  # reverse-proxy rewrite), so the browser sees one origin, the refresh cookie stays SameSite=Strict
  # and no CORS is needed. Rules apply in order: these come before the SPA fallback below, which
  # would otherwise answer index.html for /api/*.
  dynamic "custom_rule" {
    for_each = var.api_url == null ? [] : local.api_paths
    content {
      source = "/${custom_rule.value}/<*>"
      target = "${trimsuffix(var.api_url, "/")}/${custom_rule.value}/<*>"
      status = "200"
    }
  }

  # Single-page app: every path that is not a static file serves index.html (client-side routing).
  custom_rule {
    source = "</^[^.]+$|\\.(?!(css|gif|ico|jpg|jpeg|js|json|map|png|svg|txt|webp|woff|woff2|ttf)$)([^.]+$)/>"
    target = "/index.html"
    status = "200"
  }

  custom_headers = yamlencode({
    customHeaders = [
      {
        pattern = "**/*"
        headers = [
          { key = "Strict-Transport-Security", value = "max-age=31536000; includeSubDomains" },
          { key = "X-Content-Type-Options", value = "nosniff" },
          { key = "X-Frame-Options", value = "DENY" },
          { key = "Referrer-Policy", value = "strict-origin-when-cross-origin" },
        ]
      },
    ]
  })

  tags = local.common_tags
}

resource "aws_amplify_branch" "main" {
  app_id            = aws_amplify_app.this.id
  branch_name       = var.branch_name
  stage             = "PRODUCTION"
  framework         = "React"
  enable_auto_build = var.enable_auto_build

  tags = local.common_tags
}
