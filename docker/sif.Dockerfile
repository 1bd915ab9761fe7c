# syntax=docker/dockerfile:1.7
# SIF image: the launcher (./sif's Java entry point) with all modules, the model, non-root.
#   docker build -f docker/sif.Dockerfile -t sif/sif:local .
#   docker run --rm sif/sif:local --help

# ---- build stage: the Maven reactor, tests skipped (they run in CI, not in image builds)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -pl launcher -am package \
 && mkdir -p /src/models

# ---- runtime stage: JRE only
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 sif \
 && useradd --system --uid 10001 --gid sif --home-dir /home/sif --create-home sif \
 && mkdir -p /opt/sif /var/lib/sif/state \
 && chown -R sif:sif /var/lib/sif
WORKDIR /opt/sif
COPY --from=build /src/launcher/target/launcher.jar /opt/sif/launcher.jar
COPY --from=build /src/launcher/target/lib/ /opt/sif/lib/
COPY --from=build /src/models/ /opt/sif/models/
COPY docker/entrypoint.sh docker/producer.sh /opt/sif/
RUN chmod 0755 /opt/sif/entrypoint.sh /opt/sif/producer.sh
USER sif:sif
ENV HOME=/home/sif \
    SIF_DATA_ROOT=/data
EXPOSE 9464 9465
ENTRYPOINT ["/opt/sif/entrypoint.sh"]
CMD ["--help"]
