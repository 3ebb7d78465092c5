#!/bin/sh
# bench/reports.sh - how long `report tender` and `report counts` take over
# a large synthetic fleet, and the database size per machine; next to them,
# in the same run, the GROUP BY over every machine that the reports ran
# before class_counts (the baseline).
#   sh bench/reports.sh [BUILD] [MACHINES...]   (default 10000 100000 1000000)
# The fleet: 300 organisations; machines spread over a realistic product mix
# (XP, 7, 10 in three releases, 11, Server 2008 R2/2016, Debian, CentOS,
# Ubuntu), each with a stored raw-facts document of typical size; every
# machine points at one of 20 shared software lists of 1,500 entries (most
# machines are built from a few images); last seen over the last 45 days;
# a Windows 11 verdict, ESU eligibility and a BIOS year spread over 15
# years (docs/readiness.md), for the reports that group by them.
# Rows are inserted with SQL (INSERT ... SELECT) into a database the
# collector created, so the timing is of the reports alone; class_counts is
# filled by the same triggers that keep it at ingest. Then the console's
# pages (docs/console.md) over the same fleet: the server's time per page.
set -eu
BUILD=${1:-build}
shift || true
[ $# -gt 0 ] || set -- 10000 100000 1000000
C=$BUILD/fleetcensus-collector
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now=$(date -u +%s)

fleet() { # DB N
	"$C" org add seed --db "$1" >/dev/null
	sqlite3 "$1" <<EOSQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE o(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM o WHERE i < 300)
INSERT INTO organisations(name, created) SELECT printf('Gemeente %03d', i), $now FROM o;
WITH RECURSIVE l(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM l WHERE i < 20)
INSERT INTO software_lists(hash, count) SELECT randomblob(32), 1500 FROM l;
WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 1499)
INSERT INTO software_items(list_id, seq, name, version, arch, publisher, "from")
SELECT l.id, s.i, printf('package-%04d', s.i), printf('%d.%d.%d-1', s.i % 7, s.i % 13, s.i),
       'x86_64', 'Example Maintainers <pkg@example.org>', 'deb'
FROM software_lists l, s;
CREATE TEMP TABLE mix(k INTEGER PRIMARY KEY, family, id, product, edition, rel, arch);
INSERT INTO mix VALUES
 (0, 'windows', 'windows', 'Windows XP', 'Professional', '', 'x86'),
 (1, 'windows', 'windows', 'Windows 7', 'Professional', '', 'x86_64'),
 (2, 'windows', 'windows', 'Windows 7', 'Enterprise', '', 'x86_64'),
 (3, 'windows', 'windows', 'Windows 10', 'Pro', '22H2', 'x86_64'),
 (4, 'windows', 'windows', 'Windows 10', 'Enterprise', '22H2', 'x86_64'),
 (5, 'windows', 'windows', 'Windows 10', 'Enterprise', '21H2', 'x86_64'),
 (6, 'windows', 'windows', 'Windows 11', 'Pro', '23H2', 'x86_64'),
 (7, 'windows', 'windows', 'Windows 11', 'Enterprise', '24H2', 'x86_64'),
 (8, 'windows', 'windows', 'Windows Server 2008 R2', 'Standard', '', 'x86_64'),
 (9, 'windows', 'windows', 'Windows Server 2016', 'Standard', '', 'x86_64'),
 (10, 'linux', 'debian', 'Debian 12', '', '', 'x86_64'),
 (11, 'linux', 'centos', 'CentOS 7', '', '', 'x86_64'),
 (12, 'linux', 'ubuntu', 'Ubuntu 22.04', '', '', 'x86_64');
WITH RECURSIVE m(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM m WHERE i < $2)
INSERT INTO machines(org_id, public_id, hw_uuid, machine_id, agent_id, hostname, deviceid,
  collected_at, collected_ts, first_seen, last_seen, report_id, os_json, software_ok,
  software_list_id, os_family, os_id, os_product, os_edition, os_release, arch,
  win11, esu_eligible, bios_year)
SELECT 2 + (i * 7919) % 300, printf('%08x-0000-4000-8000-%012x', i, i),
  printf('%08x-1111-4111-8111-%012x', i, i), printf('%032x', i), printf('%08x-2222-4222-8222-%012x', i, i),
  printf('ws-%07d', i), printf('ws-%07d-2026-01-01-00-00-00', i),
  '2026-11-01T00:00:00Z', $now - 86400, $now - 86400 * 30, $now - 3600 - (i % 45) * 86400 - i % 7919, printf('r-%d', i),
  '{"operatingsystem":{"name":"Microsoft Windows","full_name":"Microsoft Windows 10 Pro","version":"10.0.19045","kernel_name":"win32","arch":"x86_64","fqdn":"ws.example.org"},"fleetcensus":{"schema":1,"sections":{"os":"ok","software":"ok","hardware":"ok"},"errors":{},"windows":{"major":10,"minor":0,"build":19045,"ubr":3803,"product_type":1,"suite_mask":256,"product_name":"Windows 10 Pro","edition_id":"Professional","display_version":"22H2","release_id":"2009","native_arch":"AMD64","current_version":"6.3","installation_type":"Client"}}}',
  1, 1 + i % 20, mix.family, mix.id, mix.product, mix.edition, mix.rel, mix.arch,
  CASE WHEN mix.family <> 'windows' OR mix.product LIKE 'Windows Server%' THEN 'n/a'
       WHEN mix.product = 'Windows 11' THEN 'ready'
       ELSE CASE (i / 7) % 5 WHEN 0 THEN 'ready' WHEN 1 THEN 'firmware' WHEN 2 THEN 'parts'
            WHEN 3 THEN 'replace' ELSE 'unknown' END END,
  CASE WHEN mix.product = 'Windows 10' AND mix.rel = '22H2' THEN 'yes'
       WHEN mix.product = 'Windows 10' THEN 'no' ELSE 'n/a' END,
  printf('%d', 2009 + (i / 11) % 15)
FROM m JOIN mix ON mix.k = (i * 31) % 13;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
EOSQL
} >/dev/null

