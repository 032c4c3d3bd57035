# Builds and runs the Borealis server with the same commands as the README.
FROM node:20-slim
# A C compiler for the small native helpers: server/native/fd.c lets a connection move from the
# read thread to the writer's, storage/native/sync.c gives the hot logs of one disk one shared
# flush; without them connections forward their writes, and each log syncs its own.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY server ./server
COPY engine ./engine
COPY storage ./storage
COPY conformance ./conformance
RUN npm ci
EXPOSE 3306
VOLUME /app/data
CMD ["node", "dist/server/cli.js", "start", "--host", "0.0.0.0", "--data-dir", "/app/data"]
