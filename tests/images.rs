//! `images`, `tag`, `rmi`, `image prune`, `inspect` and `history` on a
//! store filled by real pulls.

mod common;

use common::{TestEnv, cells, registry};

fn count(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| d.count())
}

#[test]
fn images_prints_docker_columns_and_formats() {
    let env = TestEnv::new();
    let busybox = env.image("library/busybox:latest");
    let multi = env.image("library/multilayer:latest");
    env.ok(&["pull", "-q", &busybox]);
    env.ok(&["pull", "-q", &multi]);

    let table = env.ok(&["images"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert_eq!(
        cells(lines[0]),
        ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"]
    );
    assert!(lines[0].starts_with("REPOSITORY   "));
    let multi_row = cells(lines.iter().find(|l| l.contains("multilayer")).unwrap());
    assert_eq!(multi_row[0], format!("{}/library/multilayer", registry()));
    assert_eq!(multi_row[1], "latest");
    assert_eq!(multi_row[2].len(), 12);
    assert!(multi_row[3].ends_with("years ago"), "{multi_row:?}");
    assert!(multi_row[4].ends_with("MB"), "{multi_row:?}");

    let names = env.ok(&["images", "--format", "{{.Repository}}:{{.Tag}}"]);
    let mut names: Vec<&str> = names.lines().collect();
    names.sort();
    assert_eq!(names, [busybox.as_str(), multi.as_str()]);

    let custom = env.ok(&["images", "--format", "table {{.Repository}}\t{{.ID}}"]);
    assert_eq!(
        cells(custom.lines().next().unwrap()),
        ["REPOSITORY", "IMAGE ID"]
    );

    for line in env.ok(&["images", "--format", "json"]).lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            row["ID"].as_str().unwrap().len() == 12 && row["Repository"].is_string(),
            "{row}"
        );
    }

    let ids = env.ok(&["images", "-q"]);
    assert_eq!(ids.lines().count(), 2);
    assert!(ids.lines().all(|id| id.len() == 12));
    let full = env.ok(&["images", "-q", "--no-trunc"]);
    assert!(
        full.lines()
            .all(|id| id.starts_with("sha256:") && id.len() == 71),
        "{full}"
    );

    let digests = env.ok(&["images", "--digests"]);
    assert_eq!(
        cells(digests.lines().next().unwrap()),
        ["REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE"]
    );
    assert!(
        digests.lines().skip(1).all(|l| l.contains("sha256:")),
        "{digests}"
    );

    let only = env.ok(&["images", "--format", "{{.Tag}}", &multi]);
    assert_eq!(only, "latest\n");
    let filtered = env.ok(&[
        "images",
        "--filter",
        "reference=*/library/multi*",
        "--format",
        "{{.Repository}}",
    ]);
    assert_eq!(
        filtered.trim(),
        format!("{}/library/multilayer", registry())
    );
    let err = env.fails(&["images", "--filter", "colour=blue"], 125);
    assert!(err.contains("invalid filter"), "{err}");
    let err = env.fails(&["images", "--format", "{{.Nope"], 125);
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn tag_untag_dangling_and_prune() {
    let env = TestEnv::new();
    let busybox = env.image("library/busybox:latest");
    let multi = env.image("library/multilayer:latest");
    let busybox_id = env.ok(&["pull", "-q", &busybox]).trim()[..12].to_string();
    env.ok(&["pull", "-q", &multi]);

    env.ok(&["tag", &busybox, "myimg:1", "example.org/team/tool:v2"]);
    let names = env.ok(&["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"]);
    assert!(names.contains(&format!("myimg:1 {busybox_id}")), "{names}");
    assert!(
        names.contains(&format!("example.org/team/tool:v2 {busybox_id}")),
        "{names}"
    );

    // By ID with several names: refused without --force.
    let err = env.fails(&["rmi", &busybox_id], 125);
    assert!(
        err.contains("several names") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(env.ok(&["rmi", "myimg:1"]), "Untagged: myimg:1\n");
    assert_eq!(
        env.ok(&["rmi", "example.org/team/tool:v2"]),
        "Untagged: example.org/team/tool:v2\n"
    );

    // Moving the busybox name to another image leaves busybox dangling.
    env.ok(&["tag", &multi, &busybox]);
    let dangling = env.ok(&["images", "--filter", "dangling=true", "-q"]);
    assert_eq!(dangling.trim(), busybox_id);
    let row = env.ok(&[
        "images",
        "--filter",
        "dangling=true",
        "--format",
        "{{.Repository}} {{.Tag}}",
    ]);
    // Docker still names the repository the untagged image came from.
    assert_eq!(row, format!("{} <none>\n", env.image("library/busybox")));

    let out = env.ok(&["image", "prune", "-f"]);
    assert!(out.starts_with("Deleted Images:\n"), "{out}");
    assert!(
        out.contains(&format!("deleted: sha256:{busybox_id}")),
        "{out}"
    );
    assert!(
        out.lines()
            .last()
            .unwrap()
            .starts_with("Total reclaimed space: "),
        "{out}"
    );
    // The busybox layer is shared with multilayer, so nothing is freed.
    assert_eq!(out.lines().last().unwrap(), "Total reclaimed space: 0B");
    assert_eq!(env.ok(&["images", "--filter", "dangling=true", "-q"]), "");
    assert_eq!(count(&env.store().join("layers")), 4);

    let out = env.ok(&["image", "prune", "-a", "-f"]);
    assert!(
        out.contains("untagged: ") && out.contains("deleted: sha256:"),
        "{out}"
    );
    assert_eq!(env.ok(&["images", "-q"]), "");
    assert_eq!(count(&env.store().join("layers")), 0);
    assert_eq!(count(&env.store().join("blobs/sha256")), 0);
    assert_eq!(count(&env.store().join("tmp")), 0);
}

#[test]
fn rmi_frees_layers_no_image_uses() {
    let env = TestEnv::new();
    let busybox = env.image("library/busybox:latest");
    let multi = env.image("library/multilayer:latest");
    env.ok(&["pull", "-q", &busybox]);
    env.ok(&["pull", "-q", &multi]);
    assert_eq!(count(&env.store().join("layers")), 4);

    let out = env.ok(&["rmi", &multi]);
    assert!(
        out.starts_with(&format!("Untagged: {multi}\nDeleted: sha256:")),
        "{out}"
    );
    // The shared busybox layer stays for the busybox image.
    assert_eq!(count(&env.store().join("layers")), 1);
    assert!(env.ok(&["rmi", &busybox]).contains("Deleted: sha256:"));
    assert_eq!(count(&env.store().join("layers")), 0);

    let err = env.fails(&["rmi", "nonexistent:1"], 1);
    assert!(err.contains("no such image"), "{err}");
}

#[test]
fn inspect_and_history_are_docker_shaped() {
    let env = TestEnv::new();
    let multi = env.image("library/multilayer:latest");
    let id = env.ok(&["pull", "-q", &multi]).trim().to_string();

    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["image", "inspect", &multi])).unwrap();
    let image = &json[0];
    assert_eq!(image["Id"], format!("sha256:{id}"));
    assert_eq!(image["RepoTags"], serde_json::json!([multi]));
    assert!(
        image["RepoDigests"][0]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}/library/multilayer@sha256:", registry()))
    );
    assert_eq!(image["Config"]["Cmd"], serde_json::json!(["sh"]));
    assert_eq!(
        image["Config"]["Env"][0],
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    );
    assert_eq!(image["Architecture"], "amd64");
    assert_eq!(image["Os"], "linux");
    assert_eq!(image["Created"], "2000-01-01T00:00:00Z");
    assert_eq!(image["RootFS"]["Layers"].as_array().unwrap().len(), 4);
    assert_eq!(image["GraphDriver"]["Name"], "overlay");
    let keys: Vec<&String> = image.as_object().unwrap().keys().collect();
    assert_eq!(&keys[..4], ["Id", "RepoTags", "RepoDigests", "Parent"]);

    let out = env.ok(&[
        "inspect",
        "--format",
        "{{.Id}} {{json .Config.Cmd}}",
        &multi,
    ]);
    assert_eq!(out, format!("sha256:{id} [\"sh\"]\n"));
    let out = env.ok(&["inspect", "--format", "{{.Os}}", &id[..8]]);
    assert_eq!(out, "linux\n");

    let out = env.rpod(&["inspect", &multi, "nonexistent"]);
    assert_eq!(out.status.code(), Some(125));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: no such object: nonexistent\n"
    );

    let history = env.ok(&["history", &multi]);
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(
        cells(lines[0]),
        ["IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT"]
    );
    assert!(lines[1].starts_with(&id[..12]), "{history}");
    assert!(
        lines[2..].iter().all(|l| l.starts_with("<missing>")),
        "{history}"
    );
    let quiet = env.ok(&["history", "-q", "--no-trunc", &multi]);
    assert_eq!(quiet.lines().next().unwrap(), format!("sha256:{id}"));
    let sizes = env.ok(&["history", "--format", "{{.Size}}", "-H=false", &multi]);
    assert!(
        sizes
            .lines()
            .any(|s| s.parse::<u64>().is_ok_and(|n| n > 1_000_000)),
        "{sizes}"
    );
}

