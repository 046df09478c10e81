#!/usr/bin/env bash
# Builds the matrix's Rust filters (this folder's crates) offline with Debian's rustc/cargo and
# crates, exactly as ../shared/peers/rust-sdk-0.2.0/src/build.sh builds the peers' three:
#   apt-get install -y rustc cargo libstd-rust-dev-wasm32 librust-hashbrown-dev librust-log-dev librust-serde-json-dev
# Usage: bench/rust/build.sh [SDK]
#   SDK: proxy-wasm/proxy-wasm-rust-sdk v0.2.0 as a .tar.gz (`git archive v0.2.0`; default: the
#        peers' copy, ../shared/peers/rust-sdk-0.2.0/proxy-wasm-rust-sdk-v0.2.0.tar.gz)
# The .wasm files land beside the crates (bench/rust/NAME.wasm) and are committed, so the bench
# runs on a machine without Rust.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
SDK="${1:-$HERE/../../../shared/peers/rust-sdk-0.2.0/proxy-wasm-rust-sdk-v0.2.0.tar.gz}"
# A fixed build directory, wiped first, and its path remapped: the same inputs give the same bytes.
WORK="${WORK:-/tmp/proxy-wasm-as-bench-rust}"
rm -rf "$WORK"
export PATH=/usr/bin:$PATH RUSTC=/usr/bin/rustc CARGO_HOME="$WORK/cargo-home"
export RUSTFLAGS="--remap-path-prefix=$WORK=/build"
mkdir -p "$WORK/proxy-wasm-rust-sdk" "$WORK/src"
tar -xzf "$SDK" -C "$WORK/proxy-wasm-rust-sdk"
CRATES=(headers-all headers-one body-pass body-append http-call config-json)
cp -r "$HERE/Cargo.toml" "$HERE/.cargo" "${CRATES[@]/#/$HERE/}" "$WORK/src/"
[ -f "$HERE/Cargo.lock" ] && cp "$HERE/Cargo.lock" "$WORK/src/"
cd "$WORK/src"
/usr/bin/cargo build --offline --release --target wasm32-unknown-unknown
for c in "${CRATES[@]}"; do
  cp "target/wasm32-unknown-unknown/release/${c//-/_}.wasm" "$HERE/$c.wasm"
done
[ -f "$HERE/Cargo.lock" ] || cp Cargo.lock "$HERE/Cargo.lock"
ls -l "$HERE"/*.wasm
