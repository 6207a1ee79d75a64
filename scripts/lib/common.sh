# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this file
# Shared settings of scripts/provision and scripts/engines (sourced, not run).
# Every engine version is pinned in one place: Kafka in scripts/kafka/pom.xml, Kubernetes and
# etcd in scripts/kube-apiserver/go.mod; PostgreSQL and Redis are Debian 12's packages.

VITRINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VITRINE_CACHE="${VITRINE_CACHE:-$HOME/.cache/vitrine}"
VITRINE_STATE="${VITRINE_STATE:-$VITRINE_CACHE/state}"
VITRINE_BIN="$VITRINE_CACHE/bin"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$VITRINE_ROOT/scripts/kafka/pom.xml")"
KAFKA_LIBS="$VITRINE_CACHE/kafka-$KAFKA_VERSION/libs"
# helm renders the chart in the packaging tests; built through the Go module proxy like kube-apiserver.
HELM_VERSION="v3.19.0"
KUBERNETES_VERSION="$(awk '$1 == "k8s.io/kubernetes" { print $2; exit }' "$VITRINE_ROOT/scripts/kube-apiserver/go.mod")"

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The node binary that runs the helper probes: the project's Node 24 when installed.
node_bin() {
  if [[ -x "$VITRINE_ROOT/node_modules/.bin/node" ]]; then
    echo "$VITRINE_ROOT/node_modules/.bin/node"
  else
    command -v node || die "node is not installed (run npm ci in $VITRINE_ROOT)"
  fi
}
