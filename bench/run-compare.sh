#!/usr/bin/env bash
# Runs Syncline's benchmark jar and a JavaScript peer on the same workloads of
# ../shared/bench/WORKLOADS.md, one after the other in this session, and prints both figures side by side.
#
# Usage: bench/run-compare.sh [W1|W2|W3|W4|W5|all] [yjs|automerge|tinybase] [--runs N] [--rows N] [--warmup N]
#        [--jvm-opt X]... [--no-heap-floor]
#   default: all yjs --runs 1. "all" = W3 (which reports W1, W2 and W3), W4, W5.
#   --rows scales the W1-W3 chain for both sides (peers default to 100,000 rows; Automerge to 10,000).
#   --warmup N: Syncline's runs first do the workload N times in the same JVM (the peers always run cold).
#   --jvm-opt X: passed on to Syncline's child JVMs (e.g. -XX:+UseParallelGC); say so when you report.
#   --no-heap-floor: the child JVMs start without the bench's default -Xms1g (bench/README.md).
# Needs: bench/target/syncline-bench.jar (cd <repo> && mvn -q -o -pl bench package), java, node, npm.
# Env: PEERS_SCRIPT (default <repo>/../shared/bench/peers/run-peers.sh), PEERS_DIR (passed on to it),
#      OUT_DIR (default a new temp dir; keeps syncline.jsonl, peer.jsonl and the logs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
jar="$here/target/syncline-bench.jar"
peers_script=${PEERS_SCRIPT:-$repo/../shared/bench/peers/run-peers.sh}
peers_dir=${PEERS_DIR:-${TMPDIR:-/tmp}/syncline-peers}
export PEERS_DIR="$peers_dir"

workload=all; peer=yjs; runs=1; rows=""; warmup=0; jvmargs=()
pos=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --jvm-opt) jvmargs+=(--jvm-opt "$2"); shift 2 ;;
    --no-heap-floor) jvmargs+=(--no-heap-floor); shift ;;
    -h|--help) sed -n 2,14p "$0"; exit 0 ;;
    *) if [ $pos -eq 0 ]; then workload=$1; else peer=$1; fi; pos=$((pos + 1)); shift ;;
  esac
done
case "$workload" in
  all) list="W3 W4 W5" ;;
  W1|W2|W3|W4|W5) list=$workload ;;
  *) echo "unknown workload $workload" >&2; exit 2 ;;
