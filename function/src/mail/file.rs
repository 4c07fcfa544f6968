//! A mailer for `helpcenter serve`: every email becomes a file a mail client opens.

use std::path::{Path, PathBuf};

use super::{Email, MailError, Mailer};

/// Writes each email as `<dir>/<id>.eml` (open it in any mail client), for `helpcenter serve`.
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
}

impl FileMailer {
    /// Creates `dir` if needed.
    pub fn new(dir: impl AsRef<Path>) -> Result<Self, MailError> {
        let dir = dir.as_ref().to_owned();
        std::fs::create_dir_all(&dir).map_err(|source| MailError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(FileMailer { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Mailer for FileMailer {
    async fn send(&self, email: &Email) -> Result<(), MailError> {
        // The id holds a ticket id and a validated submission id; keep only safe characters anyway.
        let stem: String = email
            .id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        let path = self.dir.join(format!("{stem}.eml"));
        std::fs::write(&path, email.to_mime()).map_err(|source| MailError::Io { path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::email;

    #[test]
    fn file_mailer_writes_eml() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = FileMailer::new(dir.path().join("mail")).unwrap();
        let e = email("Refund missing");
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(mailer.send(&e))
            .unwrap();
        let written = std::fs::read(dir.path().join("mail").join(format!("{}.eml", e.id))).unwrap();
        assert_eq!(written, e.to_mime());
    }
}
