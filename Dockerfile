# Build: docker build -t grantwatch .
# Run:   docker run -p 8080:8080 -e GRANTWATCH_DATABASE_URL=jdbc:postgresql://db:5432/grantwatch \
#          -e GRANTWATCH_DATABASE_USERNAME=grantwatch -e GRANTWATCH_DATABASE_PASSWORD=... \
#          -e GRANTWATCH_ENCRYPTION_KEY=$(openssl rand -base64 32) grantwatch
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY src src
COPY db db
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 --home-dir /app grantwatch && mkdir -p /app/data /app/config && chown -R grantwatch /app
WORKDIR /app
COPY --from=build /src/target/grantwatch.jar /app/grantwatch.jar
COPY config/grantwatch.yaml /app/config/grantwatch.yaml
USER grantwatch
EXPOSE 8080
VOLUME /app/data
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD wget -qO- http://127.0.0.1:8080/health >/dev/null 2>&1 || curl -fsS http://127.0.0.1:8080/health >/dev/null || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/grantwatch.jar"]
CMD ["run"]
