#!/usr/bin/env bash
# Fuzzes the CTI line decoder and message parser (`ctid_proto_cti::fuzz_parse`) for a bounded
# time: scripts/fuzz-cti.sh [SECONDS]  (default 60).
#
# cargo-fuzz drives libFuzzer and needs unstable compiler flags (-Zsanitizer=address, ...). On
# the stable toolchain they are allowed by RUSTC_BOOTSTRAP=1, which this script sets; set
# FUZZ_TOOLCHAIN=nightly to use a nightly toolchain instead. The fuzz crate lives in fuzz/, outside
# the workspace, with its own target directory. Crashes land in fuzz/artifacts/cti_parse/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
case "$seconds" in
    '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

if ! cargo fuzz --help >/dev/null 2>&1; then
    echo "installing cargo-fuzz from crates.io"
    cargo install cargo-fuzz --locked
fi

toolchain=()
if [ -n "${FUZZ_TOOLCHAIN:-}" ]; then
    toolchain=("+${FUZZ_TOOLCHAIN}")
else
    export RUSTC_BOOTSTRAP=1
fi

corpus=fuzz/corpus/cti_parse
mkdir -p "$corpus"
cp -n fuzz/seeds/cti_parse/* "$corpus"/ 2>/dev/null || true

# -max_len covers lines longer than the decoder's 4 KiB test limit; -timeout flags hangs.
cargo "${toolchain[@]}" fuzz run cti_parse "$corpus" -- \
    -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
