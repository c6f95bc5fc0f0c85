#!/usr/bin/env bash
# Builds the libFuzzer harnesses in fuzz/ and runs them.
#
#   ci/fuzz.sh [--seconds N] [--replay] [harness...]
#
# harness: fdt elf cpio bootargs (default: all). Each is built into
# build/fuzz/ with clang (clang-14 or clang) -fsanitize=fuzzer,address,undefined
# and run for N seconds (default 10) over its seeds: fuzz/corpus/<name>/,
# fuzz/regressions/<name>/ and seeds made here in build/fuzz/seeds/<name>/
# (dtc-compiled dts/*.dts and payload/tests/data/*.dtb for fdt; a Go program
# shrunk by fuzz/elf_shrink.py for elf). New corpus entries go to
# build/fuzz/work/<name>/, crashers to fuzz/regressions/<name>/.
#
# --replay runs each harness once over its committed corpus, its regressions
# (and, for fdt, the dtbs above) without fuzzing: fast, for `make test`.
#
# Prints one line per harness and "N passed, N failed"; exits 1 if any failed.
# FUZZ_CFLAGS adds compiler flags (e.g. -DFUZZ_STRICT_ERR, see fuzz/fuzz.h).
set -uo pipefail

cd "$(dirname "$0")/.."

seconds=10
replay=0
names=()
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds)
		[ $# -ge 2 ] || { echo "fuzz: --seconds needs a number" >&2; exit 2; }
		seconds="$2"
		shift 2
		;;
	--seconds=*)
		seconds="${1#--seconds=}"
		shift
		;;
	--replay)
		replay=1
		shift
		;;
	-h|--help)
		sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "fuzz: unknown option $1 (usage: ci/fuzz.sh [--seconds N] [--replay] [harness...])" >&2
		exit 2
		;;
	*)
		names+=("$1")
		shift
		;;
	esac
