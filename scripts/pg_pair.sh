#!/usr/bin/env bash
# A throwaway PostgreSQL primary and its hot standby (streaming replication) on 127.0.0.1, in a
# folder of their own: touches no running cluster. For the replica tests and bench/load.py.
#
#   scripts/pg_pair.sh start DIR PRIMARY_PORT STANDBY_PORT [--fast]   # prints the two URLs
#   scripts/pg_pair.sh primary DIR PRIMARY_PORT                       # only the primary (load it first)
#   scripts/pg_pair.sh standby DIR PRIMARY_PORT STANDBY_PORT          # (re)make only the standby
#   scripts/pg_pair.sh stop DIR
#
# --fast: fsync off (tests; a crash loses the cluster, which is thrown away anyway).
# Needs Debian's PostgreSQL tools (initdb, pg_ctl, pg_basebackup; found in
# /usr/lib/postgresql/*/bin when not on PATH). As root, the clusters run as the postgres user.
set -euo pipefail
cmd=${1:?start|standby|stop}
dir=${2:?folder}
bindir=$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)")")
[ -x "$bindir/initdb" ] || { echo "pg_pair: initdb not found" >&2; exit 3; }
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
log() { echo "pg_pair: $*" >&2; }

make_standby() {
  local pport=$1 sport=$2
  as_owner "$bindir/pg_ctl" -D "$dir/standby" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir/standby"
  as_owner "$bindir/pg_basebackup" -h 127.0.0.1 -p "$pport" -U postgres -D "$dir/standby" -R -X stream -c fast
  {
    echo "port = $sport"
    echo "hot_standby_feedback = on"   # long reads on the standby are not cancelled by the primary's vacuum
  } | as_owner tee -a "$dir/standby/postgresql.conf" >/dev/null
  as_owner "$bindir/pg_ctl" -D "$dir/standby" -l "$dir/standby.log" -w -t 120 start >/dev/null
}

case $cmd in
  start|primary)
    pport=${3:?primary port}
    if [ "$cmd" = start ]; then sport=${4:?standby port}; fast=${5:-}; else sport=; fast=${4:-}; fi
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/primary/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$dir/primary" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
      {
        echo "port = $pport"
        echo "listen_addresses = '127.0.0.1'"
        echo "unix_socket_directories = '$dir'"
        echo "wal_level = replica"
        echo "max_wal_senders = 4"
        echo "max_connections = 200"
        if [ "$fast" = --fast ]; then echo "fsync = off"; echo "synchronous_commit = off"; fi
      } | as_owner tee -a "$dir/primary/postgresql.conf" >/dev/null
      echo "host replication all 127.0.0.1/32 trust" | as_owner tee -a "$dir/primary/pg_hba.conf" >/dev/null
    fi
    as_owner "$bindir/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w -t 120 status >/dev/null 2>&1 \
      || as_owner "$bindir/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w -t 120 start >/dev/null
    echo "postgresql://postgres@127.0.0.1:$pport/postgres"
    [ -n "$sport" ] || exit 0
    if ! as_owner "$bindir/pg_ctl" -D "$dir/standby" status >/dev/null 2>&1; then
      make_standby "$pport" "$sport"
    fi
    echo "postgresql://postgres@127.0.0.1:$sport/postgres"
    ;;
  standby)
    make_standby "${3:?primary port}" "${4:?standby port}"
    ;;
  stop)
    for c in standby primary; do
      [ -d "$dir/$c" ] && as_owner "$bindir/pg_ctl" -D "$dir/$c" -m fast -w stop >/dev/null 2>&1 || true
    done
    log "stopped (the folder $dir is left; rm -rf it to throw the clusters away)"
    ;;
  *) echo "usage: $0 start|primary|standby|stop DIR [PRIMARY_PORT STANDBY_PORT] [--fast]" >&2; exit 2 ;;
esac
