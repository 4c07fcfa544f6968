//! A TCP proxy in front of moto for the store alone, which the load test makes unreachable for a
//! while: when it is down, open connections are cut and new ones closed as soon as they arrive,
//! as a DynamoDB endpoint that stopped answering would look to the SDK. SES and S3 keep talking
//! to moto directly.

use std::io;
use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

pub(crate) struct Proxy {
    addr: SocketAddr,
    down: watch::Sender<bool>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream` (`http://host:port`).
    pub(crate) async fn start(upstream: &str) -> io::Result<Proxy> {
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (down, _) = watch::channel(false);
        let watching = down.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if *watching.borrow() {
                    continue; // dropped: the connection closes at once
                }
                let cut = watching.subscribe();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(&upstream).await {
                        forward(client, server, cut).await;
                    }
                });
            }
        });
        Ok(Proxy { addr, down })
    }

    pub(crate) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub(crate) fn set_down(&self, down: bool) {
        self.down.send_replace(down);
    }
}

/// Both directions until either side closes or the proxy goes down.
async fn forward(client: TcpStream, server: TcpStream, mut cut: watch::Receiver<bool>) {
    tokio::select! {
        _ = pump(&client, &server) => {}
        _ = pump(&server, &client) => {}
        _ = cut.wait_for(|down| *down) => {}
    }
}

/// Copies bytes from `from` to `to` until `from` closes (tokio's `io-util` copy is not among the
/// crate's features; these readiness calls are).
async fn pump(from: &TcpStream, to: &TcpStream) -> io::Result<()> {
    let mut buf = vec![0; 16 * 1024];
    loop {
        from.readable().await?;
        let n = match from.try_read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        };
        let mut sent = 0;
        while sent < n {
            to.writable().await?;
            match to.try_write(&buf[sent..n]) {
                Ok(k) => sent += k,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e),
            }
        }
    }
}
