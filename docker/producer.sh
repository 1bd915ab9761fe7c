#!/bin/sh
# The compose producer: replays the CICIDS2017 CSVs mounted at $SIF_CICIDS2017_DIR in a loop, or,
# when no CSV is mounted there, sends the built-in synthetic scenario (fitted on CICIDS2017 rows).
# Both send SIMULATED identity events for the internal hosts (192.168.10.0/24): zero trust denies by
# default, so without them no flow would ever be allowed. The synthetic hosts are busy (about 7
# flows/s each at 500 flows/s), so they re-verify every 30 s to stay under the 500-flow limit.
set -eu
DATA_DIR="${SIF_CICIDS2017_DIR:-/data/cicids2017}"
BOOTSTRAP="${SIF_BOOTSTRAP_SERVERS:-kafka:9092}"
METRICS_PORT="${SIF_METRICS_PORT:-9465}"
RATE="${SIF_REPLAY_RATE:-500}"

if ls "$DATA_DIR"/*.csv > /dev/null 2>&1; then
  echo "producer: replaying the CICIDS2017 CSVs in $DATA_DIR at $RATE flows/s (looping)"
  exec /opt/sif/entrypoint.sh replay "$DATA_DIR" --config /etc/sif/producer.properties \
    --bootstrap-servers "$BOOTSTRAP" --rate "$RATE" --loop --identities --no-progress --metrics-port "$METRICS_PORT"
else
  echo "producer: no CICIDS2017 CSV in $DATA_DIR; sending the SYNTHETIC scenario at $RATE flows/s"
  exec /opt/sif/entrypoint.sh replay --synthetic --config /etc/sif/producer.properties \
    --bootstrap-servers "$BOOTSTRAP" --rate "$RATE" --identities --identity-rotate-minutes 0.5 --no-progress --metrics-port "$METRICS_PORT"
fi
