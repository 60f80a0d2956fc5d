#!/usr/bin/env bash
# bench-vs-squawk.sh: time `tenantguard lint` against squawk (npm squawk-cli,
# a peer migration linter) on the same generated corpus, in the same run.
#
#   scripts/bench-vs-squawk.sh            # 7 runs each, about 10 MB in 2,000 files
#   RUNS=15 scripts/bench-vs-squawk.sh
#
# The corpus is the benchmark's (lint/ddl/internal/benchcorpus, seeded, so
# every run lints the same bytes), written as INSERT-only seed data: squawk
# reads psql's COPY ... FROM stdin data lines as SQL and reports thousands
# of syntax errors on them, which would time its error reporting rather
# than its linting. squawk is installed into .bench/ (git-ignored) when
# missing and runs with its cheapest reporter (gcc); both tools write to
# /dev/null. The runs alternate (tenantguard, squawk, tenantguard, ...) so
# that on a shared machine both see the same load; the medians of wall
# time and of CPU time (user + system) are reported, with the load
# average. HYPERFINE=1 uses hyperfine instead (when installed), which
# runs one tool's series after the other's.
#
# Environment: RUNS (default 7), SEED (1), FILES (2000), BYTES (10485760),
# SQUAWK_VERSION (2.66.0), BENCH_DIR (default: a temporary folder, removed
# afterwards), COPY=1 to keep the COPY blocks (the Go benchmark's corpus).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
runs=${RUNS:-7}
seed=${SEED:-1}
files=${FILES:-2000}
bytes=${BYTES:-10485760}
squawk_version=${SQUAWK_VERSION:-2.66.0}

die() { echo "bench-vs-squawk: $*" >&2; exit 2; }
command -v go >/dev/null || die "go is not installed"
command -v npm >/dev/null || die "npm is not installed (apt-get install npm)"
case $runs in '' | *[!0-9]* | 0) die "RUNS must be a positive number, not '$runs'" ;; esac

if [ -n "${BENCH_DIR:-}" ]; then
	work=$BENCH_DIR
	mkdir -p "$work"
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi

# squawk, pinned, in a git-ignored folder of the repository.
squawk_dir=$root/.bench/squawk-$squawk_version
squawk=$squawk_dir/node_modules/.bin/squawk
if [ ! -x "$squawk" ]; then
	echo "installing squawk-cli@$squawk_version into ${squawk_dir#"$root"/}" >&2
	mkdir -p "$squawk_dir"
	npm install --silent --no-audit --no-fund --prefix "$squawk_dir" "squawk-cli@$squawk_version" >&2 ||
		die "npm install squawk-cli@$squawk_version failed"
fi
# Call the native binary the npm package ships, not its node wrapper, so
# squawk is not charged for starting node.
native=$(find "$squawk_dir/node_modules/@squawk-cli" -type f -name squawk -perm -u+x 2>/dev/null | head -n 1 || true)
if [ -n "$native" ]; then
	squawk=$native
fi
"$squawk" --version >/dev/null 2>&1 || die "$squawk does not run"

echo "building tenantguard" >&2
go build -o "$work/tenantguard" ./cmd/tenantguard

corpus=$work/corpus
rm -rf "$corpus"
gen_flags=(-o "$corpus" -seed "$seed" -files "$files" -bytes "$bytes")
if [ "${COPY:-0}" != 1 ]; then
	gen_flags+=(-no-copy)
fi
go run ./lint/ddl/internal/benchcorpus/gencorpus "${gen_flags[@]}" >&2
total=$(cat "$corpus"/*.sql | wc -c)

tg_cmd="'$work/tenantguard' lint --no-color '$corpus'"
sq_cmd="'$squawk' --reporter gcc '$corpus'/*.sql"

# A tool that finds problems exits 1; anything else is a failed run.
check() {
	local name=$1 cmd=$2 rc=0
	bash -c "$cmd" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "bench-vs-squawk: $name failed (exit $rc):" >&2
		head -n 5 "$work/$name.err" >&2
		exit 2
	fi
}
check tenantguard "$tg_cmd --format json"
check squawk "$sq_cmd"
read -r tg_findings tg_parse < <(python3 - "$work/tenantguard.out" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
print(len(f), sum(1 for x in f if x["rule"] == "parse-error"))
EOF
)
sq_findings=$(wc -l <"$work/squawk.out")
sq_syntax=$(grep -c 'syntax-error' "$work/squawk.out" || true)
echo "corpus: $(ls "$corpus" | wc -l) files, $total bytes"
echo "tenantguard: $tg_findings findings, $tg_parse parse errors; squawk: $sq_findings issues, $sq_syntax syntax errors"

# MB/s as go test reports it: 10^6 bytes per second.
mbps() { awk -v b="$total" -v s="$1" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }

load_before=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
tg_cpu='' sq_cpu=''
if [ "${HYPERFINE:-0}" = 1 ] && command -v hyperfine >/dev/null; then
	hyperfine --style basic --warmup 1 --runs "$runs" -i \
		--export-json "$work/hyperfine.json" \
		-n tenantguard "$tg_cmd >/dev/null" \
		-n squawk "$sq_cmd >/dev/null" >&2
	read -r tg sq < <(python3 - "$work/hyperfine.json" <<'EOF'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print(r["tenantguard"], r["squawk"])
EOF
	)
else
	# Alternating runs; bash's time gives wall and CPU (user + system,
	# children included) of each.
	: >"$work/tg.times"
	: >"$work/sq.times"
	TIMEFORMAT='%R %U %S'
	bash -c "$tg_cmd" >/dev/null 2>&1 || true # warm-up: page cache, binaries
	for _ in $(seq "$runs"); do
		{ time bash -c "$tg_cmd" >/dev/null 2>&1; } 2>>"$work/tg.times" || true
		{ time bash -c "$sq_cmd" >/dev/null 2>&1; } 2>>"$work/sq.times" || true
	done
	tg=$(cut -d' ' -f1 "$work/tg.times" | median)
	sq=$(cut -d' ' -f1 "$work/sq.times" | median)
	tg_cpu=$(awk '{ print $2 + $3 }' "$work/tg.times" | median)
	sq_cpu=$(awk '{ print $2 + $3 }' "$work/sq.times" | median)
fi
load_after=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')

cpu() { if [ -n "$1" ]; then printf '  (CPU %.2f s)' "$1"; fi; }
printf '%-12s median %6.3f s  %6s MB/s%s\n' tenantguard "$tg" "$(mbps "$tg")" "$(cpu "$tg_cpu")"
printf '%-12s median %6.3f s  %6s MB/s%s\n' squawk "$sq" "$(mbps "$sq")" "$(cpu "$sq_cpu")"
awk -v t="$tg" -v s="$sq" 'BEGIN { printf "tenantguard takes %.0f%% of squawk'"'"'s time (%d runs each, %d cores)\n", 100 * t / s, '"$runs"', '"$(nproc)"' }'
# Other work on the machine slows both tools, tenantguard (which uses
# every core) more than squawk (one): say how busy the machine was.
echo "load average (1 min): $load_before before, $load_after after"
