//! The writers' tools for moving and sharing content: snippets (`content/<lang>/_snippets/`) in
//! a build and in `serve`, and aliases of moved articles (`check --since` and translation status
//! from git history are in `cli_history.rs`).

mod cli_support;

use std::path::Path;

use cli_support::pages::*;
use cli_support::serve;
use cli_support::*;
use scraper::{Html, Selector};

#[test]
fn snippets_join_the_page_with_their_headings_and_links_and_fall_back_to_the_default_language() {
    let dir = workspace(&fixture("minimal"));
    let content = dir.path().join("content");
    write(
        &content.join("en/_snippets/need-help.md"),
        "## Still stuck?\n\nAsk [the team](../../contact.md).\n\n### By email\n\nRead [the email steps](change-email.md).\n",
    );
    write(
        &content.join("en/_snippets/unused.md"),
        "Nobody includes me.\n",
    );
    for lang in ["en", "it"] {
        let article = content.join(lang).join("users/account/reset-password.md");
        let text = std::fs::read_to_string(&article).unwrap();
        std::fs::write(&article, format!("{text}\n{{{{#snippet need-help}}}}\n")).unwrap();
    }
    let output = build(dir.path());
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = dir.path().join("public");
    for lang in ["en", "it"] {
        let doc = page_at(&out, &format!("/{lang}/users/account/reset-password/"));
        let toc = texts(&doc, ".toc a");
        assert!(
            toc.ends_with(&["Still stuck?".into(), "By email".into()]),
            "{lang}: {toc:?}"
        );
        let links = hrefs(&doc, ".prose a");
        assert!(
            links.contains(&format!("/{lang}/contact/")),
            "{lang}: {links:?}"
        );
        assert!(
            links.contains(&format!("/{lang}/users/account/change-email/")),
            "{lang}: {links:?}"
        );
    }

    let report = json(&run(dir.path(), &["check", "--format", "json"]));
    let unused: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["message"].as_str().unwrap().starts_with("unused snippet"))
        .collect();
    assert_eq!(unused.len(), 1, "{report:#}");
    assert_eq!(unused[0]["file"], "content/en/_snippets/unused.md");
}

#[test]
fn a_language_s_own_snippet_wins_and_a_broken_link_in_a_snippet_is_reported_in_the_snippet() {
    let dir = workspace(&fixture("minimal"));
    let content = dir.path().join("content");
    write(&content.join("en/_snippets/note.md"), "English note.\n");
    write(
        &content.join("it/_snippets/note.md"),
        "Nota italiana.\n\nSee [gone](nope.md).\n",
    );
    for lang in ["en", "it"] {
        let article = content.join(lang).join("users/account/reset-password.md");
        let text = std::fs::read_to_string(&article).unwrap();
        std::fs::write(&article, format!("{text}\n{{{{#snippet note}}}}\n")).unwrap();
    }
    let output = build(dir.path());
    assert_eq!(code(&output), 1);
    let stderr = stderr(&output);
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(
        errors,
        ["error: content/it/_snippets/note.md:3: broken link: `nope.md` is not an article, category or page of the help center"]
    );

    std::fs::write(content.join("it/_snippets/note.md"), "Nota italiana.\n").unwrap();
    let output = build(dir.path());
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let out = dir.path().join("public");
    let it =
        std::fs::read_to_string(out.join("it/users/account/reset-password/index.html")).unwrap();
    let en =
        std::fs::read_to_string(out.join("en/users/account/reset-password/index.html")).unwrap();
    assert!(it.contains("Nota italiana.") && !it.contains("English note."));
    assert!(en.contains("English note.") && !en.contains("Nota italiana."));
}

fn attr(doc: &Html, css: &str, name: &str) -> String {
    let selector = Selector::parse(css).unwrap();
    let e = doc
        .select(&selector)
        .next()
        .unwrap_or_else(|| panic!("no {css}"));
    e.value().attr(name).unwrap().to_string()
}

