#!/bin/sh
# Runs the SIF launcher: `docker run sif/sif:local firewall|replay|demo ...` (same commands as ./sif).
set -eu
# shellcheck disable=SC2086  # JAVA_OPTS is a list of JVM options
exec java ${JAVA_OPTS:-} -Dai.djl.offline=true -cp "/opt/sif/launcher.jar:/opt/sif/lib/*" sif.launcher.Main "$@"
