# One image recipe for every service of the mesh; the build arg picks which.
#   docker build --build-arg SERVICE=gateway-verticle -t mesh-gateway .
#   docker build --build-arg SERVICE=user-verticle -t mesh-users .
# The build stage packages the jars; the tests are CI's job (.ci/run): they need root for network
# namespaces, Chromium, Prometheus and PostgreSQL servers, which an image build has no business holding.

# Debian, like the machines CI runs on: the gateway's build needs npm (the dashboard's and the API
# explorer's browser libraries).
FROM debian:bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jdk-headless maven nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN mvn -B -ntp -DskipTests package

FROM eclipse-temurin:17-jre
ARG SERVICE=gateway-verticle
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home mesh
COPY --from=build /src/${SERVICE}/target/${SERVICE}.jar /app/service.jar
# Everything binds to 127.0.0.1 unless told otherwise: in a container network set GATEWAY_HOST,
# MESH_CLUSTER_HOST (this container's address) and MESH_CLUSTER_MEMBERS (the others') with -e.
ENV MESH_DATA_DIR=/var/lib/mesh \
    MESH_HEALTH_PORT=9090 \
    JAVA_OPTS="-Xms16m -Xmx256m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=40 -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError"
RUN mkdir -p /var/lib/mesh && chown mesh /var/lib/mesh
USER mesh
VOLUME /var/lib/mesh
EXPOSE 8080 5701 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS http://127.0.0.1:9090/health || exit 1
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/service.jar"]
