//! The theme's static files (`site/static/`) copied into the site: CSS and JS get a content hash
//! in their names so browsers may cache them for ever; templates find them by name in the map
//! [`copy_theme_assets`] returns (`style.css` → `site.assets.style_css`).

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::model::Site;
use crate::urls;
use crate::write::Staging;

/// Theme files whose names get a content hash.
const HASHED: &[&str] = &["css", "js"];

/// Theme files also written at the site's root: browsers ask for `/favicon.ico` without reading
/// any page. A `content/static/` file of the same name is copied later, over it.
const ROOT_FILES: &[&str] = &["favicon.ico"];

/// A theme file that could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("cannot copy the theme file {}: {source}", path.display())]
pub struct AssetError {
    pub path: PathBuf,
    pub source: io::Error,
}

/// Copies the theme's `static/` files; returns each file's template name → its URL.
pub fn copy_theme_assets(
    site_dir: &Path,
    site: &Site,
    staging: &Staging,
) -> Result<BTreeMap<String, String>, AssetError> {
    let dir = site_dir.join("static");
    let mut assets = BTreeMap::new();
    let files = walkdir::WalkDir::new(&dir).min_depth(1).sort_by_file_name();
    for entry in files.into_iter().filter_map(Result::ok) {
        if !entry.file_type().is_file() {
            continue;
        }
        let error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| AssetError { path, source }
        };
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(entry.path()).map_err(error(entry.path()))?;
        let ext = rel.rsplit('.').next().unwrap_or("");
        let name = if HASHED.contains(&ext) {
            hashed_name(&rel, &bytes)
        } else {
            rel.clone()
        };
        let file = urls::asset_file(&name);
        let written = staging.write(&file, &bytes);
        written.map_err(error(&staging.dir().join(&file)))?;
        if ROOT_FILES.contains(&rel.as_str()) {
            let written = staging.write(&rel, &bytes);
            written.map_err(error(&staging.dir().join(&rel)))?;
        }
        assets.insert(template_name(&rel), site.asset_url(&file));
    }
    Ok(assets)
}

/// `style.css` → `style_css`: what templates write after `site.assets.`.
fn template_name(rel: &str) -> String {
    rel.replace(['.', '/', '-'], "_")
}

/// `app.js` → `app.<10 hex digits of its SHA-256>.js`.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash = hex::encode(&digest[..5]);
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_follow_content() {
        assert_ne!(hashed_name("a.css", b"x"), hashed_name("a.css", b"y"));
        assert!(
            hashed_name("a.css", b"x").starts_with("a.")
                && hashed_name("a.css", b"x").ends_with(".css")
        );
        assert_eq!(hashed_name("a.css", b"x").len(), "a..css".len() + 10);
        assert_eq!(template_name("fonts/x-y.woff2"), "fonts_x_y_woff2");
    }
}
