#!/usr/bin/env bash
# Service hook for the arena module (called by scripts/setup with --test or --reproduce).
#   --test: start a local PostgreSQL cluster on port 5432 and create the test role and database
#           that the arena store tests use (jdbc:postgresql://localhost:5432/papers4j_test,
#           user papers4j_test, password papers4j_test). Idempotent; needs root.
# --reproduce needs nothing: the arena's default store is an SQLite file.
set -euo pipefail
mode="${1:---test}"
[[ "$mode" == "--test" ]] || exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "arena.sh: not root; start PostgreSQL yourself for the PostgreSQL store tests (they skip otherwise)" >&2
  exit 0
fi
if ! command -v pg_lsclusters >/dev/null; then
  echo "arena.sh: postgresql is not installed (scripts/setup --test installs it)" >&2
  exit 1
fi
# first cluster on port 5432, or a new one with the newest installed server version
read -r ver name < <(pg_lsclusters -h | awk '$3 == 5432 {print $1, $2; exit}') || true
if [[ -z "${ver:-}" ]]; then
  ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  name=main
  pg_createcluster -p 5432 "$ver" "$name" >&2
fi
if ! pg_lsclusters -h | awk -v v="$ver" -v n="$name" '$1 == v && $2 == n {print $4}' | grep -q online; then
  # The server outlives this script: close every inherited descriptor above stderr first, so that it
  # never keeps a caller's lock file or pipe open.
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if (( fd > 2 )); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec pg_ctlcluster "$ver" "$name" start
  ) >&2
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -p 5432 -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
psql_q() { su postgres -c "psql -p 5432 -v ON_ERROR_STOP=1 -qAtc \"$1\""; }
if [[ "$(psql_q "select 1 from pg_roles where rolname = 'papers4j_test'")" != "1" ]]; then
  psql_q "create role papers4j_test login password 'papers4j_test'"
fi
if [[ "$(psql_q "select 1 from pg_database where datname = 'papers4j_test'")" != "1" ]]; then
  psql_q "create database papers4j_test owner papers4j_test"
fi
echo "arena.sh: PostgreSQL $ver/$name on port 5432, database papers4j_test ready" >&2
