//! The CI workflow writers copy (`examples/ci/helpcenter.yml`) is valid YAML that checks with
//! GitHub annotations and builds on pull requests, and deploys `public/` from main only.

use serde_norway::Value;

fn workflow() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/ci/helpcenter.yml");
    serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn runs(job: &Value) -> Vec<String> {
    job["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn checks_and_builds_on_pull_requests_and_deploys_from_main() {
    let workflow = workflow();
    assert!(workflow["on"].get("pull_request").is_some());
    assert_eq!(workflow["on"]["push"]["branches"][0], "main");
    let site = &workflow["jobs"]["site"];
    assert!(
        site.get("if").is_none(),
        "the check and build run on every event"
    );
    let runs = runs(site);
    assert!(
        runs.iter()
            .any(|r| r.contains("helpcenter check --format github")),
        "{runs:?}"
    );
    assert!(
        runs.iter()
            .any(|r| r.contains("helpcenter build --out public")),
        "{runs:?}"
    );
    assert!(
        runs.iter()
            .any(|r| r.contains("--since \"origin/$BASE_REF\"")),
        "pull requests are checked for articles gone without an alias: {runs:?}"
    );
    let checkout = &site["steps"][0];
    assert_eq!(
        checkout["with"]["fetch-depth"], 0,
        "translation status needs the history"
    );
    let deploy = &workflow["jobs"]["deploy"];
    assert!(deploy["if"].as_str().unwrap().contains("refs/heads/main"));
    assert_eq!(deploy["needs"], "site");
}
