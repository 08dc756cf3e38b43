//! man/ and completions/ are generated from the clap definitions and
//! committed; this test fails when they are stale. Regenerate with
//! `RPOD_REGENERATE=1 cargo test --test generated_docs`.

use clap::CommandFactory;
use std::collections::BTreeMap;
use std::path::Path;

/// Every generated file: relative path -> content.
fn generated() -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let command = rpod::cli::Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut buf)
        .unwrap();
    files.insert("man/rpod.1".to_string(), buf);
    man_pages(&command, "rpod", &mut files);
    for (shell, file) in [
        (clap_complete::Shell::Bash, "completions/rpod.bash"),
        (clap_complete::Shell::Zsh, "completions/_rpod"),
        (clap_complete::Shell::Fish, "completions/rpod.fish"),
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut command.clone(), "rpod", &mut buf);
        files.insert(file.to_string(), buf);
    }
    files
}

fn man_pages(command: &clap::Command, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) {
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("{prefix}-{}", sub.get_name());
        let mut buf = Vec::new();
        let page = sub
            .clone()
            .name(name.clone())
            .bin_name(name.clone())
            .display_name(name.replace('-', " "));
        clap_mangen::Man::new(page).render(&mut buf).unwrap();
        files.insert(format!("man/{name}.1"), buf);
        // A group's subcommands are defined when it is built (deferred);
        // clap's `help` subcommand gets no page.
        let mut group = sub.clone().disable_help_subcommand(true);
        group.build();
        man_pages(&group, &name, files);
    }
}

#[test]
fn man_pages_and_completions_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = generated();
    if std::env::var_os("RPOD_REGENERATE").is_some() {
        for dir in ["man", "completions"] {
            let _ = std::fs::remove_dir_all(root.join(dir));
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for (path, content) in &files {
            std::fs::write(root.join(path), content).unwrap();
        }
        return;
    }
    let mut stale = Vec::new();
    for (path, content) in &files {
        if std::fs::read(root.join(path)).ok().as_ref() != Some(content) {
            stale.push(path.clone());
        }
    }
    for dir in ["man", "completions"] {
        for entry in std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = format!("{dir}/{}", entry.file_name().to_string_lossy());
            if !files.contains_key(&path) {
                stale.push(format!("{path} (no longer generated)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}; run RPOD_REGENERATE=1 cargo test --test generated_docs"
    );
}
