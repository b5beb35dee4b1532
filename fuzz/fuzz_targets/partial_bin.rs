//! Arbitrary `partial.bin` files, as `merge` reads them: decoding must answer `Ok` or an
//! error, never a panic, an abort or an allocation that the file's size does not justify,
//! whatever its header claims. The first byte chooses the mode: even, the rest is the file
//! as is (so the magic, version and checksum checks are fuzzed); odd, the rest is the part
//! between the version and the checksum, which the harness wraps with a valid magic,
//! version and SHA-256 (as an attacker who read docs/scaling.md would), so the fuzzer
//! reaches the header and body decoders. A partial that decodes is then checked as a set of
//! one and merged into the baseline scenario.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sanctions_sim_fuzz::partial_input(data);
});
