//! Arbitrary bytes as a scenario file: the loader must answer with `Ok` or a diagnostic,
//! never a panic, a hang or unbounded memory.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sanctions_sim_fuzz::load_input(data);
});
