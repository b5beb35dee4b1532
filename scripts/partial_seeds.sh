#!/bin/sh
# Regenerates the seeds of the `partial_bin` fuzz target (fuzz/seeds/partial_bin/) with the
# current partial format: run it after any change to `partial.bin` (FORMAT_VERSION, the
# header, the variable list, the derived cells), or the seeds stop decoding and the fuzzer
# starts from nothing. Needs a release build (`cargo build --release`); BIN overrides it.
#
# Each shard gives two seeds; the harness's first byte picks the mode (fuzz/src/lib.rs):
#   <name>_raw   0x00, then the file as is (magic, version and checksum checks fuzzed);
#   <name>_body  0x01, then the bytes between the version and the checksum (the harness
#                adds a valid magic, version and SHA-256, so the fuzzer reaches the decoders).
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/sanctions-sim}
SEEDS=fuzz/seeds/partial_bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name, paths, months, shard, then more flags of `run`
shard() {
    name=$1 paths=$2 months=$3 k=$4
    shift 4
    "$BIN" run scenarios/baseline.toml --paths "$paths" --months "$months" --shard "$k" \
        --quiet --out "$tmp/$name" "$@"
    f=$(ls -d "$tmp/$name"/*.shard-*)/partial.bin
    n=$(wc -c <"$f")
    { printf '\000'; cat "$f"; } >"$SEEDS/${name}_raw"
    { printf '\001'; tail -c +13 "$f" | head -c $((n - 12 - 32)); } >"$SEEDS/${name}_body"
}

rm -f "$SEEDS"/*
# 300 paths are one chunk group, which shard 2/2 holds: shard 1/2 is empty.
shard empty_shard 300 3 1/2
shard exact_8_paths_1_month 8 1 1/1
# A --prob adds indicator cells (the `derived` tail).
shard exact_prob_2_paths_2_months 2 2 1/1 --prob 'brent_usd_bbl>90'
ls -l "$SEEDS"
