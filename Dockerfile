# The dispatch app as a container: `docker build -t dispatch . && docker run -p 3000:3000 --env-file .env dispatch`.
# Two stages: the first compiles src/ with the dev toolchain, the second holds only production dependencies and lib/,
# and runs as the unprivileged `node` user. Nothing at run time needs a devDependency.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:22-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/lib ./lib
COPY app.yml ./
USER node
EXPOSE 3000
# GitHub sends webhooks to http(s)://<host>:<PORT>/api/github/webhooks (Probot's default path).
CMD ["node_modules/.bin/probot", "run", "./lib/app/index.js"]
