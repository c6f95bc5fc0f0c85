#!/usr/bin/env bash
# Static analysis of goose's C: the layering of payload/'s folders (ci/layers.py),
# then cppcheck and clang-tidy-14 over payload/ (every layer folder) and sbi/*.c,
# as the payload is built (riscv64, freestanding, no GOOSE_HOST).
#
#   ci/lint.sh [layers] [cppcheck] [clang-tidy]     (default: all three)
#
# Installs nothing: ci/deps.sh (`make deps`) has the packages cppcheck and
# clang-tidy-14. Configuration: ci/cppcheck.supp (cppcheck's false positives,
# each with its reason), .clang-tidy (the checks, and why some are off), and
# TIDY_SUPPRESS below (clang-tidy's false positives: clang-tidy can only be
# silenced per line by NOLINT comments in the code).
#
# Prints one line per tool, "ok   lint/<tool>  (...)" or "FAIL lint/<tool>:
# N findings (log: ...)" followed by the findings (file:line:col: severity:
# message [check], indented), then "N passed, N failed"; exits 1 when a tool
# failed. Full output (with clang-tidy's notes) goes to build/test-logs/.
set -uo pipefail

cd "$(dirname "$0")/.."

LOGS=build/test-logs
mkdir -p "$LOGS"
FILES=($(find payload -name "*.c" -not -path "payload/tests/*" | LC_ALL=C sort) sbi/*.c)
JOBS=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0

# clang-tidy false positives, as "check regex~file regex~message regex", each with
# its reason. Matched against "file:line:col: warning: message [check]" with
# no line number, so that they survive edits elsewhere.
TIDY_SUPPRESS=(
	# (unsigned long long) casts of uint64_t values, made for printf's %llx:
	# on riscv64 (LP64) both types are 64 bits wide, so "loss of precision
	# before the conversion" cannot happen.
	"bugprone-misplaced-widening-cast~.*~cast from 'unsigned long' to 'unsigned long long' is ineffective"
	# The parsers report errors through printf-like helpers (fdt_err,
	# cpio_err) that always return -1. The analyzer does not inline variadic
	# functions, so it takes `return fdt_err(...)` for a possible 0 (success)
	# and then reads what the failed step never wrote. Remove these two once
	# the helpers' -1 is visible at the call, e.g.
	# `#define fdt_fail(...) (fdt_err(__VA_ARGS__), -1)`.
	"clang-analyzer-core.uninitialized.(Assign|UndefReturn)~payload/lib/fdt.c~(Assigned value|Undefined or garbage value returned)"
	# The same blind spot: past a `return err_line(...)` in fdt_token_read's
	# FDT_PROP case it takes the token for read with its name still NULL, and
	# strcmp()s that name (a path open since fdt_parse goes on to the console
	# in a tree without a memory node).
	"clang-analyzer-unix.cstring.NullArg~payload/lib/fdt.c~Null pointer passed as 1st argument to string comparison function"
	"clang-analyzer-core.uninitialized.Assign~payload/lib/cpio.c~Assigned value is garbage or undefined"
	# fdt_chosen(): `str = &info->bootargs; ... if (str)` tests the address of
	# info's first field, and the analyzer then assumes info may be NULL and
	# follows it into info->rng_seed, info->stdout_path and fdt_prop_u64(&t,
	# &info->initrd_*). info is always the caller's struct (fdt_parse).
	"clang-analyzer-core.NullDereference~payload/lib/fdt.c~loaded from variable '(info|v)'"
	# A struct linux_dirent64: the record (reclen bytes) is zeroed just
	# before, and reclen counts the name's NUL, so the name is terminated.
	"bugprone-not-null-terminated-result~payload/fs/tmpfs.c~the result from calling 'memcpy' is not null-terminated"
	# bootargs_parse(): the first and last branches both make the word an
	# argument (after "--", or a plain word) on purpose.
	"bugprone-branch-clone~payload/lib/bootargs.c~repeated branch in conditional chain"
)

result() { # ok|FAIL name detail findings-file
	if [ "$1" = ok ]; then
		echo "ok   lint/$2  ($3)"
		passed=$((passed + 1))
	else
		echo "FAIL lint/$2: $3"
		[ -n "${4:-}" ] && [ -s "$4" ] && sed 's/^/    /' "$4"
		failed=$((failed + 1))
	fi
}

run_layers() {
	local log="$LOGS/lint-layers.log"
	python3 ci/layers.py >"$log" 2>&1
	if [ $? -eq 0 ] && [ ! -s "$log" ]; then
		result ok layers "payload/'s folders include only their own and lower layers; no file over 1000 lines"
	else
		result FAIL layers "$(wc -l <"$log") problems (ci/layers.py; docs/architecture.md)" "$log"
	fi
}

run_cppcheck() {
	local log="$LOGS/lint-cppcheck.log" found
	if ! command -v cppcheck >/dev/null; then
		result FAIL cppcheck "cppcheck is not installed (make deps)"
		return
	fi
	# -D makes cppcheck check that one configuration: the payload's (GOOSE_HOST
	# is the host unit tests' build, compiled with ASan/UBSan in `make test`).
	# No system headers: goose's freestanding code has only the compiler's.
	# information: for unmatchedSuppression (a suppression nothing needs any
	# more hides the next real finding there); its other messages are noise.
	cppcheck --enable=warning,portability,performance,information --inline-suppr \
		--std=c11 --platform=unix64 --language=c \
		-DGOOSE_VERSION='"lint"' -UGOOSE_HOST -Ipayload -Ibuild/gen -I. \
		--suppressions-list=ci/cppcheck.supp --error-exitcode=1 --quiet \
		-j "$JOBS" --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
		"${FILES[@]}" >"$log" 2>&1
	local status=$?
	found=$(mktemp)
	# (-1: a file's unmatchedSuppression has no line.)
	grep -E '^[^ ]+:-?[0-9]+:[0-9]+: [a-z]+: ' "$log" | grep -vE '\[(missingInclude|missingIncludeSystem|checkersReport)\]$' |
		sort -u >"$found"
	# cppcheck hears of unmatched suppressions only for files it checked.
	grep -vE '^(#|$)' ci/cppcheck.supp | while IFS= read -r entry; do
		[ -e "${entry#*:}" ] || echo "ci/cppcheck.supp: no such file, remove the suppression: $entry"
	done >>"$found"
	local n
	n=$(wc -l <"$found")
	if [ "$status" -eq 0 ] && [ "$n" -eq 0 ]; then
		result ok cppcheck "${#FILES[@]} files"
	elif [ "$n" -eq 0 ]; then
		result FAIL cppcheck "cppcheck exited $status (log: $log)"
	else
		result FAIL cppcheck "$n findings (log: $log)" "$found"
	fi
	rm -f "$found"
}

suppressed() { # finding line -> 0 when a TIDY_SUPPRESS entry covers it (its index in HIT)
	local line="$1" entry check file msg c tags i
	tags="${line##*[}"
	tags="${tags%]}"
	for i in "${!TIDY_SUPPRESS[@]}"; do
		entry="${TIDY_SUPPRESS[$i]}"
		IFS='~' read -r check file msg <<<"$entry"
		[[ "${line%%:*}" =~ ^$file$ ]] || continue
		[[ "$line" =~ $msg ]] || continue
		for c in ${tags//,/ }; do
			[[ "$c" =~ ^$check$ ]] && HIT=$i && return 0
		done
	done
	return 1
}

run_clang_tidy() {
	local log="$LOGS/lint-clang-tidy.log" tidy=clang-tidy-14
	if ! command -v "$tidy" >/dev/null; then
		result FAIL clang-tidy "$tidy is not installed (make deps)"
		return
	fi
	# The payload's flags (Makefile CFLAGS) for clang: riscv64, freestanding,
	# only the compiler's own headers (stdint.h & co., as GCC's for the build).
	# clang 14 knows no zicsr/zifencei in -march: its rv64i includes them.
	local inc
	inc=$(ls -d "$(dirname "$(readlink -f "$(command -v "$tidy")")")"/../lib/clang/*/include 2>/dev/null | head -1)
	local flags=(--target=riscv64-unknown-elf -march=rv64imac -mabi=lp64 -mcmodel=medany
		-std=gnu11 -ffreestanding -fno-common -nostdinc -isystem "$inc" -Ipayload -Ibuild/gen -I.
		-DGOOSE_VERSION='"lint"' -Wall -Wextra -Wno-unused-parameter)
	local out
	out=$(mktemp -d)
	export TIDY_OUT="$out" TIDY="$tidy"
	printf '%s\n' "${FILES[@]}" | xargs -P "$JOBS" -I{} bash -c \
		'f="$1"; shift; "$TIDY" --quiet "$f" -- "$@" >"$TIDY_OUT/$(echo "$f" | tr / _).out" 2>&1; echo $? >"$TIDY_OUT/$(echo "$f" | tr / _).rc"' \
		_ {} "${flags[@]}"
	cat "$out"/*.out >"$log"
	local found raw status_bad=0
	found=$(mktemp)
	raw=$(mktemp)
	# Findings (warnings and compile errors, also those without a place, such
	# as a bad flag), paths relative to the repository; a header's finding
	# comes once, however many files include it.
	grep -E '^([^ ]+:[0-9]+:[0-9]+: )?(warning|error): ' "$log" |
		sed -E "s|^$PWD/||; :a; s|(^\|/)[^/:]+/\.\./|\1|; ta" | sort -u >"$raw"
	local -A used=()
	while IFS= read -r line; do
		if suppressed "$line"; then
			used[$HIT]=1
		else
			echo "$line"
		fi
	done <"$raw" >"$found"
	# A suppression nothing needs any more hides the next real finding there.
	for i in "${!TIDY_SUPPRESS[@]}"; do
		[ -n "${used[$i]:-}" ] || echo "ci/lint.sh: TIDY_SUPPRESS entry matches no finding, remove it: ${TIDY_SUPPRESS[$i]}"
	done >>"$found"
	for rc in "$out"/*.rc; do
		[ "$(cat "$rc")" = 0 ] || status_bad=1
	done
	local n
	n=$(wc -l <"$found")
	if [ "$n" -eq 0 ] && [ "$status_bad" -eq 0 ]; then
		local s
		s=$(($(wc -l <"$raw") - n))
		result ok clang-tidy "${#FILES[@]} files$([ "$s" -gt 0 ] && echo ", $s suppressed")"
	elif [ "$n" -eq 0 ]; then
		result FAIL clang-tidy "clang-tidy failed without a finding (log: $log)"
	else
		result FAIL clang-tidy "$n findings (log: $log)" "$found"
	fi
	rm -rf "$out" "$found" "$raw"
}

tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=(layers cppcheck clang-tidy)
# The headers made from the system-call table (payload/sys/syscalls.tbl).
make -s --no-print-directory gen >/dev/null
# Results in ci/report.py's protocol: the plan, a line per tool, the summary.
echo "plan ${#tools[@]}"
for t in "${tools[@]}"; do
	case "$t" in
	cppcheck) run_cppcheck ;;
	clang-tidy) run_clang_tidy ;;
	layers) run_layers ;;
	*) echo "lint: unknown tool $t (layers, cppcheck, clang-tidy)" >&2; exit 2 ;;
	esac
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
