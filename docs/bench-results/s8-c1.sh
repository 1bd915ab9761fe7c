#!/bin/bash
# usage: c1.sh MODE TAG ; MODE base|c1 — saturation run; c1 = -XX:TieredStopAtLevel=1 (C1 only)
cd "$(dirname "$0")/../.."   # the checkout
OUT=${OUT:-/tmp/s8}; mkdir -p "$OUT"
mode=$1; tag=$2
flag=""; [ "$mode" = c1 ] && flag="-XX:TieredStopAtLevel=1"
java $flag -Dai.djl.offline=true -Dsif.repo.root=$PWD -Dlogback.configurationFile=sif-bench-logback.xml -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 -cp benchmarks/target/benchmarks.jar sif.bench.BenchMain --duration 15 --flows 200000 --skip-loads --skip-startup --out $OUT/c1-$mode-$tag.json > $OUT/c1-$mode-$tag.log 2>&1
python3 - "$mode" "$tag" "$OUT" <<'PY'
import json,sys
m,t,out=sys.argv[1:4]
d=json.load(open(f"{out}/c1-{m}-{t}.json"))
r=d["saturation"]["resources"]; cpu=r["os_threads_cpu_cores_by_name"]; w=r["os_threads_runqueue_wait_cores_by_name"]
jit=sum(v for k,v in cpu.items() if "Compiler" in k or k.startswith("C1") or k.startswith("C2"))
print(m,t,d["ceiling_flows_per_s"],d["e2e_flows_per_s"],d["ratio"],"inf",cpu.get("sif-inference-#"),"jit",round(jit,2),"stream",cpu.get("firewall-bench-"),"wait",round(sum(w.values()),2),"machine",r["machine_cpu_load_avg"])
PY