done
case "$seconds" in
''|*[!0-9]*) echo "fuzz: --seconds wants a whole number, not '$seconds'" >&2; exit 2 ;;
esac
[ ${#names[@]} -gt 0 ] || names=(fdt elf cpio bootargs)

# Per harness: the parser source it fuzzes and the largest input worth trying.
# The parsers are linear, but libFuzzer's mutations slow down with size;
# every committed and generated seed fits.
declare -A src=([fdt]=payload/lib/fdt.c [elf]="payload/lib/elf.c payload/lib/gosym.c" [cpio]=payload/lib/cpio.c [bootargs]=payload/lib/bootargs.c)
declare -A max_len=([fdt]=65536 [elf]=65536 [cpio]=65536 [bootargs]=8192)
for n in "${names[@]}"; do
	if [ -z "${src[$n]:-}" ]; then
		echo "fuzz: no harness '$n' (have: fdt elf cpio bootargs)" >&2
		exit 2
	fi
done

cc=""
for c in clang-14 clang; do
	if command -v "$c" >/dev/null 2>&1; then
		cc="$c"
		break
	fi
done
if [ -z "$cc" ]; then
	echo "fuzz: no clang-14 or clang; run ci/deps.sh (Debian: clang-14 libclang-rt-14-dev)" >&2
	exit 1
fi

out=build/fuzz
mkdir -p "$out/seeds" "$out/work"
cflags=(-std=gnu11 -g -O1 -DGOOSE_HOST -Ipayload -Ifuzz -Wall -Wextra -Werror
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
# Extra flags, e.g. FUZZ_CFLAGS=-DFUZZ_STRICT_ERR (see fuzz/fuzz.h).
read -r -a extra <<<"${FUZZ_CFLAGS:-}"
cflags+=("${extra[@]}")
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

# Seeds made at run time rather than committed.
make_seeds() {
	local n="$1" d="$out/seeds/$1" f tmp
	rm -rf "$d"
	mkdir -p "$d"
	case "$n" in
	fdt)
		cp payload/tests/data/*.dtb "$d/" 2>/dev/null || true
		if command -v dtc >/dev/null 2>&1; then
			for f in dts/*.dts; do
				[ -e "$f" ] || continue
				dtc -q -I dts -O dtb -o "$d/$(basename "$f" .dts).dtb" "$f" 2>/dev/null ||
					echo "fuzz: dtc failed on $f, seed skipped" >&2
			done
		else
			echo "fuzz: no dtc, dts/*.dts not used as seeds" >&2
		fi
		;;
	elf)
		[ "$replay" -eq 1 ] && return 0
		if ! command -v go >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
			echo "fuzz: no go or python3, Go ELF seed skipped" >&2
			return 0
		fi
		tmp="$(mktemp -d)"
		if (cd go-kernel && GOOS=linux GOARCH=riscv64 CGO_ENABLED=0 go build -o "$tmp/hello" ./examples/hello) \
			>"$out/elf-seed.log" 2>&1 &&
			python3 fuzz/elf_shrink.py "$tmp/hello" "$d/hello.shrunk.elf" >>"$out/elf-seed.log" 2>&1; then
			:
		else
			echo "fuzz: building the Go ELF seed failed (see $out/elf-seed.log), skipped" >&2
		fi
		rm -rf "$tmp"
		;;
	esac
}

# Results in ci/report.py's protocol: the plan, a line per harness, the summary.
passed=0
failed=0
echo "plan ${#names[@]}"
for n in "${names[@]}"; do
	bin="$out/fuzz_$n"
	log="$out/$n.log"
	regr="fuzz/regressions/$n"
	mkdir -p "$regr"
	if ! "$cc" "${cflags[@]}" -o "$bin" "fuzz/fuzz_$n.c" ${src[$n]} >"$log" 2>&1; then
		echo "FAIL fuzz/$n: build failed (see $log)"
		sed -n '1,20p' "$log" | sed 's/^/    /'
		failed=$((failed + 1))
		continue
	fi
	make_seeds "$n"

	if [ "$replay" -eq 1 ]; then
		mapfile -t inputs < <(find "fuzz/corpus/$n" "$regr" "$out/seeds/$n" -type f ! -name '.*' ! -name '*.md' 2>/dev/null | LC_ALL=C sort)
		if [ ${#inputs[@]} -eq 0 ]; then
			# The corpus is committed: none means a broken checkout or script.
			echo "FAIL fuzz/$n: no input to replay (fuzz/corpus/$n is empty)"
			failed=$((failed + 1))
			continue
		fi
		if "$bin" -timeout=20 -rss_limit_mb=2048 "${inputs[@]}" >"$log" 2>&1; then
			echo "ok   fuzz/$n  (replayed ${#inputs[@]} inputs, no crash)"
			passed=$((passed + 1))
		else
			bad="$(grep -o '^Running: .*' "$log" | tail -n 1 | sed 's/^Running: //')"
			echo "FAIL fuzz/$n: crash on ${bad:-an input} (log $log)"
			grep -m1 -E '^SUMMARY:|invariant broken' "$log" | sed 's/^/    /'
			failed=$((failed + 1))
		fi
		continue
	fi

	mkdir -p "$out/work/$n"
	start=$(date +%s)
	"$bin" -max_total_time="$seconds" -max_len="${max_len[$n]}" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$regr/" \
		"$out/work/$n" "fuzz/corpus/$n" "$out/seeds/$n" "$regr" >"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
	[ -n "$runs" ] || runs="$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)"
	artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
	if [ "$rc" -eq 0 ] && [ -z "$artifact" ]; then
		echo "ok   fuzz/$n  (${runs:-0} runs in ${took}s, no crash)"
		passed=$((passed + 1))
	else
		if [ -n "$artifact" ]; then
			echo "FAIL fuzz/$n: crash, reproducer $artifact"
		else
			echo "FAIL fuzz/$n: crash (exit $rc, no reproducer written; log $log)"
		fi
		grep -m1 -E '^SUMMARY:|invariant broken' "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
