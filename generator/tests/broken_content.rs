//! Writers' safety: each tree under `tests/fixtures/broken/` is the valid `tests/fixtures/minimal/`
//! tree with one problem. Building it must fail with exit code 1 and the exact diagnostic (file,
//! line, message), report nothing else, and leave the previous output as it was.

mod cli_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use helpcenter::build::{build, BuildError, BuildOptions};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures");
const SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../site");

/// (case folder, file relative to the case's content folder, line, start of the message). A case
/// with several rows must report all of them; every error a case reports must be in the table.
const EXPECTED: &[(&str, &str, Option<usize>, &str)] = &[
    ("yaml-syntax", "en/users/account/change-email.md", Some(3), "found unexpected end of stream, while scanning a quoted scalar"),
    ("yaml-duplicate-key", "en/users/account/change-email.md", Some(5), "duplicate field `title`"),
    // Other articles link to it and it is translated: the file still exists, so that is all.
    ("yaml-duplicate-key-linked", "en/users/account/reset-password.md", Some(5), "duplicate field `title`"),
    ("bad-date", "en/users/account/change-email.md", Some(5), "updated: `2026-02-31` is not a date: February 2026 has 28 days"),
    ("empty-title", "en/users/account/change-email.md", Some(2), "title: must not be empty"),
    ("bad-slug", "en/users/account/change-email.md", Some(5), "slug: `Change email` is not a URL segment: `C` (a capital) is not allowed"),
    ("unknown-key", "en/users/account/change-email.md", Some(5), "unknown field `author`, expected one of `title`, `summary`, `tags`, `order`, `updated`, `draft`, `slug`"),
    ("missing-title", "en/users/account/change-email.md", Some(2), "missing field `title`"),
    ("config-unknown-key", "helpcenter.yaml", Some(10), "unknown field `colour`, expected one of `title`, `base_url`"),
    ("unknown-language-folder", "fr", None, "unknown language folder `fr`"),
    ("unknown-audience-folder", "en/partners", None, "unknown audience folder `partners`"),
    ("unknown-category-folder", "it/users/extra", None, "unknown category folder `users/extra`: the default language has no such category"),
    ("category-without-index", "en/users/misc/stray.md", None, "unknown category folder `users/misc`"),
    ("broken-article-link", "en/users/account/change-email.md", Some(10), "broken link: `reset-passwrd.md` is not an article, category or page of the help center"),
    ("broken-anchor", "en/users/account/change-email.md", Some(10), "broken link: `/en/users/account/reset-password/` has no heading `#check-your-inbox`"),
    ("duplicate-url", "en/users/account/update-email.md", Some(3), "duplicate URL /en/users/account/change-email/: duplicate-url/en/users/account/change-email.md has it too"),
    ("missing-label-translation", "it/users/account/_index.md", None, "missing required label translation: users/account/_index.md does not exist in `it`"),
    ("missing-subcategory-title", "it/users/account/_index.md", Some(4), "missing required label translation: subcategory `sign-in` has no title in `it`"),
    ("several-errors", "en/users/account/change-email.md", Some(5), "unknown field `author`"),
    ("alias-dotdot", "en/users/account/change-email.md", Some(2), "aliases[0]: `users/../account/old-name` is not an old path of this help center: it has a `.` or `..` segment"),
    ("alias-absolute-url", "en/users/account/change-email.md", Some(2), "aliases[0]: `https://old.example.com/help/change-email` is not an old path of this help center: it is an absolute URL"),
    ("alias-other-language", "en/users/account/change-email.md", Some(2), "alias `it/users/account/old-name` starts with a language"),
    // Once, though the page of every language that shows this doc has it.
    ("alias-equals-article", "en/users/account/change-email.md", Some(2), "alias `users/account/reset-password` is the path of a page that exists: /en/users/account/reset-password/"),
    ("alias-collision", "en/users/account/change-email.md", Some(2), "alias `users/account/old-name` (/en/users/account/old-name/) is also an alias of alias-collision/en/users/account/reset-password.md"),
    ("snippet-unknown", "en/users/account/change-email.md", Some(12), "unknown snippet `nope`"),
    ("snippet-slash", "en/users/account/change-email.md", Some(12), "snippet name `billing/contacts` has a slash"),
    // Reported once, where the cycle closes, though every page that includes `a` meets it.
    ("snippet-cycle", "en/_snippets/b.md", Some(3), "snippet cycle: snippet-cycle/en/users/account/change-email.md → snippet-cycle/en/_snippets/a.md → snippet-cycle/en/_snippets/b.md → snippet-cycle/en/_snippets/a.md"),
    ("several-errors", "en/users/account/reset-password.md", Some(11), "broken link: `change-mail.md` is not an article"),
];

fn broken_dir() -> PathBuf {
    Path::new(FIXTURES).join("broken")
}

/// Runs `helpcenter build` from `cwd`, so diagnostics name files as `<content>/…`.
fn run_build(cwd: &Path, content: &str, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_helpcenter"))
        .current_dir(cwd)
        .args(["build", "--content", content, "--site"])
        .arg(SITE)
        .arg("--out")
        .arg(out)
        .output()
        .expect("the helpcenter binary runs")
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let file = |path: PathBuf| {
        let bytes = std::fs::read(&path).unwrap();
        (path.strip_prefix(dir).unwrap().to_path_buf(), bytes)
    };
    cli_support::files_under(dir)
        .into_iter()
        .map(file)
        .collect()
}

