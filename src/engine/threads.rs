//! How many worker threads a run uses (D148). The tool decides: the number asked for
//! (`--threads`, [`super::run::RunOptions::threads`]), else the cores available to the
//! process; either capped to 1 to [`MAX_THREADS`]. Every thread pool of the crate is built
//! here with that number, never 0, so rayon's own default, which reads the environment
//! variable `RAYON_NUM_THREADS` unchecked (3000 threads, or a panic at 100,000), is never
//! used: `RAYON_NUM_THREADS` has no effect on sanctions-sim.

/// Most worker threads of any pool: the limit `--threads` states.
pub const MAX_THREADS: usize = 1024;

/// The thread count for `requested` threads: `requested` itself (at most [`MAX_THREADS`]),
/// or for 0 the cores available to this process (`std::thread::available_parallelism`,
/// which follows CPU affinity and cgroup quotas), at most [`MAX_THREADS`]; at least 1.
pub fn resolve(requested: usize) -> usize {
    let n = if requested == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        requested
    };
    n.clamp(1, MAX_THREADS)
}

/// A pool of [`resolve`]`(requested)` worker threads. A failure to start them (a process or
/// memory limit) is an error for the caller to report, never a panic.
pub fn pool(requested: usize) -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(resolve(requested))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_is_always_in_range() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(resolve(0), cores.clamp(1, MAX_THREADS));
        assert_eq!(resolve(3), 3);
        assert_eq!(resolve(MAX_THREADS), MAX_THREADS);
        assert_eq!(resolve(100_000), MAX_THREADS);
        assert_eq!(pool(2).unwrap().current_num_threads(), 2);
    }
}
