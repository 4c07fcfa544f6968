//! The watcher `serve` rebuilds on: an edit, a new file, a deletion and a rename are each picked up,
//! and a save that changes nothing is not.

use std::path::{Path, PathBuf};
use std::time::Duration;

use helpcenter::watch::{Changes, Watch};
mod cli_support;
use cli_support::copy_tree;

const DEBOUNCE: Duration = Duration::from_millis(50);
/// Far longer than an event takes; only reached when a test fails.
const PATIENCE: Duration = Duration::from_secs(10);

/// A temporary copy of the small fixture, watched.
fn watched() -> (tempfile::TempDir, PathBuf, Watch) {
    let temp = tempfile::tempdir().unwrap();
    let content = temp.path().join("content");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/minimal"),
        &content,
    );
    let watch = Watch::start(std::slice::from_ref(&content), DEBOUNCE).unwrap();
    (temp, content, watch)
}

/// The changes of the next batch, merged with any that follow at once (editors and the kernel may
/// split one save into two batches).
fn next(watch: &mut Watch) -> Changes {
    let mut changes = watch
        .next_change(PATIENCE)
        .expect("the watcher reports the change");
    while let Some(more) = watch.next_change(DEBOUNCE * 4) {
        changes.added.extend(more.added);
        changes.modified.extend(more.modified);
        changes.removed.extend(more.removed);
    }
    changes
}

#[test]
fn picks_up_an_edit() {
    let (_temp, content, mut watch) = watched();
    let article = content.join("en/users/account/reset-password.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, format!("{text}\nOne more line.\n")).unwrap();
    let changes = next(&mut watch);
    assert_eq!(changes.modified.into_iter().collect::<Vec<_>>(), [article]);
    assert!(changes.added.is_empty() && changes.removed.is_empty());
}

#[test]
fn picks_up_a_new_file_and_a_deletion() {
    let (_temp, content, mut watch) = watched();
    let new = content.join("en/users/account/new-article.md");
    std::fs::write(&new, "---\ntitle: New\n---\nBody.\n").unwrap();
    assert_eq!(
        next(&mut watch).added.into_iter().collect::<Vec<_>>(),
        std::slice::from_ref(&new)
    );

    std::fs::remove_file(&new).unwrap();
    assert_eq!(
        next(&mut watch).removed.into_iter().collect::<Vec<_>>(),
        [new]
    );
}

#[test]
fn picks_up_a_renamed_file_and_folder() {
    let (_temp, content, mut watch) = watched();
    let from = content.join("en/users/account/change-email.md");
    let to = content.join("en/users/account/update-email.md");
    std::fs::rename(&from, &to).unwrap();
    let changes = next(&mut watch);
    assert_eq!(changes.removed.into_iter().collect::<Vec<_>>(), [from]);
    assert_eq!(changes.added.into_iter().collect::<Vec<_>>(), [to]);

    // A folder renamed comes as one event; every file inside it moved.
    std::fs::rename(
        content.join("it/users/account"),
        content.join("it/users/konto"),
    )
    .unwrap();
    let changes = next(&mut watch);
    assert!(
        !changes.removed.is_empty()
            && changes
                .removed
                .iter()
                .all(|p| p.starts_with(content.join("it/users/account"))),
        "{changes:?}"
    );
    assert_eq!(changes.added.len(), changes.removed.len(), "{changes:?}");
    assert!(
        changes
            .added
            .iter()
            .all(|p| p.starts_with(content.join("it/users/konto"))),
        "{changes:?}"
    );
}

#[test]
fn ignores_saves_without_changes_and_editor_files() {
    let (_temp, content, mut watch) = watched();
    let article = content.join("en/users/account/reset-password.md");
    let text = std::fs::read(&article).unwrap();
    std::fs::write(&article, &text).unwrap();
    std::fs::write(
        content.join("en/users/account/.reset-password.md.swp"),
        "swap",
    )
    .unwrap();
    std::fs::write(
        content.join("en/users/account/reset-password.md~"),
        "backup",
    )
    .unwrap();
    assert_eq!(watch.next_change(Duration::from_millis(500)), None);

    // The watcher still works afterwards.
    std::fs::write(&article, b"---\ntitle: Changed\n---\n").unwrap();
    assert_eq!(next(&mut watch).modified.len(), 1);
}
