//! Serving the next site: after a change, the quick path of `build::incremental` when it can
//! take the change (the pages showing an edited article rendered again), else the full build
//! into memory. Either way the site served is replaced only when the build succeeded, tabs are
//! told which pages changed, and search bundles the quick path left behind are written again in
//! the background: until one is swapped in, searches get the bundle before (the old text, never
//! an error).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, PoisonError};

use super::{failure_text, Live, Preview, Rebuilt, ServeError, Snapshot, LISTED_PAGES};
use crate::build::incremental::{Kept, SearchJob, Update};
use crate::build::{run_kept, BuildReport, Hooks, Progress};
use crate::urls;
use crate::watch::Changes;
use crate::write::{SiteFile, SiteFiles, Staged, Staging};

/// What the next site is made of.
enum Next {
    /// A full build's site.
    Whole(BuildReport, SiteFiles),
    /// The site served with a quick update's files in it.
    Patch(Update),
}

/// The search bundles being written again, per language code: the generation last asked for
/// (an older job's result is dropped), and how many jobs run.
#[derive(Default)]
pub(super) struct Following {
    generations: HashMap<String, u64>,
    running: usize,
}

impl Preview {
    /// Builds the site; on success serves it and tells the tabs which pages changed, otherwise
    /// tells them why and keeps serving the site before. `changes` (from the watcher) says which
    /// files changed: the quick path takes them when it can, and copied files are served from
    /// their source.
    pub fn rebuild(
        self: &Arc<Self>,
        changes: Option<&Changes>,
        progress: Option<&dyn Progress>,
    ) -> Result<Rebuilt, ServeError> {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let quick = match (changes, kept.as_mut()) {
            (Some(changes), Some(kept)) => kept.update(&self.options, changes),
            _ => None,
        };
        let full = quick.is_none();
        let next = match quick {
            Some(update) => update.map(Next::Patch).map_err(ServeError::from),
            None => self.build(progress).map(|(next, built)| {
                *kept = Some(built);
                next
            }),
        };
        let next = next.and_then(|next| {
            match &next {
                Next::Whole(_, files) => self.update_ticket_endpoint(files)?,
                // UI strings: the emails' words are in the contract.
                Next::Patch(update) if update.files.files.contains_key(urls::CONTRACT_FILE) => {
                    self.update_ticket_endpoint(&update.files)?
                }
                Next::Patch(_) => {}
            }
            Ok(next)
        });
        match next {
            Ok(next) => Ok(self.serve(next, changes)),
            Err(e) => {
                if full {
                    // The content on disk is not what was kept: the next change builds it all.
                    *kept = None;
                }
                let current = self.snapshot();
                self.live.send_replace(Live::Failed {
                    site: current.id,
                    message: failure_text(&e),
                });
                Err(e)
            }
        }
    }

    /// The full build, into memory.
    fn build(&self, progress: Option<&dyn Progress>) -> Result<(Next, Kept), ServeError> {
        let hooks = Hooks {
            progress,
            ..Hooks::default()
        };
        let (report, staged, kept) = run_kept(&self.options, Staging::in_memory(), &hooks)?;
        let Staged::Memory(files) = staged else {
            unreachable!("a build into memory commits to memory")
        };
        // Its search bundles are new: jobs still running write older ones.
        let mut following = self
            .following
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        following.generations.values_mut().for_each(|g| *g += 1);
        Ok((Next::Whole(report, files), kept))
    }

    /// Serves the next site, tells the tabs, and starts the search jobs.
    fn serve(self: &Arc<Self>, next: Next, changes: Option<&Changes>) -> Rebuilt {
        let quick = matches!(next, Next::Patch(_));
        let (id, report, jobs, (changed, assets)) = match next {
            Next::Whole(report, files) => {
                let current = self.snapshot();
                let all = current.files.files.keys().chain(files.files.keys());
                let compared = compare(&current.files, &files, all.collect(), changes);
                let id = current.id + 1;
                *self.site.write().unwrap_or_else(PoisonError::into_inner) =
                    Arc::new(Snapshot { id, files });
                (id, report, Vec::new(), compared)
            }
            Next::Patch(update) => {
                // In place, under the lock: the site served is not copied (only when a request
                // still holds it), and a search bundle swapped in meanwhile stays.
                let mut site = self.site.write().unwrap_or_else(PoisonError::into_inner);
                let current = Arc::make_mut(&mut site);
                let made = update.files.files.keys().collect();
                let compared = compare(&current.files, &update.files, made, changes);
                current.files.files.extend(update.files.files);
                current.id += 1;
                (current.id, update.report, update.search, compared)
            }
        };
        let changed_pages = changed.len();
        let all = assets || changed_pages > LISTED_PAGES;
        let changed = if all { Vec::new() } else { changed };
        self.live.send_replace(Live::Built {
            site: id,
            changed,
            all,
        });
        jobs.into_iter().for_each(|job| self.follow(job));
        Rebuilt {
            report,
            changed_pages,
            quick,
        }
    }

    /// Writes a search bundle again in a thread of its own and swaps it into the site served.
    fn follow(self: &Arc<Self>, job: SearchJob) {
        let generation = {
            let mut following = self
                .following
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            following.running += 1;
            let generation = following
                .generations
                .entry(job.code().to_string())
                .or_default();
            *generation += 1;
            *generation
        };
        let preview = self.clone();
        std::thread::spawn(move || {
            let (code, dir) = (job.code().to_string(), job.dir());
            let following = || {
                let following = preview.following.lock();
                following.unwrap_or_else(PoisonError::into_inner)
            };
            // A later save of the same language started a newer job: this one need not run.
            let current = |f: &Following| f.generations.get(&code) == Some(&generation);
            let files = current(&following()).then(|| job.run());
            let mut following = following();
            match files {
                Some(Ok(files)) if current(&following) => preview.swap_bundle(&dir, files),
                Some(Err(e)) => {
                    eprintln!("error: the search index of `{code}` was not written again: {e}")
                }
                Some(Ok(_)) | None => {}
            }
            following.running -= 1;
            preview.followed.notify_all();
        });
    }