esac
[ -f "$jar" ] || { echo "missing $jar: run (cd $repo && mvn -q -o -pl bench package)" >&2; exit 2; }
out=${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/syncline-compare.XXXXXX")}
mkdir -p "$out"
rowargs=(); [ -n "$rows" ] && rowargs=(--rows "$rows")
: > "$out/syncline.jsonl"; : > "$out/peer.jsonl"

for w in $list; do
  echo "== $w syncline (runs $runs)" >&2
  java -jar "$jar" "$w" --runs "$runs" --warmup "$warmup" "${rowargs[@]}" "${jvmargs[@]}" | tee -a "$out/syncline.jsonl" >&2 || true
  echo "== $w $peer (runs $runs)" >&2
  raw="$peers_dir/results/raw.jsonl"
  before=0; [ -f "$raw" ] && before=$(wc -l < "$raw")
  "$peers_script" "$w" "$peer" --runs "$runs" "${rowargs[@]}" > "$out/peer-$w.log" 2>&1 || echo "peer $peer $w failed, see $out/peer-$w.log" >&2
  # run.mjs truncates its stdout lines; the full records are appended to results/raw.jsonl
  [ -f "$raw" ] && tail -n +"$((before + 1))" "$raw" >> "$out/peer.jsonl"
done

echo "== results in $out" >&2
node - "$out/syncline.jsonl" "$out/peer.jsonl" "$peer" <<'JS'
const fs = require('fs')
const [ours, theirs, peer] = process.argv.slice(2)
const read = (f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((r) => !r.error)
const S = read(ours); const P = read(theirs)
// with a heap floor (-Xms) the heap's pages stay resident from before the baseline: no RSS figure
const floored = S.filter((r) => (r.jvmArgs || []).some((a) => a.startsWith('-Xms')) && r.W1 && r.W1.mem)
for (const r of floored) delete r.W1.mem.rssMB
// heap bytes per live cell on the peers' own baseline (after the op arrays were generated)
for (const r of [...S, ...P]) if (r.W1 && r.W1.mem && r.W1.content) r.W1.bytesPerCellDerived = r.W1.mem.heapUsedMB * 1048576 / r.W1.content.cells
const get = (o, p) => p.split('.').reduce((x, k) => (x == null ? undefined : x[k]), o)
const firstKey = (o, p) => { const v = get(o, p); return v && typeof v === 'object' ? Object.keys(v).find((k) => typeof v[k] === 'object' && k !== 'content') : undefined }
const median = (a) => { const s = [...a].sort((x, y) => x - y); const n = s.length; return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : undefined }
// path may contain {m}: the record's first delta / pair method (syncline "vv", yjs "sv", ...)
const all = (recs, w, path, methodAt) => recs.filter((r) => r.workload === w).map((r) => {
  const m = methodAt ? firstKey(r, methodAt) : ''
  return get(r, path.replace('{m}', m))
}).filter((v) => typeof v === 'number')
const val = (recs, w, path, methodAt) => median(all(recs, w, path, methodAt))
// "median (min..max)" when the runs differ
const range = (recs, w, path, methodAt) => {
  if (w === 'W3' && !/^W3/.test(path)) for (const ww of ['W3', 'W2', 'W1']) { const a = all(recs, ww, path, methodAt); if (a.length) return a }
  return all(recs, w, path, methodAt)
}
const fmtR = (a) => { if (!a.length) return '–'; const mn = Math.min(...a); const mx = Math.max(...a); return mn === mx ? fmt(mn) : `${fmt(median(a))} (${fmt(mn)}..${fmt(mx)})` }
const fmt = (v) => v === undefined ? '–' : (Math.abs(v) >= 100 || Number.isInteger(v)) ? Math.round(v).toLocaleString('en-US') : v.toFixed(Math.abs(v) >= 10 ? 1 : 3)
const rows = [
  ['W1 total ms', 'W3', 'W1.totalMs', null, 'low'],
  ['W1 ops/s', 'W3', 'W1.opsPerSec', null, 'high'],
  ['W1 heap after GC, MB (Δ vs. baseline after generation)', 'W3', 'W1.mem.heapUsedMB', null, 'low'],
  ['W1 heap bytes per live cell (same baseline)', 'W3', 'W1.bytesPerCellDerived', null, 'low'],
  ['W1 heap bytes per live cell, baseline before generation (syncline only)', 'W3', 'W1.heapBytesPerCellVsEmpty', null, 'low'],
  ['W1 RSS Δ, MB', 'W3', 'W1.mem.rssMB', null, 'low'],
  ['W1/W2 full-state bytes', 'W3', 'W2.bytes', null, 'low'],
  ['W2 encode ms', 'W3', 'W2.encodeMs', null, 'low'],
  ['W2 apply ms', 'W3', 'W2.applyMs', null, 'low'],
  ['W3 A local writes ms (1,000 tx)', 'W3', 'W3.{m}.localWriteMs', 'W3', 'low'],
  ['W3 delta compute ms', 'W3', 'W3.{m}.computeMs', 'W3', 'low'],
  ['W3 delta apply ms', 'W3', 'W3.{m}.applyMs', 'W3', 'low'],
  ['W3 delta bytes, all messages', 'W3', 'W3.{m}.bytes', 'W3', 'low'],
  ['W3 changes in the delta (syncline only)', 'W3', 'W3.{m}.changes', 'W3', 'low'],
  ['W4 writes ms (10,000 tx)', 'W4', 'W4.writeMs', null, 'low'],
  ['W4 (a) per-tx updates, total bytes', 'W4', 'W4.perTx.bytes', null, 'low'],
  ['W4 (b) one delta after 10,000, bytes', 'W4', 'W4.delta.{m}.bytes', 'W4.delta', 'low'],
  ['W4 (b) changes in that delta (syncline only)', 'W4', 'W4.delta.{m}.changes', 'W4.delta', 'low'],
  ['W4 full state after, bytes', 'W4', 'W4.fullStateBytesAfter', null, 'low'],
  ['W5 writes ms', 'W5', 'W5.writeMs', null, 'low'],
  ['W5 converge ms', 'W5', 'W5.{m}.convergeMs', 'W5', 'low'],
  ['W5 rounds', 'W5', 'W5.{m}.rounds', 'W5', 'low'],
  ['W5 bytes exchanged', 'W5', 'W5.{m}.bytes', 'W5', 'low'],
  ['W5 messages', 'W5', 'W5.{m}.messages', 'W5', 'low']
]
// W1/W2 rows come from whichever of W1/W2/W3 was run
const pick = (recs, w, path, m) => {
  if (w === 'W3' && !/^W3/.test(path)) for (const ww of ['W3', 'W2', 'W1']) { const v = val(recs, ww, path, m); if (v !== undefined) return v }
  return val(recs, w, path, m)
}
console.log(`| metric: median (min..max) | syncline | ${peer} | syncline better by, medians (×; <1 = worse) |`)
console.log('|---|---|---|---|')
for (const [label, w, path, m, better] of rows) {
  const a = pick(S, w, path, m); const b = pick(P, w, path, m)
  if (a === undefined && b === undefined) continue
  const ratio = a !== undefined && b !== undefined && a !== 0 && b !== 0 ? (better === 'high' ? a / b : b / a) : undefined
  console.log(`| ${label} | ${fmtR(range(S, w, path, m))} | ${fmtR(range(P, w, path, m))} | ${ratio === undefined ? '–' : ratio.toFixed(2) + '×'} |`)
}
const eq = (recs) => { const f = recs.flatMap((r) => JSON.stringify(r).match(/"equal":(true|false)/g) || []); return `${f.filter((x) => x.endsWith('true')).length}/${f.length} equal flags true` }
console.log(`\nverification: syncline ${eq(S)} (${S.length} runs); ${peer} ${eq(P)} (${P.length} runs)`)
const dig = (recs) => [...new Set(recs.map((r) => [r.w1OpsDigest, r.w3OpsDigest, r.baseDigest].filter(Boolean).join('/')))].join(' ')
console.log(`op digests: syncline ${dig(S)}; ${peer} ${dig(P)}`)
if (floored.length) console.log('W1 RSS Δ: not shown for syncline runs with a heap floor (-Xms), whose heap stays resident')
JS
