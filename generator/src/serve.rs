//! `helpcenter serve`: a live preview on 127.0.0.1. The site is built for the local origin into
//! memory and served from there; [`Preview::rebuild`] replaces it only when a build succeeds, so a
//! content error leaves the last good site in place. An edited article or UI strings file renders
//! again only the pages that show it (`serve/rebuild.rs`, `build/incremental.rs`). Open tabs
//! follow the builds through server-sent events (see `serve/live.js`, injected into every page
//! served): they reload when their page changed and show a failed build's errors over the page.
//! The ticket function's own handler answers the form in-process (`serve/function.rs`): tickets
//! go to JSON lines, fallback emails to files and attachments to a folder under the state folder,
//! so the whole site works without AWS. After each stored ticket the ticket worker's notify code
//! runs in-process too (`serve/notify.rs`): team email and acknowledgement land in the outbox.
//! Every response carries the site's security headers (`serve/headers.rs`).

mod function;
mod headers;
mod notify;
mod rebuild;

use function::{ticket, upload};

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use futures_util::Stream;
use http::{header, HeaderValue, Method, StatusCode};
use serde::Serialize;
use ticket_function::contract::{TicketContract, CONTRACT_FILE};
use ticket_function::{Config, Deps, FileMailer, FileSpool, FileStore, FileUploads, SystemClock};
use tokio::sync::watch;

use crate::build::incremental::Kept;
use crate::build::{BuildError, BuildOptions, BuildReport};
use crate::urls;
use crate::write::{SiteFile, SiteFiles};

/// Where the form posts when the settings name an endpoint on another host (production).
pub const LOCAL_ENDPOINT: &str = "/api/tickets";
/// Its `uploads` sibling: the page asks for upload slots there.
const LOCAL_UPLOADS_ENDPOINT: &str = "/api/uploads";
/// Its `feedback` sibling: the articles' votes and the search page's missed searches.
const LOCAL_FEEDBACK_ENDPOINT: &str = "/api/feedback";
/// Server-sent events telling open tabs about builds.
pub const EVENTS_PATH: &str = "/_helpcenter/events";
const SCRIPT_PATH: &str = "/_helpcenter/live.js";
/// Where upload slots and attachment links point: serve plays the bucket.
pub const UPLOADS_PATH: &str = "/_helpcenter/uploads";
const LIVE_JS: &str = include_str!("serve/live.js");
/// How long the watcher waits for more events before a batch counts as one change: an editor's
/// save (write, rename, metadata) arrives as one.
pub const DEBOUNCE: Duration = Duration::from_millis(50);
/// Where the build puts the theme's static files.
/// Beyond this many changed pages, tabs are told to reload rather than sent the list.
const LISTED_PAGES: usize = 50;

pub struct ServeOptions {
    pub content_dir: PathBuf,
    pub site_dir: PathBuf,
    /// Local state: tickets and emails.
    pub state_dir: PathBuf,
    pub port: u16,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Listen { port: u16, source: std::io::Error },
    #[error("cannot prepare the local ticket endpoint at {path}: {message}")]
    State { path: PathBuf, message: String },
    #[error(transparent)]
    Build(#[from] BuildError),
}

/// What open tabs are told, as the event's name (`built`, `failed`) and JSON data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Live {
    /// No build has finished yet.
    Starting,
    /// Site number `site` is served. `changed` lists the URLs of the pages that differ from the
    /// site before; `all` is set instead when every tab should reload: a style sheet, script or
    /// image changed (any page may show it), or too many pages did to list them.
    Built {
        site: u64,
        changed: Vec<String>,
        all: bool,
    },
    /// The last build failed (`message` says why); site number `site` is still served.
    Failed { site: u64, message: String },
}

type LocalDeps = Deps<FileStore, FileMailer, FileSpool, FileUploads, SystemClock>;

/// The site being served and what the tabs know about it.
pub struct Preview {
    options: BuildOptions,
    pub tickets_dir: PathBuf,
    pub outbox_dir: PathBuf,
    /// Tickets the store could not take (`.helpcenter/spool/`), one JSON file each.
    pub spool_dir: PathBuf,
    /// Attachments (`.helpcenter/uploads/`), laid out as in the bucket.
    pub uploads_dir: PathBuf,
    origin: String,
    site: RwLock<Arc<Snapshot>>,
    /// What the last full build left for the quick path (`None` after one failed).
    kept: Mutex<Option<Kept>>,
    following: Mutex<rebuild::Following>,
    /// Told whenever a background search job ends.
    followed: Condvar,
    ticket: RwLock<Option<Ticket>>,
    live: watch::Sender<Live>,
}

