# The mesh's images, one per service (the build arg SERVICE picks which), from Debian bookworm only.
#
# With a network (Debian, Maven Central and npm reachable), one step that also builds the jars:
#   docker build --build-arg SERVICE=gateway-verticle -t mesh-gateway:0.1.0 .
# From the jars Maven built on this machine (mvn -B -ntp -DskipTests package), the build itself needs
# Maven Central and npm no more (README "Docker"):
#   docker build --target host-jars --build-arg SERVICE=gateway-verticle -t mesh-gateway:0.1.0 .
#
# BASE is the Debian image every stage starts from. The runtime stage installs the packages listed in
# deploy/image/packages, unless BASE has them already: a base made with mmdebstrap from those packages
# builds with no network at all (the container test does that; README "Docker").
ARG BASE=docker.io/library/debian:bookworm-slim

# --- the jars, built inside (needs Maven Central and npm) --------------------------------------------
FROM ${BASE} AS build
# the gateway's build needs npm (the dashboard's and the API explorer's browser libraries)
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      openjdk-17-jdk-headless maven nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# the tests are CI's job (.ci/run): they need root for network namespaces, a container engine,
# Chromium, Prometheus and PostgreSQL servers, which an image build has no business holding
RUN mvn -B -ntp -DskipTests package

# --- what every service runs on ---------------------------------------------------------------------
FROM ${BASE} AS runtime
# Debian's JRE, not a jlink'ed one: Debian patches it, it ships its class-data archive (a faster start),
# and no module list can fall behind the code (README "Docker" has the sizes). curl: the health check.
COPY deploy/image/packages /usr/local/share/mesh/packages
RUN if ! dpkg -s $(cat /usr/local/share/mesh/packages) >/dev/null 2>&1; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(cat /usr/local/share/mesh/packages) \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && groupadd --system --gid 10001 mesh \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/mesh --no-create-home --shell /usr/sbin/nologin mesh \
 && mkdir -p /var/lib/mesh /app \
 && chown 10001:10001 /var/lib/mesh \
 && chmod 700 /var/lib/mesh
COPY deploy/image/entrypoint /usr/local/bin/mesh-entrypoint
COPY deploy/image/mesh-token /usr/local/bin/mesh-token
# Everything binds to 127.0.0.1 unless told otherwise: on a container network set GATEWAY_HOST and
# MESH_CLUSTER_HOST (this container's address) and MESH_CLUSTER_MEMBERS (the others'), as
# deploy/compose.yaml and deploy/k8s do. MESH_JAVA_OPTS: the launcher's flags (./mesh), unchanged.
ENV MESH_DATA_DIR=/var/lib/mesh \
    MESH_HEALTH_PORT=9090 \
    MESH_JAVA_OPTS="-Xms16m -Xmx256m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=40 -XX:TrimNativeHeapInterval=5000"
# a fixed uid, so that volumes, Secrets (fsGroup) and the manifests' runAsUser agree on it
USER 10001:10001
WORKDIR /var/lib/mesh
# all the state of a service: its embedded PostgreSQL (when no <SERVICE>_PG_URI is set), and the
# gateway's signing key when none is given (GATEWAY_JWT_KEY_DIR)
VOLUME /var/lib/mesh
EXPOSE 8080 5701 5801 9090
# What the engine reports as healthy and compose's service_healthy waits for: the readiness of this
# JVM (in the cluster, and its service can serve), as the Kubernetes readiness probe. Liveness
# (restart) is /live there; here the engine restarts a JVM that exits.
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:${MESH_HEALTH_PORT}/health" || exit 1
ENTRYPOINT ["/usr/local/bin/mesh-entrypoint"]

# --- from the jars Maven built on the host ----------------------------------------------------------
FROM runtime AS host-jars
ARG SERVICE=gateway-verticle
COPY --chown=0:0 ${SERVICE}/target/${SERVICE}.jar /app/service.jar

# --- the default: from the jars built in the build stage --------------------------------------------
FROM runtime AS service
ARG SERVICE=gateway-verticle
COPY --from=build --chown=0:0 /src/${SERVICE}/target/${SERVICE}.jar /app/service.jar
