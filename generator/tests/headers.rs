//! The security headers: what `build` writes to `public/_headers` for each kind of ticket endpoint,
//! and that the SAM template's CloudFront policy (`function/template.yaml`, `SiteHeaders`) sends
//! the same headers as the generator writes for the same origins.

mod cli_support;

use std::collections::BTreeMap;

use cli_support::{code, fixture, repo, run, stderr, workspace, write};
use helpcenter::headers::{parse_file, security_headers, Origins, HEADERS_FILE};
use serde_norway::Value;

const API: &str = "https://ab12cd.execute-api.eu-west-1.amazonaws.com";
const S3: &str = "https://s3.eu-west-1.amazonaws.com";

/// Builds the minimal fixture with `ticket` settings appended; the exit code, stderr and the
/// headers written.
fn build_with(endpoint: &str, attachments: &str) -> (i32, String, Vec<(String, String)>) {
    let dir = workspace(&fixture("minimal"));
    let settings = dir.path().join("content/helpcenter.yaml");
    let yaml = std::fs::read_to_string(&settings).unwrap();
    let yaml = yaml.replace(
        "  endpoint: /api/tickets\n",
        &format!("  endpoint: {endpoint}\n{attachments}"),
    );
    write(&settings, &yaml);
    let output = run(dir.path(), &["build"]);
    let file = dir.path().join("public").join(HEADERS_FILE);
    let headers = std::fs::read_to_string(file).map_or_else(|_| Vec::new(), |t| parse_file(&t));
    (code(&output), stderr(&output), headers)
}

fn csp(headers: &[(String, String)]) -> &str {
    let found = headers.iter().find(|(n, _)| n == "Content-Security-Policy");
    &found.expect("a Content-Security-Policy").1
}

#[test]
fn an_api_gateway_endpoint_allows_its_origin_and_its_regions_s3() {
    let (status, err, headers) = build_with(&format!("{API}/tickets"), "");
    assert_eq!(status, 0, "{err}");
    let csp = csp(&headers);
    assert!(
        csp.contains(&format!("connect-src 'self' {API} {S3};")),
        "{csp}"
    );
    assert!(csp.contains(&format!("form-action 'self' {API};")), "{csp}");
}

#[test]
fn an_endpoint_elsewhere_needs_the_upload_origin_unless_files_are_off() {
    let endpoint = "https://tickets.example.com/api/tickets";
    let (status, err, _) = build_with(endpoint, "");
    assert_eq!(status, 1, "{err}");
    assert!(
        err.contains("`ticket.attachments.upload_origin` is missing") && err.contains(endpoint),
        "{err}"
    );
    let bucket = "  attachments:\n    upload_origin: https://files.example.com\n";
    let (status, err, headers) = build_with(endpoint, bucket);
    assert_eq!(status, 0, "{err}");
    assert!(
        csp(&headers)
            .contains("connect-src 'self' https://tickets.example.com https://files.example.com;"),
        "{headers:?}"
    );
    let (status, err, headers) = build_with(endpoint, "  attachments:\n    max_files: 0\n");
    assert_eq!(status, 0, "{err}");
    assert!(
        csp(&headers).contains("connect-src 'self' https://tickets.example.com;"),
        "{headers:?}"
    );
    let path = "  attachments:\n    upload_origin: https://files.example.com/bucket\n";
    let (status, err, _) = build_with(endpoint, path);
    assert_eq!(status, 1, "{err}");
    assert!(err.contains("is not an origin"), "{err}");
}

/// `function/template.yaml` as YAML values (CloudFormation's `!Sub`, `!Ref`, `!If` kept as tags).
fn template() -> Value {
    let text = std::fs::read_to_string(repo().join("function/template.yaml")).unwrap();
    serde_norway::from_str(&text).expect("the template is YAML")
}

/// A CloudFormation value evaluated with parameters (and pseudo parameters) `refs` and
/// conditions `conditions`: enough of `!Sub`, `!Ref` and `!If` for the headers policy.
fn eval(v: &Value, refs: &BTreeMap<&str, String>, conditions: &BTreeMap<&str, bool>) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Tagged(t) => match (t.tag.to_string().as_str(), &t.value) {
            ("!Ref", Value::String(name)) => refs[name.as_str()].clone(),
            ("!Sub", Value::String(text)) => substitute(text, refs),
            ("!Sub", Value::Sequence(args)) => {
                let mut all = refs.clone();
                for (k, v) in args[1].as_mapping().expect("!Sub's variables") {
                    all.insert(k.as_str().unwrap(), eval(v, refs, conditions));
                }
                substitute(args[0].as_str().unwrap(), &all)
            }
            ("!If", Value::Sequence(args)) => {
                let chosen = if conditions[args[0].as_str().unwrap()] {
                    &args[1]
                } else {
                    &args[2]
                };
                eval(chosen, refs, conditions)
            }
            (tag, _) => panic!("the headers policy uses {tag}, which this test cannot evaluate"),
        },
        other => panic!("not a scalar: {other:?}"),
    }
}

