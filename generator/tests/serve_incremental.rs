//! `serve`'s quick path gives the site a full build gives: a sequence of edits to the example
//! content (six languages) goes through `Preview::rebuild` as the watcher reports them, and after
//! each one every file served — pages, sitemap, contract, search bundles once written again in the
//! background — is compared byte for byte with a fresh full build of the content as it is then.

mod cli_support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cli_support::{copy_tree, repo};
use helpcenter::build::{self, BuildOptions, Hooks};
use helpcenter::serve::{self, Preview, ServeOptions, LOCAL_ENDPOINT};
use helpcenter::watch::Changes;
use helpcenter::write::{SiteFiles, Staged, Staging};

struct Site {
    dir: tempfile::TempDir,
    url: String,
    preview: Arc<Preview>,
    _runtime: tokio::runtime::Runtime,
}

fn example() -> Site {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("content"), &dir.path().join("content"));
    copy_tree(&repo().join("site"), &dir.path().join("site"));
    let options = ServeOptions {
        content_dir: dir.path().join("content"),
        site_dir: dir.path().join("site"),
        state_dir: dir.path().join("state"),
        port: 0,
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(serve::bind(&options)).unwrap();
    server.preview.rebuild(None, None).unwrap();
    Site {
        dir,
        url: server.url,
        preview: server.preview,
        _runtime: runtime,
    }
}

impl Site {
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join("content").join(rel)
    }

    /// Replaces `from` by `to` in a content file, as an editor saves it, and rebuilds as `serve`
    /// does after the watcher reports it; says whether the quick path took it.
    fn edit(&self, rel: &str, from: &str, to: &str) -> Result<bool, serve::ServeError> {
        self.edit_file(self.path(rel), from, to)
    }

    /// [`Site::edit`] of any file (the theme's too).
    fn edit_file(&self, path: PathBuf, from: &str, to: &str) -> Result<bool, serve::ServeError> {
        let rel = path.display();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has no `{from}`");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        let changes = Changes {
            modified: [path].into(),
            ..Changes::default()
        };
        self.rebuild(&changes)
    }

    fn rebuild(&self, changes: &Changes) -> Result<bool, serve::ServeError> {
        let rebuilt = self.preview.rebuild(Some(changes), None)?;
        self.preview.wait_for_search();
        Ok(rebuilt.quick)
    }

    /// Every file served, compared with a fresh full build of the content as it is now.
    fn assert_as_built(&self, step: &str) {
        let options = BuildOptions {
            content_dir: self.dir.path().join("content"),
            site_dir: self.dir.path().join("site"),
            out_dir: PathBuf::new(),
            base_url: Some(self.url.clone()),
            ticket_endpoint: Some(LOCAL_ENDPOINT.to_string()),
        };
        let (_, staged) = build::run(&options, Staging::in_memory(), &Hooks::default()).unwrap();
        let Staged::Memory(fresh) = staged else {
            unreachable!()
        };
        let served = self.preview.served();
        let names = |s: &SiteFiles| s.files.keys().cloned().collect::<BTreeSet<_>>();
        assert_eq!(names(&served), names(&fresh), "{step}: the same files");
        let differing: Vec<&String> = (fresh.files.iter())
            .filter(|(name, file)| **file != served.files[*name])
            .map(|(name, _)| name)
            .collect();
        assert!(
            differing.is_empty(),
            "{step}: differ from a full build: {differing:?}"
        );
    }
}

const ARTICLE: &str = "en/users/account/reset-your-password.md";
const TRANSLATION: &str = "it/users/account/reset-your-password.md";
const SNIPPET: &str = "en/_snippets/unrecognised-charge.md";

fn first_line(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .find(|l| l.len() > 20 && !l.contains(':'))
        .unwrap()
        .to_string()
}

