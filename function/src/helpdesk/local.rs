//! `--local DIR`: the commands on `helpcenter serve`'s state folder (`.helpcenter/`), so a writer
//! tries `helpdesk` with no AWS: `DIR/tickets/tickets.jsonl` ([`FileStore`]), `DIR/spool/`
//! ([`FileSpool`]), `DIR/uploads/` ([`FileUploads`]) and `DIR/outbox/` (serve's emails).
//!
//! Download links point at the files themselves (`file://…`): serve signs its links with a
//! secret of its own process, which no other process can make.

use std::path::Path;
use std::time::Duration;

use super::{Desk, DeskError};
use crate::spool::FileSpool;
use crate::store::FileStore;
use crate::uploads::FileUploads;

pub type LocalDesk = Desk<FileStore, FileSpool, FileUploads>;

/// Opens the state folder `dir`; a folder serve did not make is an error (nothing is created
/// in it).
pub fn open(dir: &Path) -> Result<LocalDesk, DeskError> {
    let tickets = dir.join("tickets");
    if !tickets.join(FileStore::FILE_NAME).is_file() {
        let nested = dir.join(".helpcenter");
        let why = match nested.join("tickets").join(FileStore::FILE_NAME).is_file() {
            true => format!(
                "it has no tickets/{}; did you mean {}?",
                FileStore::FILE_NAME,
                nested.display()
            ),
            false => format!(
                "it has no tickets/{} (serve makes it at its first build, in .helpcenter/)",
                FileStore::FILE_NAME
            ),
        };
        return Err(DeskError::NotServeState {
            dir: dir.to_owned(),
            why,
        });
    }
    let uploads_dir = dir.join("uploads");
    let absolute = std::path::absolute(&uploads_dir).map_err(|source| DeskError::File {
        path: uploads_dir.clone(),
        source,
    })?;
    let base = format!("file://{}", absolute.display());
    Ok(Desk {
        store: FileStore::open(&tickets)?,
        spool: FileSpool::open(dir.join("spool"))?,
        uploads: FileUploads::open(&uploads_dir, &base)?,
        outbox: Some(dir.join("outbox")),
        // serve stores each ticket itself and has no stream to wait for.
        replay_settle: Duration::ZERO,
    })
}
