#!/bin/sh
# bench/sha256.sh - SHA-256 throughput, portable and SHA-NI (bench/sha256.c).
#   sh bench/sha256.sh [BUILD]
set -eu
BUILD=${1:-build}
"$BUILD/bench/sha256"
