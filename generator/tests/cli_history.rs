//! Writers' tools that read the content's git history: `check --since REV` (articles gone
//! without an alias) and translation status (commits that changed an original since its
//! translation's last commit; the `updated` dates where history is not known). Each test makes
//! a repository of its own, with fixed authors and dates.

mod cli_support;

use std::path::Path;

use cli_support::pages::*;
use cli_support::*;

/// Runs git in `dir` with a fixed author and dates, so history is the same on every machine.
fn git(dir: &Path, args: &[&str], date: &str) {
    let output = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=Writer",
            "-c",
            "user.email=writer@example.com",
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn commit_all(dir: &Path, message: &str, date: &str) {
    git(dir, &["add", "-A"], date);
    git(dir, &["commit", "-q", "-m", message], date);
}

/// `minimal/` in a git repository of its own, with one commit.
fn repository() -> tempfile::TempDir {
    let dir = workspace(&fixture("minimal"));
    git(dir.path(), &["init", "-q"], "2026-01-05T10:00:00Z");
    commit_all(dir.path(), "Start", "2026-01-05T10:00:00Z");
    dir
}

fn messages(report: &serde_json::Value, start: &str) -> Vec<serde_json::Value> {
    let all = report["diagnostics"].as_array().unwrap();
    let found = all
        .iter()
        .filter(|d| d["message"].as_str().unwrap().starts_with(start));
    found.cloned().collect()
}

#[test]
fn check_since_warns_for_each_article_gone_without_an_alias() {
    let dir = repository();
    let account = dir.path().join("content/en/users/account");
    std::fs::rename(
        account.join("change-email.md"),
        account.join("email-address.md"),
    )
    .unwrap();
    add_key(&account.join("reset-password.md"), "slug: password-reset");

    let report = json(&run(
        dir.path(),
        &["check", "--since", "main", "--format", "json"],
    ));
    let gone = messages(&report, "/en/users/account/");
    let found: Vec<(&str, &str)> = gone
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["hint"].as_str().unwrap()))
        .collect();
    assert_eq!(found.len(), 2, "{report:#}");
    assert_eq!(found[0].0, "content/en/users/account/change-email.md");
    assert!(
        found[0].1.contains(
            "add `aliases: [users/account/change-email]` to the front matter of its new file"
        ),
        "{}",
        found[0].1
    );
    assert_eq!(found[1].0, "content/en/users/account/reset-password.md");
    assert!(
        found[1]
            .1
            .contains("its `slug` changed: add `aliases: [users/account/reset-password]`"),
        "{}",
        found[1].1
    );
    let message = gone[0]["message"].as_str().unwrap();
    assert_eq!(message, "/en/users/account/change-email/ (this file at main) is gone without an alias: links and bookmarks to it now lead nowhere");

    add_key(
        &account.join("email-address.md"),
        "aliases: [users/account/change-email]",
    );
    add_key(
        &account.join("reset-password.md"),
        "aliases: [users/account/reset-password]",
    );
    let report = json(&run(
        dir.path(),
        &["check", "--since", "main", "--format", "json"],
    ));
    assert!(
        messages(&report, "/en/users/account/").is_empty(),
        "{report:#}"
    );
}

#[test]
fn check_since_an_unknown_revision_or_without_git_is_a_usage_error() {
    let dir = repository();
    let output = run(dir.path(), &["check", "--since", "no-such-branch"]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(
        err.starts_with(
            "error: --since: `no-such-branch` is not a revision of the repository of content"
        ),
        "{err}"
    );
    assert!(!err.contains("checked "), "nothing is checked: {err}");

    let plain = workspace(&fixture("minimal"));
    let output = run(plain.path(), &["check", "--since", "main"]);
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output).trim(),
        "error: --since: content is not in a git repository"
    );
}