fn substitute(text: &str, vars: &BTreeMap<&str, String>) -> String {
    let mut out = text.to_string();
    for (name, value) in vars {
        out = out.replace(&format!("${{{name}}}"), value);
    }
    assert!(!out.contains("${"), "unknown variable in {out}");
    out
}

/// The headers CloudFront sends with the `SiteHeaders` policy, by header name.
fn template_headers(api_origin: &str) -> BTreeMap<String, String> {
    let template = template();
    let resources = &template["Resources"];
    let behavior = &resources["SiteDistribution"]["Properties"]["DistributionConfig"]
        ["DefaultCacheBehavior"]["ResponseHeadersPolicyId"];
    let Value::Tagged(policy) = behavior else {
        panic!("the distribution sends no response headers policy: {behavior:?}")
    };
    assert_eq!(
        (policy.tag.to_string().as_str(), policy.value.as_str()),
        ("!Ref", Some("SiteHeaders")),
        "the distribution sends the SiteHeaders policy"
    );
    let config = &resources["SiteHeaders"]["Properties"]["ResponseHeadersPolicyConfig"];
    let refs = BTreeMap::from([
        ("AWS::Region", "eu-west-1".to_string()),
        ("AWS::URLSuffix", "amazonaws.com".to_string()),
        ("AWS::StackName", "help".to_string()),
        ("TicketsApiOrigin", api_origin.to_string()),
    ]);
    let conditions = BTreeMap::from([("HasTicketsApiOrigin", !api_origin.is_empty())]);
    let at = |v: &Value| eval(v, &refs, &conditions);
    let security = &config["SecurityHeadersConfig"];
    for (name, header) in security.as_mapping().unwrap() {
        assert_eq!(header["Override"], Value::Bool(true), "{name:?} overrides");
    }
    let hsts = &security["StrictTransportSecurity"];
    let mut sts = format!("max-age={}", at(&hsts["AccessControlMaxAgeSec"]));
    if hsts["IncludeSubdomains"] == Value::Bool(true) {
        sts.push_str("; includeSubDomains");
    }
    if hsts["Preload"] == Value::Bool(true) {
        sts.push_str("; preload");
    }
    let mut out = BTreeMap::from([
        (
            "Content-Security-Policy".to_string(),
            at(&security["ContentSecurityPolicy"]["ContentSecurityPolicy"]),
        ),
        ("Strict-Transport-Security".into(), sts),
        (
            "X-Frame-Options".into(),
            at(&security["FrameOptions"]["FrameOption"]),
        ),
        (
            "Referrer-Policy".into(),
            at(&security["ReferrerPolicy"]["ReferrerPolicy"]),
        ),
    ]);
    if security.get("ContentTypeOptions").is_some() {
        out.insert("X-Content-Type-Options".into(), "nosniff".into());
    }
    for item in config["CustomHeadersConfig"]["Items"]
        .as_sequence()
        .unwrap()
    {
        assert_eq!(item["Override"], Value::Bool(true), "{item:?} overrides");
        out.insert(at(&item["Header"]), at(&item["Value"]));
    }
    out
}

#[test]
fn the_template_sends_what_the_generator_writes_for_the_same_origins() {
    let (status, err, written) = build_with(&format!("{API}/tickets"), "");
    assert_eq!(status, 0, "{err}");
    let written: BTreeMap<String, String> = written.into_iter().collect();
    assert_eq!(template_headers(API), written);
    // Before the API's origin is set, the policy allows the region's API Gateway endpoints.
    let any_api = "https://*.execute-api.eu-west-1.amazonaws.com";
    let expected = security_headers(&Origins {
        ticket: Some(any_api),
        uploads: Some(S3),
    });
    let expected: BTreeMap<String, String> = expected
        .into_iter()
        .map(|(n, v)| (n.to_string(), v))
        .collect();
    assert_eq!(template_headers(""), expected);
}
