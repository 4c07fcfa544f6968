//! `helpcenter serve` on the synthetic corpus of `../shared/bench/gen_corpus.py`: how long a writer
//! waits from saving a file to the live-reload event (the watcher's debounce included), and until
//! the search index of that language follows; and how long start-up takes (the first full build
//! into memory, after which the first page is served). One table, one run.
//!
//!     cargo bench -p helpcenter --bench serve_edit -- /tmp/helpcenter-bench/n2000 [ROUNDS]
//!
//! The corpus is copied first (with the theme, and a snippet included by 200 articles per
//! language), so it is left as it was. Scenarios: an article's body and title (the quick path),
//! the snippet, a category's `_index.md`, a UI string, a new article, renamed, then deleted.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use helpcenter::serve::{self, Live, Preview, ServeOptions, DEBOUNCE};
use helpcenter::watch::Watch;
#[path = "../tests/cli_support/mod.rs"]
mod cli_support;
use cli_support::copy_tree;

/// The allocator the `helpcenter` binary uses, so that the times are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Articles per language that include the snippet.
const INCLUDING: usize = 200;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let corpus = PathBuf::from(args.first().expect("usage: serve_edit CORPUS_DIR [ROUNDS]"));
    let rounds: usize = args
        .get(1)
        .map_or(5, |r| r.parse().expect("ROUNDS is a number"));
    let dir = tempfile::tempdir().unwrap();
    let copied = Instant::now();
    prepare(&corpus, dir.path());
    eprintln!(
        "copied the corpus in {:.1} s",
        copied.elapsed().as_secs_f64()
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let options = ServeOptions {
        content_dir: dir.path().join("content"),
        site_dir: dir.path().join("site"),
        state_dir: dir.path().join("state"),
        port: 0,
    };
    let started = Instant::now();
    let server = runtime.block_on(serve::bind(&options)).unwrap();
    let report = server.preview.rebuild(None, None).unwrap().report;
    println!(
        "start-up (first page served): {:.2} s for {} pages",
        started.elapsed().as_secs_f64(),
        report.pages
    );
    let bench = Bench::new(server.preview, dir.path());
    println!(
        "{:<34} {:>10} {:>10} {:>6} {:>7}",
        "edit", "event ms", "search ms", "quick", "pages"
    );
    for scenario in SCENARIOS {
        let runs: Vec<Run> = (0..rounds.max(1)).map(|n| bench.run(scenario, n)).collect();
        print_row(scenario.name, runs);
    }
}

struct Bench {
    preview: std::sync::Arc<Preview>,
    content: PathBuf,
    site: PathBuf,
    watch: std::cell::RefCell<Watch>,
    events: mpsc::Receiver<Instant>,
}

/// One edit's figures.
struct Run {
    event: Duration,
    search: Duration,
    quick: bool,
    changed: usize,
}

struct Scenario {
    name: &'static str,
    /// Makes round `n`'s change under (content, site).
    change: fn(&Path, &Path, usize),
}

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "article body",
        change: |c, _, n| append(&article(c, "en"), &format!("\nEdit {n}.\n")),
    },
    Scenario {
        name: "article title",
        change: |c, _, n| retitle(&article(c, "en"), n),
    },
    Scenario {
        name: "translation body",
        change: |c, _, n| append(&article(c, "it"), &format!("\nModifica {n}.\n")),
    },
    Scenario {
        name: "snippet (200 articles x 5 languages)",
        change: |c, _, n| {
            append(
                &c.join("en/_snippets/bench.md"),
                &format!("\nSnippet edit {n}.\n"),
            )
        },
    },
    Scenario {
        name: "category _index.md",
        change: |c, _, n| {
            append(
                &category(c).join("_index.md"),
                &format!("\nCategory edit {n}.\n"),
            )
        },
    },
    Scenario {
        name: "UI string (site/i18n/en.yaml)",
        change: |_, s, n| {
            replace(
                &s.join("i18n/en.yaml"),
                "\nskip_to_content: Skip to content",
                &format!("\nskip_to_content: Skip to content {n}"),
            )
        },
    },
    Scenario {
        name: "new article",
        change: |c, _, n| {
            write(
                &category(c).join(format!("bench-new-{n}.md")),
                "---\ntitle: Bench new\n---\nNew.\n",
            )
        },
    },
    Scenario {
        name: "renamed article",
        change: |c, _, n| {
            let from = category(c).join(format!("bench-new-{n}.md"));
            std::fs::rename(&from, from.with_file_name(format!("bench-renamed-{n}.md"))).unwrap()
        },
    },
    Scenario {
        name: "deleted article",
        change: |c, _, n| remove(&category(c).join(format!("bench-renamed-{n}.md"))),
    },
];