fn translation_files(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["translations"][0]["files"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn with_git_a_translation_is_behind_by_the_original_s_commits_since_its_own_last_one() {
    let dir = repository();
    let content = dir.path().join("content");
    let (en, it) = (
        "en/users/account/reset-password.md",
        "it/users/account/reset-password.md",
    );
    append(&content.join(en), "A new paragraph.");
    commit_all(dir.path(), "Explain more", "2026-03-10T09:00:00Z");
    append(&content.join(en), "And another.");
    commit_all(dir.path(), "And more", "2026-03-12T18:30:00Z");

    let report = json(&run(dir.path(), &["check", "--format", "json"]));
    let behind: Vec<serde_json::Value> = translation_files(&report)
        .into_iter()
        .filter(|f| f["state"] == "behind")
        .collect();
    assert_eq!(behind.len(), 1, "{report:#}");
    assert_eq!(behind[0]["file"], format!("content/{it}"));
    assert_eq!(behind[0]["original"], format!("content/{en}"));
    assert_eq!(
        (
            behind[0]["changes"].as_u64(),
            behind[0]["original_changed"].as_str()
        ),
        (Some(2), Some("2026-03-12"))
    );
    assert_eq!(report["translation_basis"]["commits"], 3);
    let warning = &messages(&report, "translation behind")[0];
    assert_eq!(warning["message"], "translation behind: 2 commit(s) changed the en article since this translation last changed (the latest on 2026-03-12)");

    assert_eq!(code(&build(dir.path())), 0);
    let page = page_at(
        &dir.path().join("public"),
        "/it/users/account/reset-password/",
    );
    let notice = texts(&page, "article p.notice");
    assert_eq!(notice, ["Questa traduzione potrebbe non essere aggiornata: la versione originale (English) è cambiata il 12 marzo 2026. Leggi la versione originale"]);
    assert_eq!(
        hrefs(&page, "article p.notice a"),
        ["/en/users/account/reset-password/"]
    );

    append(&content.join(it), "Un nuovo paragrafo.");
    commit_all(dir.path(), "Tradotto", "2026-03-13T08:00:00Z");
    let report = json(&run(dir.path(), &["check", "--format", "json"]));
    assert!(
        messages(&report, "translation behind").is_empty(),
        "{report:#}"
    );
    assert_eq!(code(&build(dir.path())), 0);
    let page = page_at(
        &dir.path().join("public"),
        "/it/users/account/reset-password/",
    );
    assert!(texts(&page, "article p.notice").is_empty());
}

#[test]
fn without_history_the_updated_dates_decide_and_check_says_so_once() {
    // Not committed yet: its dates decide, in a repository too.
    let dir = repository();
    let content = dir.path().join("content");
    add_key(
        &content.join("en/users/account/change-email.md"),
        "updated: 2026-03-01",
    );
    let it = content.join("it/users/account/change-email.md");
    write(
        &it,
        "---\ntitle: Cambiare email\nupdated: 2026-02-01\n---\nVai nelle impostazioni.\n",
    );
    let report = json(&run(dir.path(), &["check", "--format", "json"]));
    assert_eq!(report["translation_basis"]["by_dates"], 1, "{report:#}");
    let warning = &messages(&report, "translation behind")[0];
    assert_eq!(warning["file"], "content/it/users/account/change-email.md");
    assert!(warning["message"]
        .as_str()
        .unwrap()
        .contains("updated on 2026-03-01, this translation on 2026-02-01"));

    let plain = workspace(&fixture("minimal"));
    let output = run(plain.path(), &["check"]);
    let out = stdout(&output);
    let said = "(judged by the `updated` dates: content is not in a git repository)";
    assert_eq!(out.matches(said).count(), 1, "{out}");
}

#[test]
fn in_a_shallow_clone_history_is_incomplete_and_files_at_its_edge_use_their_dates() {
    let dir = repository();
    let content = dir.path().join("content");
    append(&content.join("en/users/account/reset-password.md"), "More.");
    commit_all(dir.path(), "More", "2026-03-10T09:00:00Z");
    let clone = tempfile::tempdir().unwrap();
    let source = format!("file://{}", dir.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", &source, "shallow"],
        "2026-03-11T00:00:00Z",
    );
    let shallow = clone.path().join("shallow");
    let output = run(&shallow, &["check", "--format", "json"]);
    let report = json(&output);
    assert_eq!(report["translation_basis"]["shallow"], true, "{report:#}");
    assert_eq!(report["translation_basis"]["by_dates"], 1);
    let human = stdout(&run(&shallow, &["check"]));
    assert!(human.contains("a shallow clone, so history is incomplete; 1 translation(s) without known history judged by their `updated` dates"), "{human}");
}
