//! The content's git history, read with the `git` command: which commits changed each file
//! (renames followed), the files of a past revision, and whether the clone is shallow. The
//! `git` command rather than a library: every CI checkout and writer's machine has it, one
//! `git log` reads the whole history of `content/` in milliseconds, it honours the repository's
//! own configuration (shallow clones, alternates, worktrees), and it adds nothing to build.
//!
//! Paths are relative to the content folder throughout.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use jiff::civil::Date;

/// The content's history, as the content was loaded.
#[derive(Debug)]
pub enum ContentHistory {
    Git {
        history: History,
        shallow: bool,
    },
    /// Not in a git repository (or `git` is not installed).
    NoRepository,
    /// In one, but `git log` failed: why.
    Unreadable(String),
}

/// Reads the history of `content_dir`, whatever there is of it.
pub fn read(content_dir: &Path) -> ContentHistory {
    let Some(repo) = Repo::open(content_dir) else {
        return ContentHistory::NoRepository;
    };
    match repo.history() {
        Ok(history) => ContentHistory::Git {
            history,
            shallow: repo.shallow,
        },
        Err(e) => ContentHistory::Unreadable(e.to_string()),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("`{rev}` is not a revision of the repository of {content}: {detail}")]
    UnknownRevision {
        rev: String,
        content: String,
        detail: String,
    },
    #[error("{content} is not in a git repository")]
    NotARepository { content: String },
    #[error("git {args} failed: {detail}")]
    Git { args: String, detail: String },
}

/// The git repository the content folder is in.
#[derive(Debug, Clone)]
pub struct Repo {
    content_dir: PathBuf,
    /// The content folder relative to the repository's top, with a `/` at its end (or empty).
    prefix: String,
    /// A shallow clone: commits before its boundary are missing.
    pub shallow: bool,
}

impl Repo {
    /// The repository `content_dir` is in; `None` when it is in none (or `git` is not there).
    pub fn open(content_dir: &Path) -> Option<Repo> {
        let output = git(
            content_dir,
            &["rev-parse", "--show-prefix", "--is-shallow-repository"],
        )
        .ok()?;
        let text = String::from_utf8_lossy(&output);
        let mut lines = text.lines();
        let prefix = lines.next()?.to_string();
        let shallow = lines.next()? == "true";
        Some(Repo {
            content_dir: content_dir.to_path_buf(),
            prefix,
            shallow,
        })
    }

    /// Like [`Repo::open`], for commands that need history: not being in a repository is an error.
    pub fn require(content_dir: &Path) -> Result<Repo, HistoryError> {
        Repo::open(content_dir).ok_or_else(|| HistoryError::NotARepository {
            content: content_dir.display().to_string(),
        })
    }

    fn git(&self, args: &[&str]) -> Result<Vec<u8>, HistoryError> {
        git(&self.content_dir, args)
    }

