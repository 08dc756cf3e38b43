//! Pull progress as Docker shows it: a bar per layer on a terminal, plain
//! `<layer>: <status>` lines otherwise, and nothing with `-q`.

use crate::reference::Reference;
use crate::registry::pull::{LayerEvent, PullProgress};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;

pub enum PullDisplay {
    Quiet,
    /// Plain lines, on stderr when `to_stderr` (as `run` prints a pull).
    Lines {
        to_stderr: bool,
    },
    Bars {
        multi: MultiProgress,
        bars: Mutex<HashMap<String, ProgressBar>>,
    },
}

impl PullDisplay {
    /// Chooses the display: bars on a terminal that can draw them (not
    /// with TERM unset or `dumb`), lines otherwise. Bars start their
    /// drawing only here, after any fork.
    pub fn new(quiet: bool, to_stderr: bool) -> Self {
        let terminal = if to_stderr {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        };
        let can_draw = std::env::var("TERM").is_ok_and(|t| !t.is_empty() && t != "dumb");
        if quiet {
            Self::Quiet
        } else if terminal && can_draw {
            let target = if to_stderr {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::stdout()
            };
            Self::Bars {
                multi: MultiProgress::with_draw_target(target),
                bars: Mutex::new(HashMap::new()),
            }
        } else {
            Self::Lines { to_stderr }
        }
    }

    /// Prints one line where this display writes.
    pub fn line(&self, line: &str) {
        match self {
            Self::Quiet => {}
            Self::Bars { multi, .. } => {
                let _ = multi.println(line);
            }
            Self::Lines { to_stderr: true } => eprintln!("{line}"),
            Self::Lines { to_stderr: false } => println!("{line}"),
        }
    }

    /// Leaves the final state of every bar on screen.
    pub fn finish(&self) {
        if let Self::Bars { bars, .. } = self {
            for bar in lock(bars).values() {
                if !bar.is_finished() {
                    bar.abandon();
                }
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Docker's 12-digit layer name.
fn short(digest: &str) -> &str {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    &hex[..hex.len().min(12)]
}

impl PullProgress for PullDisplay {
    fn pulling(&self, reference: &Reference) {
        let what = reference
            .digest
            .as_deref()
            .or(reference.tag.as_deref())
            .unwrap_or("latest");
        self.line(&format!("{what}: Pulling from {}", reference.repository));
    }

    fn layer(&self, digest: &str, event: LayerEvent) {
        let id = short(digest);
        match self {
            Self::Quiet => {}
            Self::Lines { .. } => match event {
                LayerEvent::Waiting => self.line(&format!("{id}: Pulling fs layer")),
                LayerEvent::AlreadyExists => self.line(&format!("{id}: Already exists")),
                LayerEvent::Complete => self.line(&format!("{id}: Pull complete")),
                LayerEvent::Downloading { .. } => {}
            },
            Self::Bars { multi, bars } => {
                let mut bars = lock(bars);
                let bar = bars.entry(digest.to_string()).or_insert_with(|| {
                    let bar = multi.add(ProgressBar::new(0));
                    bar.set_style(text_style());
                    bar.set_prefix(id.to_string());
                    bar
                });
                match event {
                    LayerEvent::Waiting => bar.set_message("Waiting"),
                    LayerEvent::Downloading { done, total } => {
                        if bar.length() != Some(total) {
                            bar.set_style(bar_style());
                            bar.set_length(total);
                            bar.set_message("Downloading");
                        }
                        bar.set_position(done);
                    }
                    LayerEvent::AlreadyExists => {
                        bar.set_style(text_style());
                        bar.finish_with_message("Already exists");
                    }
                    LayerEvent::Complete => {
                        bar.set_style(text_style());
                        bar.finish_with_message("Pull complete");
                    }
                }
            }
        }
    }
}

fn text_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix}: {msg}").unwrap_or_else(|_| ProgressStyle::default_bar())
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix}: {msg} [{bar:40}] {bytes}/{total_bytes}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}