fn entries(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn expected_line(case: &str, file: &str, line: Option<usize>, message: &str) -> String {
    let location = match line {
        Some(line) => format!("{case}/{file}:{line}"),
        None => format!("{case}/{file}"),
    };
    format!("error: {location}: {message}")
}

/// The valid tree every broken one starts from builds, and is the "previous output" of each case.
fn build_previous_site(parent: &Path) -> PathBuf {
    let out = parent.join("public");
    let result = run_build(Path::new(FIXTURES), "minimal", &out);
    assert_eq!(
        result.status.code(),
        Some(0),
        "the minimal tree builds:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    std::fs::write(out.join("marker.txt"), "previous build").unwrap();
    out
}

#[test]
fn the_minimal_tree_builds_without_errors() {
    let parent = tempfile::tempdir().unwrap();
    let out = build_previous_site(parent.path());
    for page in [
        "index.html",
        "404.html",
        "en/index.html",
        "it/users/account/reset-password/index.html",
        "it/users/account/change-email/index.html",
        "sitemap.xml",
    ] {
        assert!(out.join(page).is_file(), "{page} was built");
    }
    assert_eq!(
        entries(parent.path()),
        BTreeSet::from(["public".to_string()]),
        "no staging folder is left"
    );
}

#[test]
fn links_between_articles_resolve_when_the_content_folder_is_given_as_a_relative_path_with_dotdot()
{
    let parent = tempfile::tempdir().unwrap();
    let result = run_build(&broken_dir(), "../minimal", &parent.path().join("public"));
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let page = std::fs::read_to_string(
        parent
            .path()
            .join("public/en/users/account/change-email/index.html"),
    )
    .unwrap();
    assert!(
        page.contains("href=\"/en/users/account/reset-password/#check-your-email\""),
        "{page}"
    );
}

#[test]
fn every_fixture_folder_has_expectations_and_every_expectation_a_folder() {
    let folders = entries(&broken_dir())
        .into_iter()
        .filter(|name| broken_dir().join(name).is_dir())
        .collect::<BTreeSet<_>>();
    let cases: BTreeSet<String> = EXPECTED.iter().map(|(case, ..)| case.to_string()).collect();
    assert_eq!(folders, cases);
    for (case, file, ..) in EXPECTED {
        let folder = broken_dir().join(case).join(file);
        assert!(
            folder.parent().is_some_and(Path::is_dir),
            "{case}/{file} is in an existing folder"
        );
    }
}

#[test]
fn every_broken_tree_fails_with_its_diagnostic_and_keeps_the_previous_output() {
    let cases: BTreeSet<&str> = EXPECTED.iter().map(|(case, ..)| *case).collect();
    let mut failures = Vec::new();
    for case in cases {
        let parent = tempfile::tempdir().unwrap();
        let out = build_previous_site(parent.path());
        let before = snapshot(&out);

        let result = run_build(&broken_dir(), case, &out);
        let stderr = String::from_utf8_lossy(&result.stderr);
        let mut problems = Vec::new();
        if result.status.code() != Some(1) {
            problems.push(format!("exit code {:?}, expected 1", result.status.code()));
        }
        let expected: Vec<String> = EXPECTED
            .iter()
            .filter(|(c, ..)| *c == case)
            .map(|(c, file, line, message)| expected_line(c, file, *line, message))
            .collect();
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        for want in &expected {
            if !errors.iter().any(|e| e.starts_with(want.as_str())) {
                problems.push(format!("missing diagnostic `{want}`"));
            }
        }
        for error in &errors {
            if !expected.iter().any(|want| error.starts_with(want.as_str())) {
                problems.push(format!("unexpected diagnostic `{error}`"));
            }
        }
        if !stderr.contains(&format!("build failed: {} error(s)", expected.len())) {
            problems.push("no summary with the number of errors".into());
        }
        if snapshot(&out) != before {
            problems.push("the previous output was changed".into());
        }
        if !out.join("marker.txt").is_file() {
            problems.push("the previous output's marker file is gone".into());
        }
        let left = entries(parent.path());
        if left != BTreeSet::from(["public".to_string()]) {
            problems.push(format!("files left next to the output: {left:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{case}:\n    {}\n  stderr:\n{stderr}",
                problems.join("\n    ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The library reports the same diagnostics as data: file, line and message.
#[test]
fn the_library_returns_the_same_diagnostics() {
    for (case, file, line, message) in EXPECTED {
        let parent = tempfile::tempdir().unwrap();
        let content_dir = broken_dir().join(case);
        let options = BuildOptions {
            content_dir: content_dir.clone(),
            site_dir: SITE.into(),
            out_dir: parent.path().join("public"),
            base_url: None,
            ticket_endpoint: None,
        };
        let diagnostics = match build(&options) {
            Err(BuildError::Content(diagnostics)) => diagnostics,
            Err(e) => panic!("{case}: not a content error: {e}"),
            Ok(_) => panic!("{case}: the broken tree built"),
        };
        let message = message.replace(&format!("{case}/"), &format!("{}/", content_dir.display()));
        let found = diagnostics.iter().any(|d| {
            d.is_error()
                && d.file == content_dir.join(file)
                && d.line == *line
                && d.message.starts_with(&message)
                && !d.hint.is_empty()
        });
        assert!(
            found,
            "{case}: no error {file}:{line:?}: {message} with a hint in {diagnostics:#?}"
        );
        assert!(
            !parent.path().join("public").exists(),
            "{case}: a failed build created the output"
        );
        assert!(
            std::fs::read_dir(parent.path()).unwrap().next().is_none(),
            "{case}: a failed build left files behind"
        );
    }
}