#[test]
fn old_paths_send_visitors_to_the_moved_article_in_every_language_that_shows_it() {
    let dir = workspace(&fixture("minimal"));
    let content = dir.path().join("content");
    add_key(
        &content.join("en/users/account/change-email.md"),
        "aliases: [users/account/old-email, users/account/legacy.html]",
    );
    add_key(
        &content.join("en/users/account/reset-password.md"),
        "aliases: [users/sign-in/forgot-password/]",
    );
    add_key(
        &content.join("it/users/account/reset-password.md"),
        "aliases: [users/account/password-dimenticata]",
    );
    let output = build(dir.path());
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = dir.path().join("public");
    let (en, it) = (
        "This page has moved to",
        "Questa pagina è stata spostata in",
    );
    let cases = [
        (
            "en/users/account/old-email/index.html",
            "/en/users/account/change-email/",
            en,
        ),
        (
            "en/users/account/legacy.html",
            "/en/users/account/change-email/",
            en,
        ),
        // Not translated: the Italian page shows the English doc, and its aliases.
        (
            "it/users/account/old-email/index.html",
            "/it/users/account/change-email/",
            it,
        ),
        (
            "en/users/sign-in/forgot-password/index.html",
            "/en/users/account/reset-password/",
            en,
        ),
        (
            "it/users/account/password-dimenticata/index.html",
            "/it/users/account/reset-password/",
            it,
        ),
    ];
    for (file, to, moved) in cases {
        assert_redirect_page(&out.join(file), to, moved);
    }
    assert!(
        !out.join("it/users/sign-in/forgot-password").exists(),
        "the Italian translation has aliases of its own"
    );
    assert_redirects_file_and_sitemap(&out);
}

/// The page at an old path sends visitors to `to` at once, names it canonical, is not indexed.
fn assert_redirect_page(file: &Path, to: &str, moved: &str) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let doc = Html::parse_document(&text);
    let refresh = attr(&doc, "meta[http-equiv=refresh]", "content");
    assert_eq!(refresh, format!("0; url={to}"), "{text}");
    let canonical = attr(&doc, "link[rel=canonical]", "href");
    assert_eq!(
        canonical,
        format!("https://help.tiny.example{to}"),
        "{text}"
    );
    assert_eq!(
        attr(&doc, "meta[name=robots]", "content"),
        "noindex",
        "{text}"
    );
    assert_eq!(attr(&doc, "body a", "href"), to, "{text}");
    assert!(texts(&doc, "body p")[0].starts_with(moved), "{text}");
}

fn assert_redirects_file_and_sitemap(out: &Path) {
    let redirects = std::fs::read_to_string(out.join("_redirects")).unwrap();
    let lines: Vec<&str> = redirects.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        lines,
        [
            "/en/users/sign-in/forgot-password/ /en/users/account/reset-password/ 301",
            "/en/users/account/old-email/ /en/users/account/change-email/ 301",
            "/en/users/account/legacy.html /en/users/account/change-email/ 301",
            "/it/users/account/password-dimenticata/ /it/users/account/reset-password/ 301",
            "/it/users/account/old-email/ /it/users/account/change-email/ 301",
            "/it/users/account/legacy.html /it/users/account/change-email/ 301",
        ]
    );
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("/en/users/account/change-email/"));
    for old in [
        "old-email",
        "legacy",
        "forgot-password",
        "password-dimenticata",
    ] {
        assert!(
            !sitemap.contains(old),
            "the sitemap lists only real pages: {old}"
        );
    }
}

#[test]
fn serve_renders_again_exactly_the_pages_that_include_a_snippet_when_it_changes() {
    let dir = workspace(&fixture("minimal"));
    let content = dir.path().join("content");
    write(&content.join("en/_snippets/note.md"), "First note.\n");
    append(
        &content.join("en/users/account/reset-password.md"),
        "{{#snippet note}}",
    );
    append(
        &content.join("it/users/account/reset-password.md"),
        "{{#snippet note}}",
    );
    let served = serve::serve(dir.path());
    let events = serve::events(&served.url);
    serve::next_event(&events);

    std::fs::write(content.join("en/_snippets/note.md"), "Second note.\n").unwrap();
    let (name, built) = serve::next_event(&events);
    assert_eq!(name, "built");
    let changed = serde_json::json!([
        "/en/users/account/reset-password/",
        "/it/users/account/reset-password/"
    ]);
    assert_eq!(built["changed"], changed);
    for lang in ["en", "it"] {
        let url = format!("{}/{lang}/users/account/reset-password/", served.url);
        assert!(serve::get(&url).1.contains("Second note."), "{lang}");
    }
}
