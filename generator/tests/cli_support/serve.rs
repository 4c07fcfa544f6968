//! Running `helpcenter serve` in a test: its address, its stderr, its build events, its pages.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::Value;

use super::BIN;

/// Far longer than a rebuild takes; only reached when a test fails.
pub(crate) const PATIENCE: Duration = Duration::from_secs(30);

pub(crate) struct Served {
    child: Child,
    pub(crate) url: String,
    pub(crate) stderr: Receiver<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lines of `reader`, as they come.
pub(crate) fn lines(reader: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

pub(crate) fn serve(dir: &Path) -> Served {
    serve_with(dir, &[])
}

/// `helpcenter serve` with `env` added to its environment.
pub(crate) fn serve_with(dir: &Path, env: &[(&str, &str)]) -> Served {
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0"])
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = lines(child.stdout.take().unwrap());
    let stderr = lines(child.stderr.take().unwrap());
    let url = loop {
        let line = stdout
            .recv_timeout(PATIENCE)
            .expect("serve says where it serves");
        if let Some(rest) = line.strip_prefix("serving ") {
            break rest.split('/').take(3).collect::<Vec<_>>().join("/");
        }
    };
    Served { child, url, stderr }
}

/// Server-sent events as (name, data).
pub(crate) fn events(url: &str) -> Receiver<(String, Value)> {
    let response = ureq::get(&format!("{url}/_helpcenter/events"))
        .call()
        .unwrap();
    let (send, receive) = mpsc::channel();
    let body = response.into_body().into_reader();
    std::thread::spawn(move || {
        let mut name = String::new();
        for line in BufReader::new(body).lines().map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(data) = line.strip_prefix("data: ") {
                if send
                    .send((name.clone(), serde_json::from_str(data).unwrap()))
                    .is_err()
                {
                    break;
                }
            }
        }
    });
    receive
}

pub(crate) fn next_event(events: &Receiver<(String, Value)>) -> (String, Value) {
    events
        .recv_timeout(PATIENCE)
        .expect("an event about the build")
}

/// An HTTP client that hands back 4xx/5xx answers instead of failing on them.
pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// Status and body of a page.
pub(crate) fn get(url: &str) -> (u16, String) {
    let mut response = agent().get(url).call().unwrap();
    (
        response.status().as_u16(),
        response.body_mut().read_to_string().unwrap(),
    )
}