    /// The commit `rev` names.
    pub fn resolve(&self, rev: &str) -> Result<String, HistoryError> {
        let spec = format!("{rev}^{{commit}}");
        let unknown = |e: HistoryError| HistoryError::UnknownRevision {
            rev: rev.to_string(),
            content: self.content_dir.display().to_string(),
            detail: match e {
                HistoryError::Git { detail, .. } => detail,
                other => other.to_string(),
            },
        };
        // `--end-of-options`: a revision that looks like an option is still a revision.
        let out = self
            .git(&[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &spec,
            ])
            .map_err(unknown)?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    /// The content's files at commit `commit`.
    pub fn files_at(&self, commit: &str) -> Result<Vec<PathBuf>, HistoryError> {
        let out = self.git(&[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            "--full-name",
            commit,
            "--",
            ".",
        ])?;
        Ok(out
            .split(|&b| b == 0)
            .filter_map(|name| std::str::from_utf8(name).ok())
            .filter_map(|name| self.relative(name))
            .collect())
    }

    /// A content file's text at commit `commit`.
    pub fn read_at(&self, commit: &str, rel: &Path) -> Option<String> {
        let spec = format!("{commit}:{}{}", self.prefix, rel.to_string_lossy());
        let out = self.git(&["cat-file", "blob", &spec]).ok()?;
        String::from_utf8(out).ok()
    }

    /// Every commit that changed the content, and which files each changed.
    pub fn history(&self) -> Result<History, HistoryError> {
        let out = self.git(&[
            "-c",
            "core.quotePath=false",
            "log",
            "--topo-order",
            "--parents",
            "-M",
            "--name-status",
            "--format=%x01%H%x02%P%x02%ct",
            "--",
            ".",
        ])?;
        let boundary = if self.shallow {
            self.boundary()?
        } else {
            Vec::new()
        };
        Ok(History::parse(
            &String::from_utf8_lossy(&out),
            &boundary,
            |p| self.relative(p),
        ))
    }

    /// The commits a shallow clone was cut at.
    fn boundary(&self) -> Result<Vec<String>, HistoryError> {
        let out = self.git(&["rev-parse", "--git-path", "shallow"])?;
        let path = PathBuf::from(String::from_utf8_lossy(&out).trim());
        let path = if path.is_absolute() {
            path
        } else {
            self.content_dir.join(path)
        };
        let text = std::fs::read_to_string(path).unwrap_or_default();
        Ok(text.lines().map(str::to_string).collect())
    }

    /// A path from the repository's top, relative to the content folder.
    fn relative(&self, full: &str) -> Option<PathBuf> {
        full.strip_prefix(&self.prefix).map(PathBuf::from)
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, HistoryError> {
    let failed = |detail: String| HistoryError::Git {
        args: args.join(" "),
        detail,
    };
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| failed(e.to_string()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_string();
        return Err(failed(if stderr.is_empty() {
            output.status.to_string()
        } else {
            stderr
        }));
    }
    Ok(output.stdout)
}

#[derive(Debug)]
struct Commit {
    /// Indices of its parents among the commits that changed the content.
    parents: Vec<usize>,
    date: Date,
    /// Cut off by a shallow clone: what it "added" may be older.
    boundary: bool,
}

/// The commits that changed the content, children before their parents.
#[derive(Debug, Default)]
pub struct History {
    commits: Vec<Commit>,
    /// Per file (by its path now, renames followed): the commits that changed it, newest first.
    changed: HashMap<PathBuf, Vec<usize>>,
}

/// How a file changed after another file's last change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Since {
    /// The other file's history is not known: not committed yet, or cut off by a shallow clone.
    Unknown { shallow: bool },
    /// Commits that changed the file since, and the date of its latest change.
    Changes { count: usize, latest: Option<Date> },
}

impl History {
    /// Parses `git log --topo-order --parents --name-status --format=%x01%H%x02%P%x02%ct`.
    fn parse(
        log: &str,
        boundary: &[String],
        relative: impl Fn(&str) -> Option<PathBuf>,
    ) -> History {
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut parents: Vec<Vec<&str>> = Vec::new();
        let mut history = History::default();
        // Renames seen so far (newest first): an older path → the file's path now.
        let mut renamed: HashMap<PathBuf, PathBuf> = HashMap::new();
        for record in log.split('\x01').filter(|r| !r.trim().is_empty()) {
            let (header, changes) = record.split_once('\n').unwrap_or((record, ""));
            let mut fields = header.split('\x02');
            let (Some(id), Some(ps), Some(time)) = (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let i = history.commits.len();
            ids.insert(id, i);
            parents.push(ps.split_whitespace().collect());
            history.commits.push(Commit {
                parents: Vec::new(),
                date: commit_date(time),
                boundary: boundary.iter().any(|b| b == id),
            });
            for line in changes.lines() {
                let parts: Vec<&str> = line.split('\t').collect();
                let (path, old) = match parts.as_slice() {
                    [status, old, new] if status.starts_with('R') => (*new, Some(*old)),
                    [_, path] => (*path, None),
                    _ => continue,
                };
                let Some(path) = relative(path) else { continue };
                let now = renamed.get(&path).cloned().unwrap_or(path);
                if let Some(old) = old.and_then(&relative) {
                    renamed.insert(old, now.clone());
                }
                let list = history.changed.entry(now).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        for (commit, ps) in history.commits.iter_mut().zip(parents) {
            commit.parents = ps.iter().filter_map(|p| ids.get(p).copied()).collect();
        }
        history
    }

    /// Commits in all.
    pub fn len(&self) -> usize {
        self.commits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.commits.is_empty()
    }

    /// How `original` changed after the last commit that changed `translation`: the commits that
    /// changed `original` and are not part of that commit's history.
    pub fn since(&self, original: &Path, translation: &Path, ancestry: &mut Ancestry) -> Since {
        let Some(&last) = self.changed.get(translation).and_then(|c| c.first()) else {
            return Since::Unknown { shallow: false };
        };
        if self.commits[last].boundary {
            return Since::Unknown { shallow: true };
        }
        let changes = self
            .changed
            .get(original)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let before = ancestry.of(self, last);
        let count = changes.iter().filter(|&&c| !before[c]).count();
        let latest = changes.first().map(|&c| self.commits[c].date);
        Since::Changes { count, latest }
    }

    /// The date of the latest commit that changed `file`.
    pub fn last_changed(&self, file: &Path) -> Option<Date> {
        let &c = self.changed.get(file)?.first()?;
        Some(self.commits[c].date)
    }
}

/// Which commits each commit is built on (itself included), computed once per commit asked.
#[derive(Debug, Default)]
pub struct Ancestry {
    known: HashMap<usize, Vec<bool>>,
}

impl Ancestry {
    fn of(&mut self, history: &History, commit: usize) -> &[bool] {
        self.known.entry(commit).or_insert_with(|| {
            let mut seen = vec![false; history.commits.len()];
            let mut stack = vec![commit];
            while let Some(c) = stack.pop() {
                if !std::mem::replace(&mut seen[c], true) {
                    stack.extend(&history.commits[c].parents);
                }
            }
            seen
        })
    }
}

/// A commit time (seconds since the epoch) as a date in UTC.
fn commit_date(seconds: &str) -> Date {
    let ts = seconds
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    jiff::tz::Offset::UTC.to_datetime(ts).date()
}

#[cfg(test)]
mod tests;