    /// Replaces the files under `dir/` of the site served, which stays the same site for tabs.
    fn swap_bundle(&self, dir: &str, bundle: Vec<(String, Vec<u8>)>) {
        let prefix = format!("{dir}/");
        let mut site = self.site.write().unwrap_or_else(PoisonError::into_inner);
        let files = &mut Arc::make_mut(&mut site).files.files;
        files.retain(|rel, _| !rel.starts_with(&prefix));
        let bundle = bundle.into_iter();
        files.extend(bundle.map(|(rel, bytes)| (rel, SiteFile::Bytes(bytes.into()))));
    }

    /// The files of the site served now, as built (pages get the live-reload script as they are
    /// served).
    pub fn served(&self) -> SiteFiles {
        let files = self.snapshot().files.files.clone();
        SiteFiles { files }
    }

    /// Waits until the search bundles written in the background are in the site served.
    pub fn wait_for_search(&self) {
        let mut following = self
            .following
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while following.running > 0 {
            following = (self.followed.wait(following)).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// The URLs of the pages among `paths` that differ between two sites, and whether a file that
/// pages embed did: a theme asset or a copied file (whose source may have changed under the same
/// name). Data that scripts fetch (search indexes, the contract) does not count.
fn compare(
    old: &SiteFiles,
    new: &SiteFiles,
    paths: BTreeSet<&String>,
    changes: Option<&Changes>,
) -> (Vec<String>, bool) {
    let sources: BTreeSet<&PathBuf> = changes.map(|c| c.paths().collect()).unwrap_or_default();
    let differs = |file: Option<&SiteFile>, other: Option<&SiteFile>| {
        file != other || matches!(file, Some(SiteFile::Source(source)) if sources.contains(source))
    };
    let changed: Vec<&String> = paths
        .into_iter()
        .filter(|p| differs(new.files.get(*p), old.files.get(*p)))
        .collect();
    let embedded = |p: &str| {
        urls::is_asset_file(p)
            || matches!(
                new.files.get(p).or(old.files.get(p)),
                Some(SiteFile::Source(_))
            )
    };
    let assets = changed.iter().any(|p| embedded(p));
    (
        changed
            .into_iter()
            .filter(|p| urls::is_page_file(p))
            .map(|p| urls::file_url(p))
            .collect(),
        assets,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compares two whole sites.
    fn whole(old: &SiteFiles, new: &SiteFiles, changes: Option<&Changes>) -> (Vec<String>, bool) {
        let paths = old.files.keys().chain(new.files.keys()).collect();
        compare(old, new, paths, changes)
    }

    #[test]
    fn compares_only_the_files_a_patch_made() {
        let old = site(&[("en/index.html", "a"), ("en/x/index.html", "b")]);
        let new = site(&[("en/index.html", "A"), ("en/x/index.html", "B")]);
        let made = String::from("en/x/index.html");
        assert_eq!(
            compare(&old, &new, [&made].into(), None),
            (vec!["/en/x/".to_string()], false)
        );
    }

    fn site(files: &[(&str, &str)]) -> SiteFiles {
        SiteFiles {
            files: files
                .iter()
                .map(|(p, b)| (p.to_string(), SiteFile::Bytes(b.as_bytes().into())))
                .collect(),
        }
    }

    #[test]
    fn compares_sites_by_page_url() {
        let old = site(&[
            ("en/index.html", "a"),
            ("en/x/index.html", "b"),
            ("en/search-index.json", "[]"),
            ("assets/style.1.css", "c"),
        ]);
        let new = site(&[
            ("en/index.html", "a"),
            ("en/x/index.html", "B"),
            ("en/y/index.html", "new"),
            ("en/search-index.json", "[1]"),
            ("assets/style.1.css", "c"),
        ]);
        assert_eq!(
            whole(&old, &new, None),
            (vec!["/en/x/".to_string(), "/en/y/".to_string()], false)
        );
        let restyled = site(&[
            ("en/index.html", "a"),
            ("en/x/index.html", "b"),
            ("en/search-index.json", "[]"),
            ("assets/style.2.css", "c"),
        ]);
        assert!(
            whole(&old, &restyled, None).1,
            "a new style sheet is an asset change"
        );
        let reindexed = site(&[
            ("en/index.html", "a"),
            ("en/x/index.html", "b"),
            ("en/search-index.json", "[2]"),
            ("assets/style.1.css", "c"),
        ]);
        assert_eq!(
            whole(&old, &reindexed, None),
            (Vec::new(), false),
            "search data is fetched, not embedded"
        );
    }

    #[test]
    fn a_copied_file_changed_at_its_source_is_an_asset_change() {
        let image = |p: &str| SiteFiles {
            files: [("a.png".to_string(), SiteFile::Source(PathBuf::from(p)))].into(),
        };
        let changes = Changes {
            modified: [PathBuf::from("content/static/a.png")].into(),
            ..Changes::default()
        };
        assert!(
            !whole(
                &image("content/static/a.png"),
                &image("content/static/a.png"),
                None
            )
            .1
        );
        assert!(
            whole(
                &image("content/static/a.png"),
                &image("content/static/a.png"),
                Some(&changes)
            )
            .1
        );
    }
}
