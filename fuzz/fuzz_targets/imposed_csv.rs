//! Arbitrary bytes as an imposed Brent series (`[brent] imposed = "<csv>"`): the reader
//! must answer `Ok` with finite positive prices in consecutive months, or a short error,
//! never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sanctions_sim_fuzz::imposed_input(data);
});
