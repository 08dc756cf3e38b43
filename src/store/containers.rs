//! The link from images to the containers made from them: an image that a
//! container uses must not be removed. Container records live in
//! `containers/<id>/container.json`; only the fields needed here are read.

use super::Store;
use anyhow::Result;

#[derive(serde::Deserialize)]
struct ContainerImage {
    #[serde(default)]
    name: String,
    #[serde(default)]
    id: String,
    image: String,
}

impl Store {
    /// Names (or IDs) of the containers made from image `image_id`.
    pub fn containers_using(&self, image_id: &str) -> Result<Vec<String>> {
        let dir = self.root().join("containers");
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut users = Vec::new();
        for entry in entries {
            let path = entry?.path().join("container.json");
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            if let Ok(record) = serde_json::from_slice::<ContainerImage>(&bytes)
                && record.image == image_id
            {
                users.push(if record.name.is_empty() {
                    record.id
                } else {
                    record.name
                });
            }
        }
        Ok(users)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_containers_made_from_an_image() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(store.containers_using("sha256:a").unwrap().is_empty());
        for (id, name, image) in [
            ("c1", "web", "sha256:a"),
            ("c2", "", "sha256:a"),
            ("c3", "db", "sha256:b"),
        ] {
            let record = dir.path().join("containers").join(id);
            std::fs::create_dir_all(&record).unwrap();
            let json = serde_json::json!({"id": id, "name": name, "image": image});
            std::fs::write(record.join("container.json"), json.to_string()).unwrap();
        }
        let mut users = store.containers_using("sha256:a").unwrap();
        users.sort();
        assert_eq!(users, ["c2", "web"]);
    }
}
