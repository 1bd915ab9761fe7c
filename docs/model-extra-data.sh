#!/usr/bin/env bash
# Does more real web-attack data fix the shipped model's one weakness? On the temporal split the
# 21 SQL-injection test flows (a sub-type whose flows all come after the cut, so never in training)
# are classified PortScan in every seed (docs/model-seeds.md). The only other real web-attack rows
# available are the 1,507 `Web Attack – Brute Force` rows of fallback/…encoded-ids.csv (plus 5,087
# BENIGN rows of the same Thursday morning). This retrains with them added and re-evaluates each model
# on the main folder's temporal test split alone (the same 587 sequences as the shipped model's), so
# the figures compare with docs/model-seeds.md. Results go to docs/model-extra-data.md. It does not
# change the shipped model.
#
# The fallback file's XSS and SQL-injection rows are the same flows as the main folder's, so they are
# left out (kept, they would put test flows into training). Its IPs and timestamps are integer codes,
# so its rows get file-order sequences (detection-model/README.md).
#
#   docs/model-extra-data.sh [SEED ...]      default seeds: 42 1 2
#   SIF_EXTRA_WORK=DIR                       work directory (default /tmp/sif-extra-data)
#
# About half a minute per seed here (2 cores). Needs jq and the data (see the README's Data section).
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=("$@")
[[ ${#seeds[@]} -gt 0 ]] || seeds=(42 1 2)
work=${SIF_EXTRA_WORK:-/tmp/sif-extra-data}
out=docs/model-extra-data.md
root=${SIF_DATA_ROOT:-../shared/data}
main="$root/cicids2017"
fallback="$main/fallback/Thursday-WorkingHours-Morning-WebAttacks.pcap_ISCX.web_attacks_balanced.encoded-ids.csv"
command -v jq >/dev/null || { echo "model-extra-data: jq is required" >&2; exit 2; }
[[ -f "$fallback" ]] || { echo "model-extra-data: $fallback not found (set SIF_DATA_ROOT)" >&2; exit 2; }
mkdir -p "$work"
work=$(cd "$work" && pwd) # absolute: the trainer records files outside the data root by absolute path

extra="$work/fallback-benign-and-brute-force.csv"
# header, then the rows whose label (last field) is BENIGN or a Brute Force web attack
awk -F, 'NR == 1 || $NF ~ /^BENIGN\r?$/ || $NF ~ /Brute Force\r?$/' "$fallback" > "$extra"
extra_rows=$(($(wc -l < "$extra") - 1))
brute_rows=$(grep -c 'Brute Force' "$extra" || true)
extra_sha=$(sha256sum "$extra" | cut -d' ' -f1)

for s in "${seeds[@]}"; do
  dir="$work/seed-$s"
  if [[ ! -f "$dir/metrics.json" ]]; then
    echo "model-extra-data: training seed $s -> $dir"
    ./sif train --seed "$s" --no-baselines --data "$main" --data "$extra" --out "$dir" --report "$dir/report.md" \
      > "$dir.log" 2>&1 || { echo "model-extra-data: seed $s failed, see $dir.log" >&2; exit 1; }
    git describe --always --dirty > "$dir/commit"
  fi
  # the same model, its metadata naming only the main folder's files: `sif evaluate` then rebuilds the
  # main folder's temporal test split (split units are per source and class, so adding a file changes
  # no other file's cut) and scores the model on it
  rm -rf "$dir-main"
  cp -r "$dir" "$dir-main"
  jq --arg sha "$extra_sha" '.data.files |= map(select(.sha256 != $sha))' "$dir/metadata.json" > "$dir-main/metadata.json"
  [[ $(jq '.data.files | length' "$dir/metadata.json") -eq $(($(jq '.data.files | length' "$dir-main/metadata.json") + 1)) ]] \
    || { echo "model-extra-data: the extra file is not listed once in $dir/metadata.json" >&2; exit 1; }
  ./sif evaluate --model "$dir-main" > "$dir-main.log" 2>&1 || true # differs from metrics.json by design
  grep -q ' on temporal_split (' "$dir-main.log" || { echo "model-extra-data: evaluation failed, see $dir-main.log" >&2; exit 1; }
done

{
  echo "# Detection model: more real web-attack data"
  echo
  trained_at=$(for s in "${seeds[@]}"; do cat "$work/seed-$s/commit"; done | sort -u | paste -sd, -)
  echo "Written by \`docs/model-extra-data.sh ${seeds[*]}\` on $(date -u +%Y-%m-%d); the models were trained at commit $trained_at."
  echo "Each model is \`./sif train --seed S --no-baselines\` on the main folder plus $extra_rows rows of"
  echo "\`fallback/…encoded-ids.csv\` ($brute_rows \`Web Attack – Brute Force\`, the rest BENIGN; its XSS and SQL-injection rows,"
  sequences=$(for s in "${seeds[@]}"; do sed -nE 's/.* on temporal_split \(([0-9]+) test sequences\).*/\1/p' "$work/seed-$s-main.log"; done \
    | sort -u | paste -sd, -)
  echo "the same flows as the main folder's, left out), then scored on the main folder's temporal test split"
  echo "alone ($sequences test sequences; the shipped model and docs/model-seeds.md are scored on the same split). The question:"
  echo "does another web-attack sub-type in training teach the model to call the unseen SQL-injection flows Other?"
  echo
  echo "| seed | main test split: macro-F1 | accuracy | ECE | SQL-injection test flows predicted as | XSS test flows predicted as | whole split incl. fallback rows: macro-F1 |"
  echo "|---:|---:|---:|---:|---|---|---:|"
  f1s=()
  for s in "${seeds[@]}"; do
    dir="$work/seed-$s"
    line=$(grep ' on temporal_split (' "$dir-main.log")
    f1=$(sed -E 's/.*macro-F1 ([0-9.]+).*/\1/' <<< "$line")
    f1s+=("$f1")
    acc=$(sed -E 's/.*accuracy ([0-9.]+).*/\1/' <<< "$line")
    ece=$(sed -E 's/.*ECE ([0-9.]+).*/\1/' <<< "$line")
    sqli=$(awk -F'|' '$2 ~ /SqlInjection/ {gsub(/^ +| +$/, "", $7); print $7; exit}' "$dir/report.md")
    xss=$(awk -F'|' '$2 ~ /XSS-subset/ {gsub(/^ +| +$/, "", $7); print $7; exit}' "$dir/report.md")
    whole=$(jq -r '.temporal_split.lstm.macro_f1' "$dir/metrics.json")
    echo "| $s | $f1 | $acc | $ece | $sqli | $xss | $whole |"
  done
  echo
  # the seed study's figures without the extra rows, for comparison
  base_f1=$(sed -nE 's/^- temporal macro-F1: (mean [0-9.]+).*/\1/p' docs/model-seeds.md)
  base_sqli=$(sed -nE 's/^- seeds that classify any SQL-injection test flow .*: ([0-9]+ of [0-9]+)$/\1/p' docs/model-seeds.md)
  printf '%s\n' "${f1s[@]}" \
    | awk -v base="$base_f1" '{ v[NR] = $1; sum += $1; if (NR == 1 || $1 < min) min = $1; if (NR == 1 || $1 > max) max = $1; if ($1 >= 0.97) hit++ }
           END { m = sum / NR; for (i = 1; i <= NR; i++) ss += (v[i] - m) ^ 2
                 printf "- main test split macro-F1: mean %.4f, min %s, max %s, sd %.4f (docs/model-seeds.md, without the extra rows: %s)\n", m, min, max, sqrt(ss / NR), base
                 printf "- seeds at or above the 0.97 target: %d of %d\n", hit, NR }'
  sqli_other=0
  for s in "${seeds[@]}"; do
    grep -q 'SqlInjection.*Other=' "$work/seed-$s/report.md" && sqli_other=$((sqli_other + 1))
  done
  echo "- seeds that classify any SQL-injection test flow as Other: $sqli_other of ${#seeds[@]} (docs/model-seeds.md, without the extra rows: $base_sqli)"
  echo
  echo "The last column mixes in the fallback rows' own test part (BENIGN and Brute Force, file-order"
  echo "sequences): it is not comparable with the shipped model's figures and is shown only to say why"
  echo "the training log's headline differs from the first column."
} > "$out"
echo "model-extra-data: wrote $out"
cat "$out"
