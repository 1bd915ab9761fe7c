#!/bin/bash
# Creates SIF's topics on the compose broker (idempotent). Runs in the apache/kafka image.
set -euo pipefail
BOOTSTRAP="${SIF_BOOTSTRAP_SERVERS:-kafka:9092}"
TOPICS=/opt/kafka/bin/kafka-topics.sh

create() { # name partitions [extra args]
  local name="$1" partitions="$2"
  shift 2
  "$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor 1 "$@"
}

create flows 4
create flows.allowed 4
create flows.blocked 4
create flows.alerted 4
create alerts 4
create flows.dlq 1
create identity.challenges 1
# compacted per principal; events younger than a day (broker time) are kept whole, so a firewall that
# rebuilds its identity store sees every recent event, not only each principal's last (Topics.creationConfig)
create identity 4 --config cleanup.policy=compact --config min.compaction.lag.ms=86400000 \
  --config message.timestamp.type=LogAppendTime
create policy 1 --config cleanup.policy=compact
# same partition count as flows: the firewall joins operator unblocks (tombstones) with the flow stream
create blocklist 4 --config cleanup.policy=compact
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --list