#[test]
fn import_makes_a_one_layer_image_offline() {
    let env = TestEnv::new();
    let tarball = env.dir.join("rootfs.tar");
    {
        let mut builder = tar::Builder::new(std::fs::File::create(&tarball).unwrap());
        let mut header = tar::Header::new_gnu();
        header.set_mode(0o755);
        header.set_size(std::fs::metadata("/bin/busybox").unwrap().len());
        builder
            .append_data(
                &mut header,
                "bin/busybox",
                std::fs::File::open("/bin/busybox").unwrap(),
            )
            .unwrap();
        let mut device = tar::Header::new_gnu();
        device.set_entry_type(tar::EntryType::Char);
        device.set_size(0);
        device.set_mode(0o666);
        device.set_device_major(1).unwrap();
        device.set_device_minor(3).unwrap();
        builder
            .append_data(&mut device, "dev/null", std::io::empty())
            .unwrap();
        let mut link = tar::Header::new_gnu();
        link.set_entry_type(tar::EntryType::Symlink);
        link.set_size(0);
        link.set_mode(0o777);
        builder.append_link(&mut link, "bin/sh", "busybox").unwrap();
        builder.finish().unwrap();
    }
    std::fs::set_permissions(
        &tarball,
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    let out = env.rpod(&[
        "import",
        "--change",
        "CMD [\"sh\"]",
        "--change",
        "ENV GREETING=hello",
        "-m",
        "from a test",
        tarball.to_str().unwrap(),
        "mybox:1",
    ]);
    assert!(out.status.success());
    let id = String::from_utf8(out.stdout).unwrap();
    // A rootless user cannot make device nodes: skipped, with one note.
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "rpod: note: skipped 1 device node(s) that cannot be created without root (dev/null)\n"
    );
    assert!(id.starts_with("sha256:") && id.trim().len() == 71, "{id}");
    let out = env.ok(&["images", "--format", "{{.Repository}}:{{.Tag}} {{.Size}}"]);
    assert!(
        out.starts_with("mybox:1 ") && out.trim().ends_with("MB"),
        "{out}"
    );
    let config = env.ok(&[
        "inspect",
        "--format",
        "{{json .Config.Cmd}} {{json .Config.Env}}",
        "mybox:1",
    ]);
    assert_eq!(config, "[\"sh\"] [\"GREETING=hello\"]\n");
    let history = env.ok(&["history", "--format", "{{.Comment}}", "mybox:1"]);
    assert_eq!(history, "from a test\n");
    let err = env.fails(
        &[
            "import",
            "--change",
            "RUN rm -rf /",
            tarball.to_str().unwrap(),
        ],
        125,
    );
    assert!(err.contains("not supported"), "{err}");
    let err = env.fails(&["import", "/nonexistent.tar"], 125);
    assert!(err.contains("cannot open /nonexistent.tar"), "{err}");
}

#[test]
fn rmi_refuses_an_image_a_container_uses() {
    let env = TestEnv::new();
    let busybox = env.image("library/busybox:latest");
    let id = env.ok(&["pull", "-q", &busybox]).trim().to_string();
    // Containers arrive with `rpod run`; their record names the image.
    let record =
        serde_json::json!({"id": "c0ffee", "name": "web", "image": format!("sha256:{id}")});
    env.write_file(
        &env.store().join("containers/c0ffee/container.json"),
        record.to_string().as_bytes(),
    );
    let err = env.fails(&["rmi", &busybox], 125);
    assert_eq!(
        err,
        format!("Error: image {busybox} is in use by container web; remove the container first\n")
    );
    let out = env.ok(&["image", "prune", "-a", "-f"]);
    assert_eq!(out, "Total reclaimed space: 0B\n");
    assert_eq!(env.ok(&["images", "-q"]).trim(), &id[..12]);
}
