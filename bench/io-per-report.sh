#!/bin/sh
# bench/io-per-report.sh COLLECTOR TEMPLATE.json...: bytes the collector writes (wchar) per report,
# first reports then twice unchanged (short) reports of 2,000 machines (bench/loadgen).
set -eu
C=$1
shift
T=$(mktemp -d)
for o in 1 2 3 4 5 6 7 8 9 10; do $C org add "Org $o" --db $T/db >> $T/tokens; done
$C serve --db $T/db --listen 127.0.0.1:0 --port-file $T/port 2>$T/log &
pid=$!
while [ ! -s $T/port ]; do sleep 0.1; done
P=$(cat $T/port)
for mode in first unchanged unchanged; do
	w0=$(awk '/^wchar/ {print $2}' /proc/$pid/io)
	"$(dirname "$0")/../build/bench/loadgen" --machines 2000 --concurrency 64 --mode $mode http://127.0.0.1:$P $T/tokens "$@" > $T/out || true
	w1=$(awk '/^wchar/ {print $2}' /proc/$pid/io)
	echo "$mode: $(grep -E '^stored' $T/out); bytes written per report $(( (w1 - w0) / 2000 ))"
done
kill $pid; wait $pid 2>/dev/null || true
rm -rf $T
