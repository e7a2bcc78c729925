# capability runtime: multi-stage image. The build stage compiles TypeScript; the runtime stage has production
# dependencies only, runs as the unprivileged `node` user, and starts node directly (PID 1 gets SIGTERM, so
# `docker stop` and Kubernetes drain requests in flight). Mount capability files at /capabilities.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY schemas ./schemas
# The shipped capabilities: the build runs the validators over them before caching their compiled code.
COPY capabilities ./capabilities
# The build generates the schema validators and bundles the CLI (npm run build → scripts/generate-validators.mjs,
# scripts/bundle.mjs and scripts/bundle/: the modules it bundles in place of others, and the warm-up that makes the
# bundle's V8 code caches; they serve only in the folder they were made in, /app here and in the runtime stage).
COPY scripts/generate-validators.mjs ./scripts/
COPY scripts/bundle.mjs ./scripts/
COPY scripts/bundle ./scripts/bundle
RUN npm ci --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY schemas ./schemas
COPY capabilities /capabilities
USER node
# The shipped capabilities' REST and MCP ports (see README); your own files may declare others.
EXPOSE 8080 8081 8082 8083 9080 9090 9091 9092
# Docker's health status: /health/ready on an adapter's own port (no token needed; 503 while the runtime drains).
# 8080 is the shipped Metronome REST adapter: set HEALTH_PORT to a port your own files declare.
ENV HEALTH_PORT=8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.HEALTH_PORT + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/capability.js"]
CMD ["serve", "/capabilities", "--host", "0.0.0.0"]