impl Bench {
    fn new(preview: std::sync::Arc<Preview>, dir: &Path) -> Bench {
        let (content, site) = (dir.join("content"), dir.join("site"));
        let watch = Watch::start(&[content.clone(), site.clone()], DEBOUNCE).unwrap();
        let (send, events) = mpsc::channel();
        let mut receiver = preview.subscribe();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            runtime.block_on(async {
                while receiver.changed().await.is_ok() {
                    let built = matches!(&*receiver.borrow_and_update(), Live::Built { .. });
                    if built && send.send(Instant::now()).is_err() {
                        break;
                    }
                }
            })
        });
        Bench {
            preview,
            content,
            site,
            watch: watch.into(),
            events,
        }
    }

    /// Makes the change, rebuilds as `serve` does once the watcher reports it, and times it.
    fn run(&self, scenario: &Scenario, n: usize) -> Run {
        let saved = Instant::now();
        (scenario.change)(&self.content, &self.site, n);
        let changes = (self.watch.borrow_mut())
            .next_change(Duration::from_secs(30))
            .expect("the watcher sees the change");
        let rebuilt = self.preview.rebuild(Some(&changes), None).unwrap();
        let event = self.events.recv().unwrap();
        self.preview.wait_for_search();
        Run {
            event: event - saved,
            search: saved.elapsed(),
            quick: rebuilt.quick,
            changed: rebuilt.changed_pages,
        }
    }
}

fn print_row(name: &str, mut runs: Vec<Run>) {
    runs.sort_by_key(|r| r.event);
    let median = &runs[runs.len() / 2];
    println!(
        "{name:<34} {:>10.1} {:>10.1} {:>6} {:>7}",
        median.event.as_secs_f64() * 1e3,
        median.search.as_secs_f64() * 1e3,
        median.quick,
        median.changed
    );
}

/// The corpus and the theme, with a snippet included at the end of the first articles of each
/// language.
fn prepare(corpus: &Path, dir: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    copy_tree(&corpus.join("content"), &dir.join("content"));
    copy_tree(&repo.join("site"), &dir.join("site"));
    let content = dir.join("content");
    write(
        &content.join("en/_snippets/bench.md"),
        "A shared paragraph.\n",
    );
    for lang in ["en", "it", "es", "ru", "vi"] {
        let folder = content.join(lang);
        let mut articles = cli_support::files_under(&folder);
        articles.retain(|p| {
            let page = p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md");
            page && !p.components().any(|c| c.as_os_str() == "_snippets")
        });
        articles.sort();
        for path in articles.iter().take(INCLUDING) {
            append(path, "\n{{#snippet bench}}\n");
        }
    }
}

/// The category the edited articles are in.
fn category(content: &Path) -> PathBuf {
    content.join("en/users/account")
}

/// The edited article in language `lang`: the category's first (in file name order).
fn article(content: &Path, lang: &str) -> PathBuf {
    let en = category(content);
    let mut names: Vec<PathBuf> = std::fs::read_dir(&en)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            !p.ends_with("_index.md")
                && !p
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("bench-")
        })
        .collect();
    names.sort();
    let name = names[0].file_name().unwrap().to_owned();
    content.join(lang).join("users/account").join(name)
}

fn append(path: &Path, text: &str) {
    let old = std::fs::read_to_string(path).unwrap();
    write(path, &format!("{old}{text}"));
}

/// Adds ` n` to the article's title (inside its quotes).
fn retitle(path: &Path, n: usize) {
    let old = std::fs::read_to_string(path).unwrap();
    let line = old.lines().find(|l| l.starts_with("title:")).unwrap();
    let title = line.trim_end_matches('"');
    let new = format!("{title} {n}{}", &line[title.len()..]);
    write(path, &old.replacen(line, &new, 1));
}

/// Replaces the first `from` in a file by `to`; a round after the first finds its own text.
fn replace(path: &Path, from: &str, to: &str) {
    let old = std::fs::read_to_string(path).unwrap();
    let at = old.find(from).expect("the text to replace");
    let end = old[at + 1..].find('\n').map_or(old.len(), |e| at + 1 + e);
    write(path, &format!("{}{to}{}", &old[..at], &old[end..]));
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn remove(path: &Path) {
    std::fs::remove_file(path).unwrap();
}
