# One image for the operator and every service; the first argument picks which one runs:
#   docker run vitrine operator        docker run vitrine orders        docker run vitrine gateway
# Multi-stage: compile TypeScript with the dev dependencies, ship only the runtime ones.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
COPY patches ./patches
# Install scripts are off (no native builds in the image); the one patch of patches/ is applied here.
RUN npm ci --ignore-scripts && npx patch-package
COPY tsconfig.json tsconfig.build.json ./
COPY operator ./operator
COPY services ./services
RUN npx tsc -p tsconfig.build.json \
 && find services operator -name '*.sql' -o -name '*.css' -o -name '*.json' | cpio -pdm dist/ \
 && npm prune --omit=dev --ignore-scripts

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /src/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist ./dist
COPY --chown=root:root package.json scripts/entrypoint.sh ./
# The node user (uid 1000) of the official image; the root filesystem can be mounted read-only.
USER 1000:1000
EXPOSE 8080 8081
ENTRYPOINT ["/bin/sh", "/app/entrypoint.sh"]
CMD ["gateway"]
