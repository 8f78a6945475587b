# Agent Mesh: build the shaded jar with Maven, run it on a JRE.
#   docker build -t agent-mesh .      (compose/compose.yaml builds it the same way)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY mesh-proto mesh-proto
COPY mesh-streams mesh-streams
COPY mesh-embedded mesh-embedded
COPY mesh-service mesh-service
# the server only: mesh-tools (dev launcher, bench, faults) is not built into the image
RUN mvn -B -q -DskipTests -pl mesh-service -am install

FROM eclipse-temurin:17-jre
RUN useradd --system --home /app mesh && mkdir -p /app/logs /app/data && chown -R mesh /app
WORKDIR /app
COPY --from=build /src/mesh-service/target/mesh-service-0.1.0-SNAPSHOT.jar /app/mesh.jar
# the OpenTelemetry Java agent: JAVA_OPTS="-javaagent:/app/opentelemetry-javaagent.jar" turns tracing on
COPY --from=build /src/mesh-service/target/otel/opentelemetry-javaagent.jar /app/opentelemetry-javaagent.jar
COPY config.yml /app/config.yml
USER mesh
ENV MESH_BIND_HOST=0.0.0.0
EXPOSE 3005 3015
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s CMD curl -fsS http://localhost:3005/health || exit 1
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/mesh.jar server /app/config.yml"]
