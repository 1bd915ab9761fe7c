#!/bin/bash
# usage: neigh.sh COND ROUND ; runs the JMH ceiling at batch 64 pinned to CPU 0 with a neighbour on CPU 1
cd "$(dirname "$0")/../.."   # the checkout
OUT=${OUT:-/tmp/s8}; mkdir -p "$OUT"
cond=$1; r=$2
case $cond in
  idle) pid= ;;
  spin) taskset -c 1 bash -c 'while :; do :; done' & pid=$! ;;
  mem)  taskset -c 1 bash -c 'while :; do dd if=/dev/zero of=/dev/null bs=64M count=200 status=none; done' & pid=$! ;;
  model) taskset -c 1 java -Dsif.repo.root=$PWD -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 -Djmh.ignoreLock=true -jar benchmarks/target/benchmarks.jar InferenceBench -p batch=64 -wi 1 -w 2 -i 30 -r 2 -f 1 > $OUT/neigh-model-bg-$r.txt 2>&1 & pid=$!; sleep 12 ;;
esac
taskset -c 0 java -Dsif.repo.root=$PWD -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 -Djmh.ignoreLock=true -jar benchmarks/target/benchmarks.jar InferenceBench -p batch=64 -wi 3 -w 2 -i 5 -r 2 -f 1 -jvmArgsAppend "-XX:ActiveProcessorCount=1" > $OUT/neigh-$cond-$r.txt 2>&1
if [ -n "$pid" ]; then pkill -P $pid; kill $pid 2>/dev/null; wait $pid 2>/dev/null; fi
pkill -f 'InferenceBench' ; sleep 1
echo "$cond $r $(date -u +%H:%M) $(grep -E 'InferenceBench.predict:sequences|InferenceBench.predict ' $OUT/neigh-$cond-$r.txt | tail -2 | tr -s ' ' | tr '\n' '|')"
