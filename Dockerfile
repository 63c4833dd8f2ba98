# syntax=docker/dockerfile:1.7
# One image for every FusionFactory service; the command picks the service, e.g.
#   docker run IMAGE node -r @swc-node/register apps/routing/src/main.ts
# TypeScript runs directly through @swc-node/register, so the image keeps all npm dependencies
# (the transpiler and typescript are needed at run time): `npm ci --omit=dev` would break start-up.
#
#   docker build -t fusionfactory:0.1.0 .

ARG NODE_IMAGE=node:22-slim

# Only the npm manifests, so the `npm ci` layer below is rebuilt only when they change.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests \
 && find . -path ./node_modules -prune -o \( -name package.json -o -name package-lock.json \) -print \
    | xargs -I{} cp --parents {} /manifests/

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# python3 + bubblewrap: the evaluation service runs candidate code in a bubblewrap sandbox.
# tini reaps the sandbox's child processes and forwards SIGTERM for graceful shutdown.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 bubblewrap tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 fusion \
 && useradd --uid 10001 --gid 10001 --create-home --shell /usr/sbin/nologin fusion
WORKDIR /app
ENV NODE_ENV=production \
    FUSION_MODE=distributed
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root . .
USER 10001:10001
EXPOSE 50051-50055 8081-8085
ENTRYPOINT ["/usr/bin/tini", "--"]
# Default: the single-process build of all services; the Helm chart and k8s manifests override the command.
CMD ["node", "-r", "@swc-node/register", "apps/fusion/src/main.ts"]
