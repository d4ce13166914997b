# Build: docker build -t grantwatch .
# Run:   docker run -p 8080:8080 --stop-timeout 40 -e GRANTWATCH_DATABASE_URL=jdbc:postgresql://db:5432/grantwatch \
#          -e GRANTWATCH_DATABASE_USERNAME=grantwatch -e GRANTWATCH_DATABASE_PASSWORD=... \
#          -e GRANTWATCH_ENCRYPTION_KEY=$(openssl rand -base64 32) -e GRANTWATCH_LOG_APPENDER=JSON grantwatch
# Demo:  docker run --rm -p 8080:8080 grantwatch demo --host 0.0.0.0
# Every configuration key can be set as GRANTWATCH_<KEY PATH> (see config/grantwatch.yaml). The daemon
# stops gracefully on SIGTERM within 30 s; --stop-timeout 40 gives it that time before Docker kills it.
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY src src
COPY db db
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:21-jre
# curl for the health check: the base image does not promise one.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home-dir /app grantwatch && mkdir -p /app/data /app/config && chown -R grantwatch /app
WORKDIR /app
COPY --from=build /src/target/grantwatch.jar /app/grantwatch.jar
COPY config/grantwatch.yaml /app/config/grantwatch.yaml
USER grantwatch
EXPOSE 8080
VOLUME /app/data
# /health is readiness: 503 while the database or the scheduler is down. The port follows the configuration.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD curl -fsS "http://127.0.0.1:${GRANTWATCH_HTTP_PORT:-8080}/health" >/dev/null || exit 1
# Exec form: java is PID 1 and receives SIGTERM itself.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/grantwatch.jar"]
CMD ["run"]
