//! A pseudo-terminal for tests of `-t`: `script` runs a shell command on
//! a fresh pty; the test reads what appears on it and types into it.

use super::TestEnv;
use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Terminal {
    child: Child,
    input: Option<ChildStdin>,
    screen: Arc<Mutex<Vec<u8>>>,
}

/// How long a test waits for text before it gives up (a hang guard, not
/// a timing assertion).
const PATIENCE: Duration = Duration::from_secs(60);

impl Terminal {
    /// Runs `command` (a shell command line; `rpod` is the binary under
    /// test) on a terminal of 27 rows and 91 columns.
    pub fn spawn(env: &TestEnv, command: &str) -> Self {
        let command = command.replace("rpod ", &format!("{} ", super::binary().display()));
        let mut child = env
            .command("script")
            .args([
                "-qfec",
                &format!("stty rows 27 cols 91; {command}"),
                "/dev/null",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run script");
        let mut output = child.stdout.take().unwrap();
        let screen = Arc::new(Mutex::new(Vec::new()));
        let shared = screen.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = output.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                shared.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        });
        let input = child.stdin.take();
        Terminal {
            child,
            input,
            screen,
        }
    }

    /// Everything shown so far, carriage returns removed.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap()).replace('\r', "")
    }

    /// Waits until `text` has appeared on the terminal.
    pub fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + PATIENCE;
        while !self.screen().contains(text) {
            assert!(
                Instant::now() < deadline,
                "{text:?} never appeared; the terminal shows:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `text` on the terminal.
    pub fn type_text(&mut self, text: &str) {
        let input = self.input.as_mut().expect("terminal input");
        input.write_all(text.as_bytes()).unwrap();
        input.flush().unwrap();
    }

    /// Waits for the command to end; returns its exit code.
    pub fn wait(&mut self) -> Option<i32> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                drop(self.input.take());
                return status.code();
            }
            assert!(
                Instant::now() < deadline,
                "the command never ended; the terminal shows:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
