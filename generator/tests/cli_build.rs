//! `helpcenter build`: one summary line, plain progress lines without a terminal, `--quiet`,
//! `--verbose`, the output formats and the exit codes (0 built, 1 errors, 2 usage).

mod cli_support;

use cli_support::*;

#[test]
fn builds_with_one_summary_line_and_plain_progress_lines() {
    let dir = workspace(&fixture("minimal"));
    let output = run(dir.path(), &["build"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = stdout(&output);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.starts_with("built ")
            && out.contains(" pages (en ")
            && out.contains(", it ")
            && out.contains(" s, ")
            && out.contains("warning(s)"),
        "{out}"
    );
    assert!(dir.path().join("public/en/index.html").exists());
    // No terminal: a line per step, nothing a log would show as garbage.
    let err = stderr(&output);
    assert!(
        err.contains("rendering ")
            && err
                .lines()
                .all(|l| !l.contains('\r') && !l.contains('\x1b')),
        "{err}"
    );
}

#[test]
fn quiet_prints_nothing_but_errors_and_verbose_prints_step_times() {
    let dir = workspace(&fixture("minimal"));
    let quiet = run(dir.path(), &["build", "--quiet"]);
    assert_eq!(code(&quiet), 0);
    assert_eq!(stdout(&quiet), "");
    // The fixture has an untranslated article: its warning is not an error.
    assert_eq!(stderr(&quiet), "");

    let verbose = run(dir.path(), &["-v", "build"]);
    assert_eq!(code(&verbose), 0);
    assert!(
        stderr(&verbose).contains("rendered ") && stderr(&verbose).contains(" s\n"),
        "{}",
        stderr(&verbose)
    );
    assert!(
        stdout(&verbose).contains("article(s) shown in the default language"),
        "{}",
        stdout(&verbose)
    );
}

#[test]
fn errors_exit_1_and_leave_the_previous_site() {
    let dir = workspace(&fixture("broken/several-errors"));
    std::fs::create_dir_all(dir.path().join("public")).unwrap();
    write(&dir.path().join("public/index.html"), "previous");
    let output = run(dir.path(), &["build"]);
    assert_eq!(code(&output), 1);
    let err = stderr(&output);
    assert!(
        err.contains("error: content/en/users/account/")
            && err.contains("build failed: 2 error(s); public was left as it was"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("public/index.html")).unwrap(),
        "previous"
    );
}

#[test]
fn json_and_github_formats() {
    let dir = workspace(&fixture("broken/several-errors"));
    let failed = json(&run(dir.path(), &["build", "--format", "json"]));
    assert_eq!(failed["ok"], false);
    assert_eq!(failed["errors"], 2);
    let github = run(dir.path(), &["build", "--format", "github"]);
    assert_eq!(code(&github), 1);
    let annotations = stdout(&github)
        .lines()
        .filter(|l| l.starts_with("::"))
        .count();
    assert_eq!(annotations, failed["diagnostics"].as_array().unwrap().len());

    let ok = workspace(&fixture("minimal"));
    let built = json(&run(ok.path(), &["build", "--format", "json"]));
    assert_eq!(built["ok"], true);
    assert!(
        built["pages"].as_u64().unwrap() > 0
            && built["pages_per_language"]["it"].as_u64().unwrap() > 0,
        "{built}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["build", "--format", "xml"][..],
        &["--quiet", "--verbose", "build"],
        &["bulid"],
        &[],
    ] {
        assert_eq!(code(&run(dir.path(), args)), 2, "{args:?}");
    }
}

#[test]
fn the_writers_favicon_and_theme_color_replace_the_themes() {
    let dir = workspace(&fixture("minimal"));
    let content = dir.path().join("content");
    write(
        &content.join("static/brand/icon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    write(&content.join("static/favicon.ico"), "the writer's icon");
    let settings = content.join("helpcenter.yaml");
    let yaml = std::fs::read_to_string(&settings).unwrap();
    write(
        &settings,
        &format!("{yaml}favicon: brand/icon.svg\ntheme_color: \"#0a7d32\"\n"),
    );
    let output = run(dir.path(), &["build"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let public = dir.path().join("public");
    let home = std::fs::read_to_string(public.join("en/index.html")).unwrap();
    assert!(
        home.contains("<meta name=\"theme-color\" content=\"#0a7d32\">"),
        "{home}"
    );
    assert!(
        home.contains("<link rel=\"icon\" href=\"/brand/icon.svg\">"),
        "{home}"
    );
    assert!(
        !home.contains("/assets/favicon."),
        "only the writer's icon: {home}"
    );
    let root_icon = std::fs::read_to_string(public.join("favicon.ico")).unwrap();
    assert_eq!(
        root_icon, "the writer's icon",
        "content/static/ wins over the theme"
    );
}
