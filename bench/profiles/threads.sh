#!/bin/sh
set -eu
C=${C:-build/fleetcensus-collector}
for th in 2 4 8 16; do
T=$(mktemp -d)
for o in 1 2 3 4 5; do $C org add "Org $o" --db $T/db >> $T/tokens; done
$C serve --db $T/db --listen 127.0.0.1:0 --port-file $T/port --threads $th 2>$T/log &
pid=$!
while [ ! -s $T/port ]; do sleep 0.1; done
P=$(cat $T/port)
build/bench/loadgen --machines 1000 --concurrency 64 --mode first http://127.0.0.1:$P $T/tokens /tmp/lg/t*.json > $T/out || true
r=""
for k in 1 2 3; do
  c0=$(awk '{print $14+$15}' /proc/$pid/stat)
  build/bench/loadgen --machines 1000 --reports 3000 --concurrency 64 --mode unchanged http://127.0.0.1:$P $T/tokens /tmp/lg/t*.json > $T/out || true
  c1=$(awk '{print $14+$15}' /proc/$pid/stat)
  r="$r $(grep -E '^stored' $T/out | awk '{print $4}')/s p99 $(grep latency $T/out | awk '{print $10}') ms cpu $(( (c1-c0)*10000/3000 ))us;"
done
echo "threads $th: $r load $(cut -d' ' -f1 /proc/loadavg)"
kill $pid; wait $pid 2>/dev/null || true
rm -rf $T
done