/// One successful build, served as a whole.
#[derive(Default, Clone)]
struct Snapshot {
    /// 0 until the first build succeeds.
    id: u64,
    files: SiteFiles,
}

struct Ticket {
    contract_json: Arc<[u8]>,
    deps: Arc<LocalDeps>,
    notify: Arc<notify::LocalNotify>,
}

/// A successful rebuild.
#[derive(Debug)]
pub struct Rebuilt {
    pub report: BuildReport,
    /// Pages whose HTML changed.
    pub changed_pages: usize,
    /// Whether the quick path made it (only the pages showing an edited article rendered again).
    pub quick: bool,
}

pub struct Server {
    pub url: String,
    pub preview: Arc<Preview>,
    listener: tokio::net::TcpListener,
}

/// Binds the port (0 picks a free one). Nothing is built yet: call [`Preview::rebuild`].
pub async fn bind(options: &ServeOptions) -> Result<Server, ServeError> {
    let listen = |source| ServeError::Listen {
        port: options.port,
        source,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port))
        .await
        .map_err(listen)?;
    let port = listener.local_addr().map_err(listen)?.port();
    let url = format!("http://127.0.0.1:{port}");
    let preview = Arc::new(Preview {
        options: BuildOptions {
            content_dir: options.content_dir.clone(),
            site_dir: options.site_dir.clone(),
            out_dir: PathBuf::new(),
            base_url: Some(url.clone()),
            ticket_endpoint: Some(LOCAL_ENDPOINT.to_string()),
        },
        tickets_dir: options.state_dir.join("tickets"),
        outbox_dir: options.state_dir.join("outbox"),
        spool_dir: options.state_dir.join("spool"),
        uploads_dir: options.state_dir.join("uploads"),
        origin: url.clone(),
        site: RwLock::default(),
        kept: Mutex::default(),
        following: Mutex::default(),
        followed: Condvar::new(),
        ticket: RwLock::default(),
        live: watch::Sender::new(Live::Starting),
    });
    Ok(Server {
        url,
        preview,
        listener,
    })
}

impl Server {
    /// Serves until the process is stopped.
    pub async fn run(self) -> std::io::Result<()> {
        let router = Router::new()
            .route(LOCAL_ENDPOINT, any(ticket))
            .route(LOCAL_UPLOADS_ENDPOINT, any(ticket))
            .route(LOCAL_FEEDBACK_ENDPOINT, any(ticket))
            .route(&format!("{UPLOADS_PATH}/{{*key}}"), any(upload))
            .route(EVENTS_PATH, get(events))
            .route(SCRIPT_PATH, get(script))
            .fallback(file)
            .layer(axum::middleware::from_fn_with_state(
                self.preview.clone(),
                headers::add,
            ))
            .with_state(self.preview);
        axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    }
}

