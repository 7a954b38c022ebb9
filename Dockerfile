# Node 22 LTS in both stages (CI and development stay on Node 20: the code keeps to what both have).

# Build stage: every workspace's packages, then shared, server and client built.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
RUN npm ci --no-audit --no-fund
COPY shared shared
COPY server server
COPY client client
RUN npm run build

# Runtime stage: the server's production dependencies only (shared's come with it as a workspace it
# uses; none of the client's: the page is served built), and the built files.
FROM node:22-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
# The client's manifest only: npm ci checks the lock file against every workspace, installs none of it.
COPY client/package.json client/
RUN npm ci --omit=dev --workspace @cercle/server --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/client/dist client/dist
USER node
EXPOSE 3000
# Ready only while the store answers (/readyz); Node's own fetch, as the slim image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM from `docker stop` reaches node directly (PID 1): it tells people and closes (SHUTDOWN_TIMEOUT_MS).
CMD ["node", "--max-semi-space-size=16", "--heap-growing-percent=100", "server/dist/main.js"]
