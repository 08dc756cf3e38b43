//! Long-lived forks of the CLI (the monitor, the user-namespace keeper)
//! shed the memory they only needed to get going.
//!
//! A monitor did the heavy work itself (reading the image, compiling the
//! seccomp filter, mounting), which left pages of code and heap mapped
//! that its relay loop never touches again. Shedding returns free heap to
//! the kernel and drops the page table entries of read-only file mappings
//! that hold no private pages (those pages stay in the page cache, shared
//! with every other process using the file, and fault back in when
//! needed, as after a `--restart`) and of the stack far below the current
//! frame.

use std::io::{BufRead, BufReader};

/// Returns what can be returned; failures only leave memory mapped.
pub fn shed_startup_memory() {
    // SAFETY: malloc_trim only returns free heap memory to the kernel.
    unsafe { libc::malloc_trim(0) };
    let Ok(smaps) = std::fs::File::open("/proc/self/smaps") else {
        return;
    };
    // A mapping's private pages show as `Anonymous:` while in memory and
    // as `Swap:` (the later field) once swapped out: only with neither
    // are all its pages the file's own.
    let mut current: Option<Mapping> = None;
    let mut unmodified = false;
    for line in BufReader::new(smaps).lines().map_while(Result::ok) {
        if let Some(mapping) = Mapping::parse_header(&line) {
            current = Some(mapping);
        } else if let Some(anonymous) = line.strip_prefix("Anonymous:") {
            unmodified = anonymous.trim() == "0 kB";
        } else if let Some(swap) = line.strip_prefix("Swap:")
            && let Some(mapping) = current.take()
        {
            match mapping.kind {
                Kind::ReadOnlyFile if unmodified && swap.trim() == "0 kB" => {
                    // SAFETY: a whole mapping of unmodified file pages:
                    // they fault back in from the file unchanged.
                    unsafe { drop_pages(mapping.start, mapping.end) };
                }
                Kind::Stack => drop_stack_below_here(mapping.start, mapping.end),
                _ => {}
            }
        }
    }
}

/// Stack pages deep below the current frame were touched by the CLI's
/// work and are dead: nothing lives below the stack pointer.
#[inline(never)]
fn drop_stack_below_here(stack_start: usize, stack_end: usize) {
    let here = 0u8;
    let frame = std::hint::black_box(&here) as *const u8 as usize;
    if !(stack_start..stack_end).contains(&frame) {
        return;
    }
    // Well below this frame, so that the calls still to come keep theirs.
    let end = frame.saturating_sub(SPARE_STACK) & !(page_size() - 1);
    if end > stack_start {
        // SAFETY: the range lies below every live frame of this thread
        // (the only one); it reads as zeroes when touched again.
        unsafe { drop_pages(stack_start, end) };
    }
}

/// Stack kept below the frame that sheds memory.
const SPARE_STACK: usize = 32 * 1024;

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(size).unwrap_or(4096)
}

/// # Safety
/// The pages of `start..end` must hold nothing this process still needs
/// but what the file behind them holds.
unsafe fn drop_pages(start: usize, end: usize) {
    // SAFETY: the caller's promise; MADV_DONTNEED only unmaps.
    unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED) };
}

/// A mapping worth shedding, from a `/proc/self/smaps` header line.
#[derive(Debug, PartialEq, Eq)]
struct Mapping {
    start: usize,
    end: usize,
    kind: Kind,
}

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    /// A private, never writable mapping of a file by path.
    ReadOnlyFile,
    /// The main thread's stack.
    Stack,
}

impl Mapping {
    /// `start-end perms offset dev inode [path]`; `None` for mappings that
    /// are neither kind (and for the other lines of smaps).
    fn parse_header(line: &str) -> Option<Self> {
        let mut fields = line.split_whitespace();
        let (start, end) = fields.next()?.split_once('-')?;
        let start = usize::from_str_radix(start, 16).ok()?;
        let end = usize::from_str_radix(end, 16).ok()?;
        let perms = fields.next()?;
        let path = fields.nth(3)?;
        let read_only_private = perms.len() == 4 && !perms.contains('w') && perms.ends_with('p');
        let kind = if path == "[stack]" {
            Kind::Stack
        } else if read_only_private && path.starts_with('/') {
            Kind::ReadOnlyFile
        } else {
            return None;
        };
        Some(Self { start, end, kind })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_private_file_mappings_and_the_stack_qualify() {
        let text = "5581c2a00000-5581c2f00000 r-xp 00100000 fe:01 123 /usr/bin/rpod";
        let mapping = Mapping {
            start: 0x5581c2a00000,
            end: 0x5581c2f00000,
            kind: Kind::ReadOnlyFile,
        };
        assert_eq!(Mapping::parse_header(text), Some(mapping));
        let stack = "7ffd56a70000-7ffd56a98000 rw-p 00000000 00:00 0 [stack]";
        assert_eq!(Mapping::parse_header(stack).unwrap().kind, Kind::Stack);
        for other in [
            "5581c2f00000-5581c2f10000 rw-p 00600000 fe:01 123 /usr/bin/rpod",
            "7ffd1000-7ffd2000 r-xp 00000000 00:00 0 [vdso]",
            "7f0000000000-7f0000001000 r--s 00000000 00:05 9 /dev/shm/x",
            "7f0000000000-7f0000021000 rw-p 00000000 00:00 0",
            "Rss:                 512 kB",
        ] {
            assert!(Mapping::parse_header(other).is_none(), "{other}");
        }
    }
}