impl Preview {
    fn update_ticket_endpoint(&self, files: &SiteFiles) -> Result<(), ServeError> {
        let contract_path = Path::new(CONTRACT_FILE);
        let state = |path: &Path, e: &dyn std::fmt::Display| ServeError::State {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let Some(SiteFile::Bytes(json)) = files.files.get(CONTRACT_FILE) else {
            return Err(state(contract_path, &"the build wrote no ticket contract"));
        };
        let mut ticket = self.ticket.write().unwrap_or_else(|e| e.into_inner());
        if ticket.as_ref().is_some_and(|t| &t.contract_json == json) {
            return Ok(());
        }
        let contract = TicketContract::from_json(&String::from_utf8_lossy(json))
            .map_err(|e| state(contract_path, &e))?;
        let store = FileStore::open(&self.tickets_dir).map_err(|e| state(&self.tickets_dir, &e))?;
        let mailer = FileMailer::new(&self.outbox_dir).map_err(|e| state(&self.outbox_dir, &e))?;
        let spool = FileSpool::open(&self.spool_dir).map_err(|e| state(&self.spool_dir, &e))?;
        let uploads_url = format!("{}{UPLOADS_PATH}", self.origin);
        let uploads = FileUploads::open(&self.uploads_dir, &uploads_url)
            .map_err(|e| state(&self.uploads_dir, &e))?;
        let deps = Deps::new(
            store,
            mailer,
            spool,
            uploads,
            SystemClock,
            Config::local(contract, vec![self.origin.clone()]),
        );
        let notify = notify::LocalNotify::new(&deps).map_err(|e| state(&self.spool_dir, &e))?;
        *ticket = Some(Ticket {
            contract_json: json.clone(),
            deps: Arc::new(deps),
            notify: Arc::new(notify),
        });
        Ok(())
    }

    /// What the tabs were last told.
    pub fn subscribe(&self) -> watch::Receiver<Live> {
        self.live.subscribe()
    }

    /// The local ticket function, once a build made its contract.
    fn local_function(&self) -> Option<(Arc<LocalDeps>, Arc<notify::LocalNotify>)> {
        let ticket = self.ticket.read().unwrap_or_else(|e| e.into_inner());
        ticket.as_ref().map(|t| (t.deps.clone(), t.notify.clone()))
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        self.site.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// A failed build as the terminal shows it, for the overlay.
fn failure_text(e: &ServeError) -> String {
    match e {
        ServeError::Build(BuildError::Content(diagnostics)) => diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        other => format!("error: {other}"),
    }
}

/// A file of the site being served: `dir/` is `dir/index.html`, `dir` redirects to `dir/`, and
/// anything else is the language's 404 page.
async fn file(State(preview): State<Arc<Preview>>, method: Method, uri: http::Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let snapshot = preview.snapshot();
    if snapshot.id == 0 {
        let page = inject("<!DOCTYPE html><title>helpcenter serve</title><p>The site has not been built yet: see the terminal.</p>", 0);
        return respond(
            StatusCode::SERVICE_UNAVAILABLE,
            "index.html",
            page.into_bytes(),
        );
    }
    let path = percent_encoding::percent_decode_str(uri.path()).decode_utf8_lossy();
    let rel = urls::output_file(&path, "");
    if let Some(found) = snapshot.files.files.get(&rel) {
        return serve_file(&snapshot, StatusCode::OK, &rel, found).await;
    }
    if snapshot
        .files
        .files
        .contains_key(&urls::folder_index_file(&rel))
    {
        let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
        return (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, format!("{}/{query}", uri.path()))],
        )
            .into_response();
    }
    let not_found = urls::not_found_files(&rel)
        .into_iter()
        .find_map(|p| Some((snapshot.files.files.get(&p)?, p)));
    match not_found {
        Some((found, rel)) => serve_file(&snapshot, StatusCode::NOT_FOUND, &rel, found).await,
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn serve_file(
    snapshot: &Snapshot,
    status: StatusCode,
    rel: &str,
    file: &SiteFile,
) -> Response {
    let bytes = match file {
        SiteFile::Bytes(bytes) => bytes.to_vec(),
        SiteFile::Source(source) => match tokio::fs::read(source).await {
            Ok(bytes) => bytes,
            Err(_) => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    let bytes = if urls::is_page_file(rel) {
        inject(&String::from_utf8_lossy(&bytes), snapshot.id).into_bytes()
    } else {
        bytes
    };
    respond(status, rel, bytes)
}

fn respond(status: StatusCode, rel: &str, bytes: Vec<u8>) -> Response {
    let mime = mime_guess::from_path(rel).first_or_octet_stream();
    let text = matches!(mime.type_(), mime_guess::mime::TEXT)
        || mime.subtype() == mime_guess::mime::JAVASCRIPT
        || mime.subtype() == mime_guess::mime::JSON;
    let content_type = if text {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    // A preview changes under the browser's feet: always ask again.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Adds the live-reload script, which knows which site the page came from.
fn inject(html: &str, site: u64) -> String {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" data-site=\"{site}\" defer></script>");
    match html.rfind("</body>") {
        Some(at) => format!("{}{tag}\n{}", &html[..at], &html[at..]),
        None => format!("{html}{tag}"),
    }
}

async fn script() -> Response {
    respond(StatusCode::OK, "live.js", LIVE_JS.as_bytes().to_vec())
}

/// The current state at once, then every change.
async fn events(
    State(preview): State<Arc<Preview>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = preview.subscribe();
    let stream =
        futures_util::stream::unfold((receiver, true), |(mut receiver, first)| async move {
            if !first && receiver.changed().await.is_err() {
                return None;
            }
            let live = receiver.borrow_and_update().clone();
            let name = match &live {
                Live::Starting => "starting",
                Live::Built { .. } => "built",
                Live::Failed { .. } => "failed",
            };
            // Tabs of a stopped server find the next one quickly.
            let event = Event::default()
                .event(name)
                .retry(Duration::from_secs(1))
                .json_data(&live)
                .unwrap_or_default();
            Some((Ok(event), (receiver, false)))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_the_script_before_the_end_of_the_body() {
        assert_eq!(inject("<body><p>x</p></body></html>", 3), "<body><p>x</p><script src=\"/_helpcenter/live.js\" data-site=\"3\" defer></script>\n</body></html>");
        assert!(inject("<p>fragment", 1).ends_with("defer></script>"));
    }
}
