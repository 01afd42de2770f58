# Production image: compiled JavaScript, the admin panel's bundle and production dependencies only.
# test/container.e2e-spec.ts runs this file's CMD and HEALTHCHECK as an unprivileged user on a
# read-only copy of the built app, as the image runs them.
FROM node:20.19.0-bookworm-slim AS build
WORKDIR /app
# argon2 and better-sqlite3 compile from source when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig*.json nest-cli.json ./
COPY src ./src
# The panel's front-end bundle is built here, into the image: the app never writes to its folder.
RUN npm run build && node dist/admin-panel/panel-bundle.js && npm prune --omit=dev

FROM node:20.19.0-bookworm-slim
ENV NODE_ENV=production \
    GATEKEEPER_VAR_DIR=/var/lib/gatekeeper
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/admin-bundle ./admin-bundle
COPY package.json ./
# The application folder belongs to root and is read-only for everyone; the app writes only to
# GATEKEEPER_VAR_DIR (the SQLite demo database; mails when ALLOW_MAIL_TO_FILES=true).
RUN chmod -R a-w /app \
  && mkdir -p /var/lib/gatekeeper && chown node:node /var/lib/gatekeeper
VOLUME /var/lib/gatekeeper
USER node
EXPOSE 3000
# Liveness: the process answers. Readiness (the database too) is GET /api/health.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
