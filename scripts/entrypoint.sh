#!/bin/sh
# Container entry point: `operator` or a service name.
set -eu
what="${1:-gateway}"
case "$what" in
  operator) exec node /app/dist/operator/main.js ;;
  gateway|identity|catalog|cart|orders|inventory|payments|shipping|notifications|integrations)
    exec node "/app/dist/services/$what/main.js" ;;
  *) echo "usage: entrypoint.sh operator|<service>; unknown: $what" >&2; exit 64 ;;
esac
