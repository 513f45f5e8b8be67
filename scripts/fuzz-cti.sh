#!/usr/bin/env bash
# Fuzzes the CTI line decoder and message parser: scripts/fuzz-cti.sh [SECONDS] is
# scripts/fuzz.sh cti_parse [SECONDS] (kept for muscle memory).
set -euo pipefail
exec "$(dirname "$0")/fuzz.sh" cti_parse "$@"
