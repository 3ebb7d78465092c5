#!/bin/sh
# setup-collector.sh - the collector machine's one-time setup, as root, after
# make install (make install-user runs it from the source tree; make install
# also puts it in PREFIX/share/fleetcensus/):
#
#   - the system user and group fleetcensus (useradd --system: no login
#     shell, no password, home /var/lib/fleetcensus); an existing one is kept;
#   - /var/lib/fleetcensus (the database, FLEETCENSUS_DB=
#     /var/lib/fleetcensus/collector.db) and /var/lib/fleetcensus/reports
#     (the tender CSVs), owned by fleetcensus, mode 0750: the collector
#     service, the timers and the cron file all run as fleetcensus. A
#     collector.db (and -wal, -shm) already there is given to fleetcensus.
#
# Run the collector's commands as that user too, so that the database and
# its -wal/-shm files stay its own:
#   sudo -u fleetcensus FLEETCENSUS_DB=/var/lib/fleetcensus/collector.db \
#       fleetcensus-collector org add "Gemeente Utrecht"
#
# DESTDIR=DIR acts below DIR instead of / (DIR/etc/passwd through useradd
# --prefix, DIR/var/lib/fleetcensus): for packaging and tests, never the
# running system's files.
set -eu
DESTDIR=${DESTDIR:-}
USER_NAME=fleetcensus
STATE=/var/lib/fleetcensus

if [ "$(id -u)" != 0 ]; then
	echo "setup-collector.sh: run as root (it adds a system user)" >&2
	exit 77
fi

# field N of NAME's line in the passwd (or group) file of DESTDIR
field() {
	awk -F: -v n="$2" -v f="$3" '$1 == n { print $f; exit }' "$DESTDIR/etc/$1"
}

if [ -n "$DESTDIR" ]; then
	have=$(field passwd "$USER_NAME" 1)
else
	have=$(getent passwd "$USER_NAME" | cut -d: -f1 || :)
fi
if [ -z "$have" ]; then
	set -- --system --user-group --home-dir "$STATE" --no-create-home \
		--shell /usr/sbin/nologin --comment "fleetcensus collector"
	[ -z "$DESTDIR" ] || set -- --prefix "$DESTDIR" "$@"
	useradd "$@" "$USER_NAME"
	echo "setup-collector.sh: added the system user $USER_NAME"
fi
if [ -n "$DESTDIR" ]; then
	uid=$(field passwd "$USER_NAME" 3)
	gid=$(field passwd "$USER_NAME" 4)
else
	uid=$(id -u "$USER_NAME")
	gid=$(id -g "$USER_NAME")
fi
install -d -o "$uid" -g "$gid" -m 0750 "$DESTDIR$STATE" "$DESTDIR$STATE/reports"
echo "setup-collector.sh: $STATE and $STATE/reports belong to $USER_NAME (mode 0750)"
# A database made earlier as root (older instructions) is handed over too.
for f in collector.db collector.db-wal collector.db-shm; do
	if [ -f "$DESTDIR$STATE/$f" ] && [ ! -L "$DESTDIR$STATE/$f" ]; then
		chown "$uid:$gid" "$DESTDIR$STATE/$f"
		echo "setup-collector.sh: $STATE/$f now belongs to $USER_NAME"
	fi
done
