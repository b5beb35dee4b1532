//! Structure-aware scenarios: `arbitrary` builds a scenario from the real keys, levers,
//! parameter names and distribution forms, rendered as TOML, so most inputs get past the
//! parser into value validation, event and tree resolution. Valid ones are simulated for a
//! few months on one path.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sanctions_sim_fuzz::structured::Doc;

fuzz_target!(|doc: Doc| {
    let text = doc.render();
    if let Some(sc) = sanctions_sim_fuzz::load_input(text.as_bytes()) {
        sanctions_sim_fuzz::simulate_briefly(&sc, 6);
    }
});
