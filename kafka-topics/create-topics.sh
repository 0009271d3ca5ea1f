#!/bin/sh
# GENERATED from kafka-topics/topics.yaml by dev.stylize.messaging.CreateTopicsScript: do not edit.
# Creates the worker's topics on a Kafka cluster without the Strimzi topic operator.
#
#   BOOTSTRAP=kafka:9092 [KAFKA_BIN=/opt/kafka/bin] [COMMAND_CONFIG=client.properties] \
#     [MAX_REPLICAS=1] sh kafka-topics/create-topics.sh
#
# COMMAND_CONFIG: admin client properties (SASL/TLS). MAX_REPLICAS caps the replication factor
# and min.insync.replicas (a single-node dev cluster: 1), as the embedded broker does.
# Existing topics are left as they are (--if-not-exists): change their configs with
# kafka-configs.sh --alter, and add partitions with kafka-topics.sh --alter --partitions.
set -eu
: "${BOOTSTRAP:?set BOOTSTRAP to the Kafka bootstrap servers}"
KAFKA_TOPICS="${KAFKA_BIN:+$KAFKA_BIN/}kafka-topics.sh"

cap() {
  if [ "${MAX_REPLICAS:-0}" -gt 0 ] && [ "$1" -gt "${MAX_REPLICAS:-0}" ]; then echo "$MAX_REPLICAS"; else echo "$1"; fi
}

create() {
  if [ -n "${COMMAND_CONFIG:-}" ]; then
    "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --command-config "$COMMAND_CONFIG" --create --if-not-exists "$@"
  else
    "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists "$@"
  fi
}

# role: requests
create --topic stylize.requests --partitions 64 --replication-factor "$(cap 3)" \
  --config "min.insync.replicas=$(cap 2)" \
  --config retention.ms=604800000

# role: progress
create --topic stylize.progress --partitions 16 --replication-factor "$(cap 3)" \
  --config "min.insync.replicas=$(cap 1)" \
  --config retention.ms=3600000

# role: results
create --topic stylize.results --partitions 16 --replication-factor "$(cap 3)" \
  --config cleanup.policy=compact \
  --config min.compaction.lag.ms=3600000 \
  --config "min.insync.replicas=$(cap 2)"

# role: dlq
create --topic stylize.requests.dlq --partitions 4 --replication-factor "$(cap 3)" \
  --config "min.insync.replicas=$(cap 2)" \
  --config retention.ms=1209600000

# role: control
create --topic stylize.control --partitions 1 --replication-factor "$(cap 3)" \
  --config "min.insync.replicas=$(cap 2)" \
  --config retention.ms=86400000