#[test]
fn edits_through_the_quick_path_give_the_site_a_full_build_gives() {
    let site = example();
    site.assert_as_built("first build");

    let body = first_line(&site.path(ARTICLE));
    let quick = site
        .edit(ARTICLE, &body, "A freshly edited paragraph.")
        .unwrap();
    assert!(quick, "a body edit takes the quick path");
    site.assert_as_built("an article's body");

    let quick = site
        .edit(ARTICLE, "summary: ", "summary: Newly summed up, ")
        .unwrap();
    assert!(quick, "a summary edit takes the quick path");
    site.assert_as_built("an article's summary (listed on other pages)");

    let body = first_line(&site.path(TRANSLATION));
    assert!(site
        .edit(TRANSLATION, &body, "Un paragrafo nuovo.")
        .unwrap());
    site.assert_as_built("a translation's body");

    let body = first_line(&site.path(SNIPPET));
    assert!(site
        .edit(SNIPPET, &body, "A snippet edited once for all.")
        .unwrap());
    site.assert_as_built("a snippet included by articles in six languages");

    let broken = "A freshly edited paragraph. See [gone](no-such-article.md).";
    let failed = site.edit(ARTICLE, "A freshly edited paragraph.", broken);
    assert!(
        failed.is_err(),
        "a broken link fails the quick path as the full build"
    );
    let fixed = "A freshly edited paragraph, fixed.";
    assert!(site.edit(ARTICLE, broken, fixed).unwrap());
    site.assert_as_built("a failed edit, then its fix");

    // A link from another audience's article: neither a neighbour nor relating to it.
    let linked = "en/users/billing-payments/manage-your-subscriptions.md";
    let far = "en/creators/payouts/add-your-tax-information.md";
    let link = "\n\nSee [cancelling](../../users/billing-payments/manage-your-subscriptions.md#cancel-a-membership).\n";
    let text = std::fs::read_to_string(site.path(far)).unwrap();
    let last = text.trim_end().lines().last().unwrap().to_string();
    assert!(site.edit(far, &last, &format!("{last}{link}")).unwrap());
    let heading = "{#cancel-a-membership}";
    let renamed = site.edit(linked, heading, "{#end-a-membership}");
    let Err(serve::ServeError::Build(build::BuildError::Content(problems))) = renamed else {
        panic!("other articles link to the heading: the quick path checks links to it")
    };
    assert!(
        problems
            .iter()
            .any(|d| d.is_error() && d.file.ends_with(far)),
        "the link from another audience is reported: {problems:?}"
    );
    assert!(site.edit(linked, "{#end-a-membership}", heading).unwrap());
    site.assert_as_built("a heading another article links to, renamed and back");

    let quick = site.edit(ARTICLE, "title: ", "title: Newly ").unwrap();
    assert!(
        quick,
        "a title that keeps the article's place takes the quick path"
    );
    site.assert_as_built("a new title (its neighbours, lists and related articles show it)");

    let tags = site.edit(ARTICLE, "tags: [", "tags: [fresh, ").unwrap();
    assert!(!tags, "tags place an article: the full build");
    site.assert_as_built("new tags");

    let new = site.path("en/users/account/brand-new.md");
    std::fs::write(&new, "---\ntitle: Brand new\n---\nHello.\n").unwrap();
    let added = Changes {
        added: [new.clone()].into(),
        ..Changes::default()
    };
    assert!(
        !site.rebuild(&added).unwrap(),
        "a new article: the full build"
    );
    assert!(site
        .edit("en/users/account/brand-new.md", "Hello.", "Hello again.")
        .unwrap());
    site.assert_as_built("a new article, then edited");
}

#[test]
fn ui_string_edits_through_the_quick_path_give_the_site_a_full_build_gives() {
    let site = example();
    let strings = |code: &str| site.dir.path().join(format!("site/i18n/{code}.yaml"));

    let it = site.edit_file(
        strings("it"),
        "skip_to_content: ",
        "skip_to_content: Vai pure ",
    );
    assert!(it.unwrap(), "a language's UI string takes the quick path");
    site.assert_as_built("an Italian UI string (every Italian page)");

    let en = "feedback_question: Was this article helpful?";
    let quick = site.edit_file(strings("en"), en, "feedback_question: Did this help?");
    assert!(quick.unwrap(), "the reference language's UI string too");
    site.assert_as_built("an English UI string (the reference: every language may show it)");

    let email = "email_label_category: \"Tema\"";
    let quick = site.edit_file(strings("es"), email, "email_label_category: \"Asunto\"");
    assert!(quick.unwrap(), "an email's word takes the quick path");
    site.assert_as_built("a Spanish email word (the ticket contract only)");

    let missing = site.edit_file(strings("vi"), "skip_to_content: ", "skip_to_kontent: ");
    assert!(
        matches!(
            missing,
            Err(serve::ServeError::Build(build::BuildError::Content(_)))
        ),
        "a UI string missing fails as in the full build"
    );
    let restored = site.edit_file(strings("vi"), "skip_to_kontent: ", "skip_to_content: ");
    assert!(
        !restored.unwrap(),
        "after a failed full build, the full build"
    );
    site.assert_as_built("a missing UI string, then restored");
}
