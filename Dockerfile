# Builds and runs the Borealis server with the same commands as the README.
FROM node:20-slim
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
