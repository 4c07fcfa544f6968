//! What the generator's integration tests share: running the `helpcenter` binary, walking and
//! copying content trees.

#![allow(dead_code)] // each test crate uses part of it

pub(crate) mod pages;
pub(crate) mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_helpcenter");

/// The repository's root: `content/`, `site/`, `tests/fixtures/`.
pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Builds the example help center (`content/` with the default theme) into `out`, or panics
/// with every diagnostic.
pub(crate) fn build_example(out: &Path) {
    let options = helpcenter::build::BuildOptions {
        content_dir: repo().join("content"),
        site_dir: repo().join("site"),
        out_dir: out.to_path_buf(),
        base_url: None,
        ticket_endpoint: None,
    };
    match helpcenter::build::build(&options) {
        Ok(_) => {}
        Err(helpcenter::build::BuildError::Content(diagnostics)) => {
            let all: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            panic!("the example content does not build:\n{}", all.join("\n"));
        }
        Err(e) => panic!("the example content does not build: {e}"),
    }
}

pub(crate) fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Runs the binary in `dir` (without a terminal: stdin closed, output captured).
pub(crate) fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the binary runs")
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub(crate) fn code(output: &Output) -> i32 {
    output.status.code().expect("the binary exits by itself")
}

/// Every file under `dir`, in file-name order.
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let entries = walkdir::WalkDir::new(dir).sort_by_file_name().into_iter();
    let entries =
        entries.map(|e| e.unwrap_or_else(|e| panic!("cannot walk {}: {e}", dir.display())));
    entries
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

pub(crate) fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().map(Result::unwrap) {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary folder holding `content/` (a copy of `content`) and `site/` (the default theme).
pub(crate) fn workspace(content: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(content, &dir.path().join("content"));
    copy_tree(&repo().join("site"), &dir.path().join("site"));
    dir
}

pub(crate) fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The JSON document a `--format json` run printed.
pub(crate) fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(output)))
}