# console DB: the console's pages (docs/console.md) served by the collector
# over the fleet, signed in as an admin and as a reader; the server's own
# time per page (the ms= of its log line), the second of two requests.
console() {
	admin=$("$C" token add --role admin --db "$1")
	reader=$("$C" token add --role reader --org 'Gemeente 007' --db "$1")
	rm -f "$tmp/port"
	"$C" serve --db "$1" --listen 127.0.0.1:0 --port-file "$tmp/port" 2>"$tmp/log" &
	spid=$!
	while [ ! -s "$tmp/port" ]; do sleep 0.1; done
	u=http://127.0.0.1:$(cat "$tmp/port")
	for who in admin reader; do
		eval tok=\$$who
		curl -s -c "$tmp/jar" "$u/ui/login" -o "$tmp/login"
		k=$(grep -o 'name="csrf" value="[0-9a-f]*' "$tmp/login" | sed 's/.*value="//')
		curl -s -b "$tmp/jar" -c "$tmp/jar" -d "csrf=$k&token=$tok" "$u/ui/login" -o /dev/null
		for p in / "/tender?as_of=2026-12-01" "/tender?as_of=2026-12-01&min_cell=5" \
			"/search" "/search?page=200" "/search?q=ws-00012" "/search?q=nomatch" \
			"/stale" "/burndown?product=Windows+10"; do
			curl -s -b "$tmp/jar" "$u/ui$p" -o /dev/null
			: >"$tmp/log"
			curl -s -b "$tmp/jar" "$u/ui$p" -o "$tmp/page" -w '%{http_code}' >"$tmp/st"
			sleep 0.2
			ms=$(sed -n 's/.* ms=\([0-9.]*\).*/\1/p' "$tmp/log" | tail -n 1)
			printf '  console %-6s %-40s %s %8s ms server, %9s bytes\n' "$who" "$p" \
				"$(cat "$tmp/st")" "$ms" "$(stat -c %s "$tmp/page")"
		done
	done
	kill "$spid"
	wait "$spid" || :
}

measure() { # LABEL CMD...
	label=$1
	shift
	/usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >/dev/null
	read -r s kib <"$tmp/t"
	printf '  %-48s %7s s %9s KiB peak RSS\n' "$label" "$s" "$kib"
}

for n in "$@"; do
	db=$tmp/fleet-$n.db
	start=$(date +%s)
	fleet "$db" "$n"
	# the generator writes with synchronous=OFF: flush its pages now, or the
	# first command that commits (the day's snapshot, taken by the first
	# report) pays for writing the whole new file to disk when SQLite
	# checkpoints and fsyncs it (3 s at 1,000,000 machines, not the report's)
	sync "$db"
	size=$(stat -c %s "$db")
	echo "$n machines (generated in $(( $(date +%s) - start )) s): database $size bytes, $((size / n)) bytes per machine"
	measure "report tender (the day's first: takes the snapshot)" "$C" report tender --db "$db" \
		--as-of 2026-12-01
	measure "report tender --as-of 2026-12-01" "$C" report tender --db "$db" --as-of 2026-12-01
	measure "report tender --min-cell 5 --format csv" "$C" report tender --db "$db" --as-of 2026-12-01 --min-cell 5 --format csv
	measure "report counts --by org,os_product,support_status" "$C" report counts --db "$db" --by org,os_product,support_status
	measure "report counts --by os_product" "$C" report counts --db "$db" --by os_product
	measure "report tender --split win11 --min-cell 5" "$C" report tender --db "$db" --as-of 2026-12-01 --split win11 --min-cell 5
	measure "report counts --by org,win11,esu_eligible" "$C" report counts --db "$db" --by org,win11,esu_eligible
	measure "report counts --by bios_year" "$C" report counts --db "$db" --by bios_year
	measure "baseline: GROUP BY over every machine (sqlite3)" sqlite3 "$db" \
		"SELECT o.name, m.os_family, m.os_product, m.os_edition, m.os_release, m.arch,
		 count(*) FROM machines m JOIN organisations o ON o.id = m.org_id
		 WHERE m.last_seen >= $now - 30 * 86400 GROUP BY 1, 2, 3, 4, 5, 6"
	console "$db"
	echo "  class_counts rows: $(sqlite3 "$db" 'SELECT count(*) FROM class_counts')," \
		"ready_counts rows: $(sqlite3 "$db" 'SELECT count(*) FROM ready_counts')"
	rm -f "$db" "$db-wal" "$db-shm"
done
