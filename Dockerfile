# syntax=docker/dockerfile:1.7
#
# One image for every FlowGenie process. The build bundles each process entry into dist/ with
# esbuild (local/dev/src/build.ts; native and self-locating packages stay in node_modules), and the
# processes run that JavaScript, not TypeScript through a loader. The command picks the process,
# e.g. `dist/auth.js` (see docker-compose.yml; `dist/flowgenie.js` runs them all in one process);
# the default is the gateway. The same image runs the executor on ECS (cdk-constructs Executor).

ARG NODE_VERSION=20.19

FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app
ENV NODE_ENV=production \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

# Only the package manifests, so `npm ci` below reruns when dependencies change, not on every edit.
FROM base AS manifests
COPY . /src
RUN cd /src \
    && find . -name node_modules -prune -o \( -name package.json -o -name package-lock.json \) -type f -print \
    | tar -cf - -T - | tar -xf - -C /app

FROM base AS deps
# Toolchain for native addons without a prebuilt binary; it stays in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
# The lock file is written by npm 11 (allowScripts); tsx and esbuild (dev dependencies) build dist/.
RUN npm install -g npm@11
COPY --from=manifests /app/ ./
RUN --mount=type=cache,target=/root/.npm npm ci --include=dev

FROM base AS runtime
# RDS forces TLS and signs with its own CA: the executor on ECS verifies the database with this
# bundle (NODE_EXTRA_CA_CERTS, set by the CDK; DATABASE_SSLMODE=verify-full).
ADD --chmod=644 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem
COPY --from=deps --chown=node:node /app ./
COPY --chown=node:node . .
RUN node --import tsx local/dev/src/build-cli.ts --force
# The data folder (key files, the internal service token) is a volume shared by the services:
# created here so the volume starts owned by the user the services run as.
RUN mkdir -p /app/.data && chown node:node /app/.data
# As `npm start` does: glibc returns the memory of freed large bodies (10 MB webhooks) instead of
# keeping it in the heap arena (docs/BENCHMARKS.md, "a stream of 10 MB webhooks").
ENV MALLOC_MMAP_THRESHOLD_=131072
USER node
ENTRYPOINT ["node"]
CMD ["dist/gateway.js"]
