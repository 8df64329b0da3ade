# syntax=docker/dockerfile:1
# secsol: multi-stage image. Build: docker build -t secsol .   Run: see compose.yaml.
# One image, three entry points: dist/main.js (web + worker, the default), dist/web-main.js (Bolt + HTTP API
# only) and dist/worker-main.js (BullMQ worker only); pick one with the container command.
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: all dependencies, compile TypeScript to dist/ ---------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY tools ./tools
RUN npm run build

# --- deps: production dependencies only ---------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime ------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
# package.json is needed at run time: "type": "module" makes dist/*.js ES modules.
# Files stay owned by root, so the app (running as `node`) cannot modify its own code.
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The official image's non-root user (uid 1000).
USER node
# PORT (default 3000) serves /slack/events, the HTTP API, /healthz, /readyz and /metrics.
EXPOSE 3000
# No curl in slim images: Node's global fetch. /healthz = the process is up (readiness is /readyz).
# Shell form so that ${PORT:-3000} is expanded by /bin/sh when the check runs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:${PORT:-3000}/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# Exec form: node is PID 1 and receives SIGTERM directly (run with --init / compose `init: true` to reap
# zombies and forward signals through a tiny init).
CMD ["node", "dist/main.js"]
