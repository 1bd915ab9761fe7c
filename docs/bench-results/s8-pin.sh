#!/bin/bash
# usage: pin.sh MODE TAG ; MODE base|inf  — saturation run; in 'inf' the firewall's inference threads are pinned to CPU 1
cd "$(dirname "$0")/../.."   # the checkout
OUT=${OUT:-/tmp/s8}; mkdir -p "$OUT"
mode=$1; tag=$2
java -Dai.djl.offline=true -Dsif.repo.root=$PWD -Dlogback.configurationFile=sif-bench-logback.xml -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 -cp benchmarks/target/benchmarks.jar sif.bench.BenchMain --duration 15 --flows 200000 --skip-loads --skip-startup --out $OUT/pin-$mode-$tag.json > $OUT/pin-$mode-$tag.log 2>&1 &
jpid=$!
sleep 3
jvm=$(pgrep -f "sif.bench.BenchMain.*pin-$mode-$tag" | head -1)
while kill -0 $jpid 2>/dev/null; do
  if [ "$mode" = inf ]; then
    for t in /proc/$jvm/task/*; do
      c=$(cat $t/comm 2>/dev/null)
      case "$c" in sif-inference*) taskset -p -c 1 ${t##*/} >/dev/null 2>&1;; esac
    done
  fi
  sleep 2
done
wait $jpid
python3 - "$mode" "$tag" "$OUT" <<'PY'
import json,sys
m,t,out=sys.argv[1:4]
d=json.load(open(f"{out}/pin-{m}-{t}.json"))
print(m,t,{k:d.get(k) for k in ("ceiling_flows_per_s","e2e_flows_per_s","ratio")})
PY
