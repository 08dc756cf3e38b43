//! Long-lived forks of the CLI (the monitor, the user-namespace keeper)
//! give back the memory they are not using while they sleep.
//!
//! A monitor did the heavy work itself (reading the image, compiling the
//! seccomp filter, mounting), and each burst of relaying touches more;
//! its sleeping loop needs almost none of it. Shedding returns free heap
//! to the kernel and drops the page table entries of read-only file
//! mappings that hold no private pages (those pages stay in the page
//! cache, shared with every other process using the file, and fault back
//! in when needed) and of the stack below the current frame.

use std::io::{BufRead, BufReader};
use std::ops::Range;

/// What a long-lived process can give back, surveyed right before it is
/// given back (a mapping surveyed earlier may have gone since, and its
/// addresses been reused).
pub struct Shedding {
    /// Read-only file mappings that hold no private pages.
    file_pages: Vec<Range<usize>>,
    /// The main thread's stack, as it was when surveyed.
    stack: Option<Range<usize>>,
    /// Asked once: the asking would fault code back in after a drop.
    page_size: usize,
}

impl Shedding {
    /// Reads `/proc/self/smaps`; a failure leaves nothing to shed.
    pub fn survey() -> Self {
        let mut shedding = Self {
            file_pages: Vec::new(),
            stack: None,
            page_size: rustix::param::page_size(),
        };
        let Ok(smaps) = std::fs::File::open("/proc/self/smaps") else {
            return shedding;
        };
        // A mapping's private pages show as `Anonymous:` while in memory
        // and as `Swap:` (the later field) once swapped out: only with
        // neither are all its pages the file's own.
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
                        shedding.file_pages.push(mapping.start..mapping.end);
                    }
                    Kind::Stack => shedding.stack = Some(mapping.start..mapping.end),
                    _ => {}
                }
            }
        }
        shedding
    }

    /// Returns free heap to the kernel and drops the page table entries
    /// of the surveyed file mappings and of the dead stack, then sleeps
    /// in `sleep` (little more than a blocking system call). Whatever
    /// runs after the drop faults back in, whole page-cache folios at a
    /// time: hence one function, so that the way to sleep is short.
    #[inline(never)]
    pub fn shed_then<T>(&self, sleep: impl FnOnce() -> T) -> T {
        // SAFETY: malloc_trim only returns free heap memory to the kernel.
        unsafe { libc::malloc_trim(0) };
        for pages in &self.file_pages {
            // SAFETY: whole mappings of unmodified file pages: they fault
            // back in from the file unchanged.
            unsafe { drop_pages(pages) };
        }
        if let Some(stack) = &self.stack {
            drop_stack_below_here(stack, self.page_size);
        }
        sleep()
    }
}

/// Stack pages below the current frame were touched by earlier work and
/// are dead: nothing lives below the stack pointer.
#[inline(always)]
fn drop_stack_below_here(stack: &Range<usize>, page_size: usize) {
    let here = 0u8;
    let frame = std::hint::black_box(&here) as *const u8 as usize;
    if !stack.contains(&frame) {
        return;
    }
    // Below this frame, so that the calls still to come keep theirs.
    let end = frame.saturating_sub(SPARE_STACK) & !(page_size - 1);
    if end > stack.start {
        // SAFETY: the range lies below every live frame of this thread,
        // the main one (any other thread has a stack of its own); it
        // reads as zeroes when touched again.
        unsafe { drop_pages(&(stack.start..end)) };
    }
}

/// Stack kept below the frame that sheds memory.
const SPARE_STACK: usize = 16 * 1024;

/// # Safety
/// The pages of `pages` must hold nothing this process still needs but
/// what the file behind them holds.
unsafe fn drop_pages(pages: &Range<usize>) {
    // A raw system call, not libc's wrapper: its code would fault back in.
    // SAFETY: the caller's promise; MADV_DONTNEED only unmaps.
    let _ = unsafe {
        rustix::mm::madvise(
            pages.start as *mut std::ffi::c_void,
            pages.len(),
            rustix::mm::Advice::LinuxDontNeed,
        )
    };
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
