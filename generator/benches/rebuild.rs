//! `helpcenter serve` on the example content (`content/`, six languages): how long after an article
//! is saved the preview serves the new site, and open tabs are told.
//!
//! - `rebuild`: the rebuild alone — load → model → render into memory → compare with the site
//!   served → swap it in;
//! - `save_to_rebuilt`: saving the file, the watcher noticing it (debounced as in `serve`), and the
//!   rebuild — what a writer waits for, minus the browser's reload.
//!
//!     CARGO_TARGET_DIR=/work/target-writers cargo bench -p helpcenter --bench rebuild

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use helpcenter::serve::{self, Preview, ServeOptions, DEBOUNCE};
use helpcenter::watch::Watch;
#[path = "../tests/cli_support/mod.rs"]
mod cli_support;
use cli_support::copy_tree;

/// A preview of a temporary copy of the example content, built once.
fn preview(dir: &Path, runtime: &tokio::runtime::Runtime) -> std::sync::Arc<Preview> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    copy_tree(&repo.join("content"), &dir.join("content"));
    copy_tree(&repo.join("site"), &dir.join("site"));
    let options = ServeOptions {
        content_dir: dir.join("content"),
        site_dir: dir.join("site"),
        state_dir: dir.join("state"),
        port: 0,
    };
    let server = runtime.block_on(serve::bind(&options)).unwrap();
    server.preview.rebuild(None, None).unwrap();
    server.preview
}

/// Saves the article with a new last line, as an editor would.
fn save(article: &Path, original: &str, n: u64) {
    std::fs::write(article, format!("{original}\nEdit number {n}.\n")).unwrap();
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let preview = preview(dir.path(), &runtime);
    let article: PathBuf = dir
        .path()
        .join("content/en/users/account/reset-your-password.md");
    let original = std::fs::read_to_string(&article).unwrap();
    let mut group = c.benchmark_group("serve");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(25));

    group.bench_function("rebuild", |b| {
        b.iter(|| preview.rebuild(None, None).unwrap())
    });

    let roots = [dir.path().join("content"), dir.path().join("site")];
    let mut watch = Watch::start(&roots, DEBOUNCE).unwrap();
    let mut n = 0;
    group.bench_function("save_to_rebuilt", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                n += 1;
                let saved = Instant::now();
                save(&article, &original, n);
                let changes = watch
                    .next_change(Duration::from_secs(10))
                    .expect("the watcher sees the save");
                let rebuilt = preview.rebuild(Some(&changes), None).unwrap();
                total += saved.elapsed();
                assert_eq!(rebuilt.changed_pages, 1);
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
