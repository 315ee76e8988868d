# Bulwark's container image: built in one stage, run from a distroless Node.js 22 base that has
# no shell, no package manager and no compiler. Build, run and compose: README "Deploying".
#   docker build -t bulwark:local .
# Rules this file keeps (non-root numeric USER, bases pinned by digest, no secrets in any
# layer, no compiler in the final stage, a shell-free HEALTHCHECK) are checked by
# test/deploy/dockerfile.unit.test.ts.

# ---- build: compile TypeScript, then keep only the production dependencies ------------------
# node:22-bookworm-slim (glibc, Debian 12: the same libc as the distroless run stage, so the
# native modules built here load there). Digest of the tag `22-bookworm-slim` (Node.js 22.23.1),
# resolved against Docker Hub on 2026-07-17, as pinned in public Dockerfiles of that date.
# Re-pin on purpose: `docker buildx imagetools inspect node:22-bookworm-slim`.
FROM node:22-bookworm-slim@sha256:6c74791e557ce11fc957704f6d4fe134a7bc8d6f5ca4403205b2966bd488f6b3 AS build
# Compilers for better-sqlite3 and argon2 when no prebuilt binary fits; this stage only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
COPY packages/client/package.json packages/client/
COPY packages/dashboard/package.json packages/dashboard/
# No install scripts from the dependency tree (a compromised package's postinstall runs here);
# then only the two native modules Bulwark needs are built, by name.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 argon2
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY packages/client ./packages/client
# The dashboard is built here by Vite (a dev dependency) into dist/dashboard, which is shipped.
COPY packages/dashboard ./packages/dashboard
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@bulwark \
 && mkdir -m 0700 /data

# ---- run: distroless Node.js 22, non-root, no shell ------------------------------------------
# gcr.io/distroless/nodejs22-debian12:nonroot, multi-arch index (amd64, arm64), resolved
# against gcr.io's registry API on 2026-07-17 and pinned by public Dockerfiles of that date
# (e.g. github.com/garoon/garoon-mcp-server, Dockerfile at commit 3dd4464).
# Re-pin on purpose: `docker buildx imagetools inspect gcr.io/distroless/nodejs22-debian12:nonroot`.
FROM gcr.io/distroless/nodejs22-debian12:nonroot@sha256:13593b7570658e8477de39e2f4a1dd25db2f836d68a0ba771251572d23bb4f8e
WORKDIR /app
# Owned by root and read-only to the server: it cannot change its own code.
COPY --from=build --chown=0:0 /src/package.json ./package.json
COPY --from=build --chown=0:0 /src/node_modules ./node_modules
COPY --from=build --chown=0:0 /src/dist ./dist
COPY --chown=0:0 deploy/docker/healthcheck.mjs ./healthcheck.mjs
# The only writable place: the data folder (database, master key unless BULWARK_MASTER_KEY is
# given at run time, file uploads, backups). Mode 0700 and owned by the server's user, so a
# new named volume starts out that way; the server refuses a folder others can read.
COPY --from=build --chown=65532:65532 /data /data
VOLUME ["/data"]
# Listen on every interface of the container: the server still refuses to start on a
# non-loopback address unless TLS (BULWARK_TLS_CERT, BULWARK_TLS_KEY) or a trusted proxy
# (BULWARK_TRUSTED_PROXIES) is given at run time. No secret is set here.
ENV BULWARK_HOST=0.0.0.0 BULWARK_PORT=8090 BULWARK_DATA_DIR=/data
EXPOSE 8090
# distroless's `nonroot` user, by number so that Kubernetes' runAsNonRoot can check it.
USER 65532:65532
# Exec form, no shell: Node runs the shipped script, which asks /api/health on loopback.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/nodejs/bin/node", "/app/healthcheck.mjs"]
# Node is PID 1 with no shell in between: `serve` handles SIGTERM and SIGINT itself (drains
# requests in flight, writes `server.stop`, closes the database). It leaves no orphans to reap
# (the programs it can start, npm and pg_dump, are not in this image): no init process needed.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/main.js"]
CMD ["serve"]
