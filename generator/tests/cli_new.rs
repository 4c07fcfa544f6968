//! `helpcenter new DIR`: a starter that builds and checks clean at once, written only into an
//! empty or new folder.

mod cli_support;

use cli_support::*;

#[test]
fn the_starter_builds_and_checks_clean_at_once() {
    let root = tempfile::tempdir().unwrap();
    let output = run(root.path(), &["new", "my-help"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stdout(&output).contains("helpcenter serve"),
        "says what to do next"
    );
    let dir = root.path().join("my-help");
    for file in [
        "content/helpcenter.yaml",
        "content/en/_index.md",
        "content/en/contact.md",
        "site/templates/base.html",
        "site/i18n/en.yaml",
        ".gitignore",
        "README.md",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let audiences = std::fs::read_dir(dir.join("content/en"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.ends_with("_snippets"))
        .count();
    assert_eq!(audiences, 3);

    let built = run(&dir, &["build"]);
    assert_eq!(code(&built), 0, "{}", stderr(&built));
    assert!(
        dir.join("public/en/index.html").is_file()
            && dir.join("public/ticket-contract.json").is_file()
    );
    // Its examples of the writers' tools: an alias and a snippet.
    let moved = std::fs::read_to_string(
        dir.join("public/en/customers/account/update-your-email/index.html"),
    )
    .unwrap();
    assert!(
        moved.contains("url=/en/customers/account/change-your-email/"),
        "{moved}"
    );
    let redirects = std::fs::read_to_string(dir.join("public/_redirects")).unwrap();
    assert!(redirects.contains(
        "/en/customers/account/update-your-email/ /en/customers/account/change-your-email/ 301"
    ));
    for article in ["reset-your-password", "change-your-email"] {
        let page = std::fs::read_to_string(
            dir.join(format!("public/en/customers/account/{article}/index.html")),
        )
        .unwrap();
        assert!(
            page.contains("id=\"still-stuck\"") && page.contains("href=\"/en/contact/\""),
            "{article}"
        );
    }
    let checked = run(&dir, &["check", "--strict"]);
    assert_eq!(
        code(&checked),
        0,
        "no warnings either:\n{}",
        stderr(&checked)
    );
}

#[test]
fn refuses_a_folder_that_is_not_empty() {
    let root = tempfile::tempdir().unwrap();
    write(&root.path().join("notes.txt"), "mine");
    let output = run(root.path(), &["new", "."]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("is not empty"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_dir(root.path()).unwrap().count(),
        1,
        "nothing was written"
    );

    std::fs::create_dir(root.path().join("empty")).unwrap();
    assert_eq!(
        code(&run(root.path(), &["new", "empty"])),
        0,
        "an empty folder is fine"
    );
}

#[test]
fn needs_a_folder() {
    let root = tempfile::tempdir().unwrap();
    assert_eq!(code(&run(root.path(), &["new"])), 2);
}
