//! Who made a hidden folder of an output folder, and whether that process is still running
//! (part of [`super`], the sweep of debris; hostile round 7 finding 4).
//!
//! A process id alone does not name a process: after a SIGKILL, an OOM kill or a container
//! restart (where ids start again from 1) the id of a dead run often belongs to an unrelated
//! live process. Its folders then counted as being written: a moved-aside result stayed
//! hidden, and once that other process ended, the sweep took a result written since by a run
//! without `--force` for the end of a replacement and deleted the older one. A hidden name
//! therefore carries the owner's start time (field 22 of `/proc/<pid>/stat`, clock ticks
//! since boot) and the start of the boot id (`/proc/sys/kernel/random/boot_id`): a live
//! process with that id but another start time, or any process after a reboot, is not the
//! owner. Names written by older versions carry the id alone and are judged by it, as before.

use std::fs;
use std::sync::OnceLock;

/// The process that made a hidden folder, as the folder's name records it: `<pid>`
/// (versions before hostile round 7 finding 4, or a system without `/proc`) or
/// `<pid>_<start>_<boot>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Owner {
    pub pid: u32,
    /// Start time in clock ticks since boot, and the first 8 hex digits of the boot id.
    id: Option<(u64, String)>,
}

/// Hex digits of the boot id kept in a name: names stay within 255 bytes for a 200-byte
/// result name, and a clash also needs the same start time.
const BOOT_DIGITS: usize = 8;

impl Owner {
    /// This process.
    pub fn me() -> &'static Owner {
        static ME: OnceLock<Owner> = OnceLock::new();
        ME.get_or_init(|| {
            let pid = std::process::id();
            let id = start_time(pid).zip(boot_id());
            Owner { pid, id }
        })
    }

    /// An owner known by its process id alone, as older names record it.
    #[cfg(test)]
    pub fn legacy(pid: u32) -> Owner {
        Owner { pid, id: None }
    }

    /// An owner with an explicit start time and boot id (tests build dead owners with it).
    #[cfg(test)]
    pub fn with_id(pid: u32, start: u64, boot: &str) -> Owner {
        Owner {
            pid,
            id: Some((start, boot.to_string())),
        }
    }

    /// What a hidden name holds after its `-`: `<pid>` or `<pid>_<start>_<boot>`.
    pub fn tag(&self) -> String {
        match &self.id {
            Some((start, boot)) => format!("{}_{start}_{boot}", self.pid),
            None => self.pid.to_string(),
        }
    }

    /// The inverse of [`Owner::tag`].
    pub fn parse(tag: &str) -> Option<Owner> {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let mut parts = tag.split('_');
        let pid = parts.next().filter(|p| digits(p))?.parse().ok()?;
        match (parts.next(), parts.next(), parts.next()) {
            (None, _, _) => Some(Owner { pid, id: None }),
            (Some(start), Some(boot), None) if digits(start) && is_boot(boot) => Some(Owner {
                pid,
                id: Some((start.parse().ok()?, boot.to_string())),
            }),
            _ => None,
        }
    }

    /// Whether the owner is no longer running: no process has its id, that process is a
    /// zombie (D149), or, where the name records them, it started at another time or in
    /// another boot (then it is another process that reuses the id).
    #[cfg(unix)]
    pub fn gone(&self) -> bool {
        let Ok(p) = libc::pid_t::try_from(self.pid) else {
            return true;
        };
        if p <= 0 {
            return true; // 0 and negative ids name process groups, never one process
        }
        // SAFETY: signal 0 only checks that the process exists.
        if unsafe { libc::kill(p, 0) } != 0 {
            return std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        }
        let Some((state, start)) = stat(self.pid) else {
            return false; // no /proc: the id is all there is to go by
        };
        if state == "Z" || state == "X" {
            return true;
        }
        let Some((made_at, boot)) = &self.id else {
            return false;
        };
        *made_at != start || boot_id().is_some_and(|now| now != *boot)
    }

    #[cfg(not(unix))]
    pub fn gone(&self) -> bool {
        false
    }
}

fn is_boot(s: &str) -> bool {
    s.len() == BOOT_DIGITS
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The first hex digits of this boot's id, or `None` without `/proc`.
fn boot_id() -> Option<String> {
    static BOOT: OnceLock<Option<String>> = OnceLock::new();
    BOOT.get_or_init(|| {
        let text = fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
        let hex: String = text
            .chars()
            .filter(char::is_ascii_hexdigit)
            .map(|c| c.to_ascii_lowercase())
            .take(BOOT_DIGITS)
            .collect();
        is_boot(&hex).then_some(hex)
    })
    .clone()
}

fn start_time(pid: u32) -> Option<u64> {
    stat(pid).map(|(_, start)| start)
}

/// The state and start time of `pid` from `/proc/<pid>/stat`.
fn stat(pid: u32) -> Option<(String, u64)> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ...`: comm may hold spaces and parentheses; the state (field 3)
    // follows the last `)`, and the start time is field 22.
    let (_, rest) = text.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some((fields.first()?.to_string(), fields.get(19)?.parse().ok()?))
}

/// Whether `pid` has exited and not yet been reaped; false without `/proc`.
#[cfg(test)]
pub fn zombie(pid: u32) -> bool {
    stat(pid).is_some_and(|(state, _)| state == "Z" || state == "X")
}
