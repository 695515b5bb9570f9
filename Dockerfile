# One image recipe for every Relink service and the sandbox, from the jars Maven built:
#   mvn -B package -DskipTests
#   docker build --build-arg SERVICE=scanner-service -t relink/scanner-service .
# docker-compose.yml builds all four this way.
FROM eclipse-temurin:17-jre
ARG SERVICE
WORKDIR /deployments
# A fixed non-root user, so Kubernetes can check runAsNonRoot with a numeric id.
RUN groupadd --system --gid 10001 relink && useradd --system --uid 10001 --gid relink --no-create-home relink
COPY --chown=10001:10001 ${SERVICE}/target/quarkus-app/lib/ /deployments/lib/
COPY --chown=10001:10001 ${SERVICE}/target/quarkus-app/*.jar /deployments/
COPY --chown=10001:10001 ${SERVICE}/target/quarkus-app/app/ /deployments/app/
COPY --chown=10001:10001 ${SERVICE}/target/quarkus-app/quarkus/ /deployments/quarkus/
USER 10001
# Heap from the container's memory limit; /tmp is the only place written to (a volume when the root is read-only).
# JAVA_OPTS_APPEND carries a service's own options (the scanner's, in deploy/ and docker-compose.yml).
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
ENV JAVA_OPTS_APPEND=""
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar"]
