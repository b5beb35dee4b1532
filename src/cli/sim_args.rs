//! The simulation-size flags that `run`, `compare` and `sensitivity` share (flattened into
//! each command, so every command spells and checks them the same way).

use clap::Args;

#[derive(Debug, Clone, Copy, Default, Args)]
pub struct SimArgs {
    /// Monte Carlo paths (default: the scenario file's; for `compare`, the first file's).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub paths: Option<u64>,
    /// Months to simulate (default: the file's; for `compare`, the shortest horizon).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1200))]
    pub months: Option<u64>,
    /// Random seed (default: the file's; `compare` shares the first file's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
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
