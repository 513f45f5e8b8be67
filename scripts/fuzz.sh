#!/usr/bin/env bash
# Fuzzes one target of fuzz/ for a bounded time: scripts/fuzz.sh TARGET [SECONDS]  (default 60).
# Targets: cti_parse (the CTI line decoder and message parser, `ctid_proto_cti::fuzz_parse`),
# xuc_parse (the XuC WebSocket frame decoder and command parser, `ctid_proto_xuc::fuzz_parse`),
# ami_codec (the Asterisk Manager Interface decoder and encoder, `ctid_pbx_ami::fuzz_decode`).
#
# cargo-fuzz drives libFuzzer and needs unstable compiler flags (-Zsanitizer=address, ...). On
# the stable toolchain they are allowed by RUSTC_BOOTSTRAP=1, which this script sets; set
# FUZZ_TOOLCHAIN=nightly to use a nightly toolchain instead. The fuzz crate lives in fuzz/, outside
# the workspace, with its own target directory. The corpus grows in fuzz/corpus/TARGET (seeded
# from fuzz/seeds/TARGET); crashes land in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: $0 TARGET [SECONDS]   (targets: cti_parse, xuc_parse, ami_codec)" >&2; exit 2; }
target="${1:-}"
seconds="${2:-60}"
case "$target" in
    cti_parse | xuc_parse | ami_codec) ;;
    *) usage ;;
esac
case "$seconds" in
    '' | *[!0-9]*) usage ;;
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

corpus="fuzz/corpus/$target"
mkdir -p "$corpus"
cp -n "fuzz/seeds/$target"/* "$corpus"/ 2>/dev/null || true

# -max_len covers lines and frames longer than the harnesses' limits (4 KiB for CTI lines, up to
# 1020 bytes for XuC messages); -timeout flags hangs.
cargo "${toolchain[@]}" fuzz run "$target" "$corpus" -- \
    -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
