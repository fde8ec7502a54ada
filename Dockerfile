# SecureUpload container image: build the static release binary with the official Swift image,
# then run it on a slim Debian with only the shared libraries it links (see docs/operations.md).
#
#   docker build -t secure-upload .
#   docker run --rm -p 8080:8080 --env-file .env secure-upload
#
# The build command is the one scripts/build-release.sh runs natively (Tests/Operations checks
# that they stay the same, and that the tag matches the toolchain the tests build with).

FROM swift:6.3.1-bookworm AS build
WORKDIR /src

# Headers for the COpenSSL and CZlib system-library modules. Versions are pinned to Debian 12's
# upstream series (DL3008): exact Debian revisions are dropped from the mirror by security updates.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl-dev=3.0.* zlib1g-dev=1:1.2.13* \
    && rm -rf /var/lib/apt/lists/*

# Resolve dependencies in their own layer so that editing sources does not fetch them again.
COPY Package.swift Package.resolved* ./
RUN swift package resolve

# Package.swift declares the example and test targets too; SwiftPM refuses a manifest whose target
# folders are missing, so they come along (they are not built for the product).
COPY Sources ./Sources
COPY Examples ./Examples
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections --product secure-upload \
    && install -D -m 0755 "$(swift build -c release --static-swift-stdlib --show-bin-path)/secure-upload" \
        /staging/secure-upload

FROM debian:bookworm-slim

# What the binary links dynamically: OpenSSL (libssl3: hashing, signatures and the TLS of its own
# outbound HTTPS client), zlib and libstdc++; CA certificates for HTTPS to Cognito and STS. The
# Swift runtime is linked statically; no libcurl: outbound HTTP is the binary's own. No tzdata:
# the service only formats UTC.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates=202* \
        libssl3=3.0.* \
        libstdc++6=12.2.* \
        zlib1g=1:1.2.13* \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 secureupload \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin secureupload \
    && install -d -o 10001 -g 10001 -m 0700 /data

WORKDIR /app
# Root-owned and read-only for the service user: a compromised process cannot replace them.
COPY --from=build /staging/secure-upload /app/secure-upload
COPY frontend/ /app/frontend/

ENV SECURE_UPLOAD_MODE=aws \
    HOST=0.0.0.0 \
    PORT=8080 \
    STATIC_DIR=/app/frontend \
    LOG_FORMAT=json \
    LOCAL_DATA_DIR=/data

USER 10001:10001
EXPOSE 8080

# Slim images have no curl: the binary checks its own /healthz on $PORT.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD ["/app/secure-upload", "healthcheck"]

# SIGTERM starts the graceful drain (readiness 503, listener closes after SHUTDOWN_DELAY,
# in-flight requests finish within SHUTDOWN_GRACE).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/secure-upload"]
CMD ["serve"]
