//! The simulation-size flags that `run`, `compare` and `sensitivity` share (flattened into
//! each command, so every command spells and checks them the same way). Their help is
//! worded for one scenario file; `compare` rewords it for its own defaults (`mut_arg`), so
//! that each command's `--help` describes only that command.

use clap::Args;

#[derive(Debug, Clone, Copy, Default, Args)]
pub struct SimArgs {
    /// Monte Carlo paths (default: the scenario file's).
    #[arg(long, allow_negative_numbers = true, value_parser = super::values::at_least_1)]
    pub paths: Option<u64>,
    /// Months to simulate (default: the scenario file's).
    #[arg(long, allow_negative_numbers = true, value_parser = super::values::months)]
    pub months: Option<u64>,
    /// Random seed, 0 to 9223372036854775807 as in a scenario file (default: the scenario file's).
    #[arg(long, allow_negative_numbers = true, value_parser = super::values::seed)]
    pub seed: Option<u64>,
    /// Worker threads, 1 to 1024 (default: one per available core, at most 1024;
    /// RAYON_NUM_THREADS is ignored). Results do not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = super::values::threads)]
    pub threads: Option<u64>,
}

impl SimArgs {
    /// Overrides the values taken from the scenario files with the flags given.
    pub fn apply(&self, paths: &mut u64, months: &mut usize, seed: &mut u64, threads: &mut usize) {
        if let Some(p) = self.paths {
            *paths = p;
        }
        if let Some(m) = self.months {
            *months = m as usize;
        }
        if let Some(s) = self.seed {
            *seed = s;
        }
        if let Some(t) = self.threads {
            *threads = t as usize;
        }
    }
}
