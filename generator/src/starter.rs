//! `helpcenter new DIR`: a starter help center that builds at once — settings, one language, three
//! audiences and a few articles (`generator/starter/`), and the default theme (`site/`). Both are
//! embedded in the binary, so `new` works wherever the binary was copied to.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");
static THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../site");

/// Build output and local state stay out of version control.
const GITIGNORE: &str = "/public/\n/.helpcenter/\n";

#[derive(Debug, thiserror::Error)]
pub enum StarterError {
    #[error("{0} is not empty: `new` only writes into an empty or new folder")]
    NotEmpty(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes the starter into `dir` (created when missing; refused when it holds anything).
pub fn create(dir: &Path) -> Result<(), StarterError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StarterError::Io { path, source }
    };
    match std::fs::read_dir(dir).map(|mut entries| entries.next().is_none()) {
        Ok(true) => {}
        Ok(false) => return Err(StarterError::NotEmpty(dir.to_path_buf())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(io(dir))?
        }
        Err(e) => return Err(io(dir)(e)),
    }
    STARTER.extract(dir).map_err(io(dir))?;
    let site = dir.join("site");
    THEME.extract(&site).map_err(io(&site))?;
    let gitignore = dir.join(".gitignore");
    std::fs::write(&gitignore, GITIGNORE).map_err(io(&gitignore))
}
