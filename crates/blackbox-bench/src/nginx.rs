//! The SDK through a real nginx: HTTP/2 over TLS from the SDK to nginx, plain
//! HTTP/1.1 with upstream keep-alive from nginx to the in-process sandbox.
//! nginx ends HTTP/2 connections on its own terms (GOAWAY after
//! `keepalive_requests`, few concurrent streams), and this shows how many calls
//! fail and how many of those the upstream processed anyway.
//!
//! Needs an `nginx` binary on `PATH` (developed against Debian's `nginx-light`
//! 1.22, whose `listen ... ssl http2` syntax the configuration uses); CI has
//! none and never runs this. Each scenario runs its own nginx (one
//! configuration line differs), as a child process killed by PID when the
//! scenario ends, errors included.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use blackbox::models::ExtendSessionRequest;
use blackbox::{Blackbox, Error};
use blackbox_sandbox::{Operation, Sandbox};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::BoxError;

/// Calls in flight at a time: the SDK's pool must share them over nginx's
/// HTTP/2 connections.
const IN_FLIGHT: usize = 64;

/// How long nginx may take to accept TCP on its port after being started.
const START_LIMIT: Duration = Duration::from_secs(5);

/// What to print when there is no nginx to run.
const INSTALL_HINT: &str = "install nginx (apt-get install nginx-light) to run this";

/// One nginx configuration under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// nginx's defaults (1.22: 1000 requests per HTTP/2 connection, 128 streams).
    Defaults,
    /// `keepalive_requests 5;`: a GOAWAY after every fifth stream of a connection.
    Keepalive5,
    /// `http2_max_concurrent_streams 4;`: far fewer streams than calls in flight.
    Streams4,
}

impl Scenario {
    /// Every scenario, in the order they run by default.
    const ALL: [Scenario; 3] = [Scenario::Defaults, Scenario::Keepalive5, Scenario::Streams4];

    /// The name used by `--scenarios` and in the table.
    fn name(self) -> &'static str {
        match self {
            Scenario::Defaults => "defaults",
            Scenario::Keepalive5 => "keepalive5",
            Scenario::Streams4 => "streams4",
        }
    }

    /// The line added to nginx's `server` block.
    fn directive(self) -> &'static str {
        match self {
            Scenario::Defaults => "",
            Scenario::Keepalive5 => "keepalive_requests 5;",
            Scenario::Streams4 => "http2_max_concurrent_streams 4;",
        }
    }

    /// Calls per method without `--calls`: fewer where connections churn, so
    /// that every scenario takes about as long.
    fn default_calls(self) -> usize {
        match self {
            Scenario::Defaults => 20_000,
            Scenario::Keepalive5 => 10_000,
            Scenario::Streams4 => 5_000,
        }
    }
}

/// The SDK call made through nginx.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `extend_session(demo session, 1)`: a POST, which the SDK must not
    /// re-send blindly once it may have reached the server.
    Post,
    /// `get_session(demo session)`: an idempotent GET.
    Get,
}

impl Method {
    /// Both methods, in the order they run by default.
    const ALL: [Method; 2] = [Method::Post, Method::Get];

    /// The name used by `--methods`.
    fn name(self) -> &'static str {
        match self {
            Method::Post => "post",
            Method::Get => "get",
        }
    }

    /// The label in the table.
    fn label(self) -> &'static str {
        match self {
            Method::Post => "POST `extend_session`",
            Method::Get => "GET `get_session`",
        }
    }

    /// The sandbox operation that counts what reached the upstream.
    fn operation(self) -> Operation {
        match self {
            Method::Post => Operation::ExtendSession,
            Method::Get => Operation::GetSession,
        }
    }
}

/// Options of `blackbox-bench nginx`.
#[derive(Debug, Clone)]
pub struct NginxOptions {
    /// Scenarios to run, in order (`--scenarios`).
    pub scenarios: Vec<Scenario>,
    /// Calls per run (`--calls`); `None` means each scenario's default.
    pub calls: Option<usize>,
    /// Methods to run in each scenario, in order (`--methods`).
    pub methods: Vec<Method>,
}

/// Parses `[--scenarios a,b] [--calls N] [--methods post,get]`.
pub fn parse_options(args: &[String]) -> Result<NginxOptions, String> {
    let mut options = NginxOptions {
        scenarios: Scenario::ALL.to_vec(),
        calls: None,
        methods: Method::ALL.to_vec(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--scenarios" => {
                let value = args.next().ok_or("--scenarios needs a list")?;
                options.scenarios = parse_list(value, &Scenario::ALL, |s| s.name())
                    .map_err(|name| format!("unknown scenario {name}"))?;
            }
            "--calls" => {
                let value = args.next().ok_or("--calls needs a number")?;
                let calls: usize = value.parse().map_err(|_| "--calls needs a number")?;
                options.calls = Some(calls.max(1));
            }
            "--methods" => {
                let value = args.next().ok_or("--methods needs a list")?;
                options.methods = parse_list(value, &Method::ALL, |m| m.name())
                    .map_err(|name| format!("unknown method {name}"))?;
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(options)
}

/// Parses a comma-separated list of names of `all`; the unknown name as error.
fn parse_list<T: Copy>(
    value: &str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
) -> Result<Vec<T>, String> {
    let items = value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            all.iter()
                .copied()
                .find(|&candidate| name(candidate) == item)
                .ok_or_else(|| item.to_owned())
        })
        .collect::<Result<Vec<T>, String>>()?;
    if items.is_empty() {
        return Err(value.to_owned());
    }
    Ok(items)
}

/// What one run (scenario × method) measured.
#[derive(Debug)]
struct RunResult {
    scenario: Scenario,
    method: Method,
    calls: usize,
    ok: usize,
    /// Requests of the method's operation the sandbox received during the run.
    received: u64,
    slowest: Duration,
    /// Failures by (`Display` of the error, `request_may_have_reached_server`).
    failures: BTreeMap<(String, bool), usize>,
}

impl RunResult {
    /// Calls that returned an error.
    fn failed(&self) -> usize {
        self.failures.values().sum()
    }
}

/// Entry point of `blackbox-bench nginx`: runs the scenarios and prints the
/// table, then the failures.
pub fn run(options: &NginxOptions) -> Result<(), BoxError> {
    let nginx = find_on_path("nginx").ok_or(INSTALL_HINT)?;
    let dir = TempDir::create()?;
    let ca_pem = write_certificates(dir.path())?;
    // Multi-threaded like a typical service, so the sandbox answers while the
    // client's tasks run (the prototype ran on `#[tokio::main]` too).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    println!("\n## The SDK through nginx (HTTP/2 over TLS)\n");
    println!(
        "{} in front of the in-process sandbox (plain HTTP/1.1, upstream keepalive 64); \
         {IN_FLIGHT} calls in flight, default SDK settings. \"Failed but processed\" = \
         upstream received − ok.\n",
        nginx_version(&nginx)
    );
    println!(
        "| scenario | method | calls | ok | failed | upstream received | failed but processed | slowest call ms |"
    );
    println!("|---|---|--:|--:|--:|--:|--:|--:|");
    let mut results = Vec::new();
    runtime.block_on(async {
        for &scenario in &options.scenarios {
            let calls = options.calls.unwrap_or_else(|| scenario.default_calls());
            run_scenario(
                scenario,
                &options.methods,
                calls,
                &nginx,
                dir.path(),
                &ca_pem,
                &mut results,
            )
            .await?;
        }
        Ok::<(), BoxError>(())
    })?;
    print_failures(&results);
    Ok(())
}

/// Starts a sandbox and an nginx for `scenario`, then runs each method,
/// printing a table row per run.
async fn run_scenario(
    scenario: Scenario,
    methods: &[Method],
    calls: usize,
    nginx: &Path,
    dir: &Path,
    ca_pem: &str,
    results: &mut Vec<RunResult>,
) -> Result<(), BoxError> {
    let sandbox = Sandbox::start().await?;
    let port = free_port()?;
    let conf = write_config(dir, scenario, port, sandbox.local_addr().port())?;
    let mut process = NginxProcess::start(nginx, &conf, dir)?;
    process.wait_until_listening(port, dir).await?;
    for &method in methods {
        eprintln!("nginx: {} {} × {calls} ...", scenario.name(), method.name());
        // A fresh client per run: no pooled connection carries over.
        let blackbox: Blackbox = Blackbox::builder()
            .server_url(format!("https://localhost:{port}"))
            .token(sandbox.demo_token().to_owned())
            .tls_built_in_roots(false)
            .add_root_certificate_pem(ca_pem)
            .build()?;
        let before = sandbox.request_count(method.operation());
        let mut result = run_calls(
            &blackbox,
            sandbox.demo_session_id(),
            scenario,
            method,
            calls,
        )
        .await?;
        result.received = sandbox.request_count(method.operation()) - before;
        print_row(&result);
        results.push(result);
    }
    // nginx first, so that its upstream keep-alive connections do not hold up
    // the sandbox's graceful shutdown.
    drop(process);
    sandbox.shutdown().await;
    Ok(())
}

/// Makes `calls` calls of `method`, `IN_FLIGHT` at a time; `received` is left
/// to the caller, which owns the sandbox.
async fn run_calls(
    blackbox: &Blackbox,
    session_id: Uuid,
    scenario: Scenario,
    method: Method,
    calls: usize,
) -> Result<RunResult, BoxError> {
    let gate = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = JoinSet::new();
    let mut result = RunResult {
        scenario,
        method,
        calls,
        ok: 0,
        received: 0,
        slowest: Duration::ZERO,
        failures: BTreeMap::new(),
    };
    for _ in 0..calls {
        let permit = Arc::clone(&gate).acquire_owned().await?;
        let blackbox = blackbox.clone();
        tasks.spawn(async move {
            let began = Instant::now();
            let sessions = blackbox.session_management();
            let outcome: Result<(), Error> = match method {
                Method::Post => sessions
                    .extend_session(session_id, ExtendSessionRequest::new(1))
                    .await
                    .map(drop),
                Method::Get => sessions.get_session(session_id).await.map(drop),
            };
            drop(permit);
            (outcome, began.elapsed())
        });
        // Reap finished calls as we go, so the set stays at most IN_FLIGHT long.
        while let Some(done) = tasks.try_join_next() {
            tally(done?, &mut result);
        }
    }
    while let Some(done) = tasks.join_next().await {
        tally(done?, &mut result);
    }
    Ok(result)
}

/// Counts one call's outcome.
fn tally((outcome, took): (Result<(), Error>, Duration), result: &mut RunResult) {
    result.slowest = result.slowest.max(took);
    match outcome {
        Ok(()) => result.ok += 1,
        Err(error) => {
            // Display only: it names the failure without request details.
            let key = (error.to_string(), error.request_may_have_reached_server());
            *result.failures.entry(key).or_default() += 1;
        }
    }
}

/// One markdown table row.
fn print_row(result: &RunResult) {
    println!(
        "| {} | {} | {} | {} | {} | {} | {} | {:.1} |",
        result.scenario.name(),
        result.method.label(),
        result.calls,
        result.ok,
        result.failed(),
        result.received,
        result.received as i64 - result.ok as i64,
        result.slowest.as_secs_f64() * 1e3
    );
}

/// The failures of every run, grouped, below the table.
fn print_failures(results: &[RunResult]) {
    println!("\n### Failures\n");
    let mut any = false;
    for result in results {
        for ((message, may_have_reached), count) in &result.failures {
            any = true;
            println!(
                "- {} {}: {count} × {message} (may have reached the server: {})",
                result.scenario.name(),
                result.method.label(),
                if *may_have_reached { "yes" } else { "no" }
            );
        }
    }
    if !any {
        println!("None.");
    }
}

/// The first executable `name` in a `PATH` directory.
fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// `nginx version: nginx/1.22.1` without the prefix, or plain "nginx".
fn nginx_version(nginx: &Path) -> String {
    // `nginx -v` prints on stderr.
    Command::new(nginx)
        .arg("-v")
        .stdin(Stdio::null())
        .output()
        .ok()
        .and_then(|output| {
            let text = String::from_utf8_lossy(&output.stderr);
            text.trim()
                .strip_prefix("nginx version: ")
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "nginx".to_owned())
}

/// A port that was free a moment ago: nginx binds it itself, so the listener is
/// dropped first (another process could take it in between; unlikely here).
fn free_port() -> Result<u16, BoxError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Writes `ca.pem`, `cert.pem` and `key.pem` for `localhost` into `dir`;
/// returns the CA's PEM for the client.
fn write_certificates(dir: &Path) -> Result<String, BoxError> {
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "blackbox-bench nginx CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key)?;
    let ca_pem = ca_cert.pem();
    let issuer = Issuer::new(ca_params, ca_key);

    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(vec!["localhost".to_owned()])?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    // An end entity: rustls rejects a CA certificate presented as the server's.
    params.is_ca = IsCa::ExplicitNoCa;
    params.use_authority_key_identifier_extension = true;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = params.signed_by(&key, &issuer)?;

    std::fs::write(dir.join("ca.pem"), &ca_pem)?;
    std::fs::write(dir.join("cert.pem"), cert.pem())?;
    std::fs::write(dir.join("key.pem"), key.serialize_pem())?;
    Ok(ca_pem)
}

/// Writes `nginx-SCENARIO.conf` into `dir`; returns its path.
fn write_config(
    dir: &Path,
    scenario: Scenario,
    port: u16,
    upstream: u16,
) -> Result<PathBuf, BoxError> {
    let d = dir.display();
    let mut conf = String::new();
    // Foreground, one process: the child's PID is all there is to kill. Every
    // path nginx writes to is in `dir`, so it needs no root and leaves nothing.
    writeln!(
        conf,
        r#"daemon off;
master_process off;
worker_processes 1;
pid "{d}/nginx.pid";
error_log "{d}/error.log" warn;
events {{ worker_connections 1024; }}
http {{
    access_log "{d}/access.log";
    client_body_temp_path "{d}/body";
    proxy_temp_path "{d}/proxy";
    fastcgi_temp_path "{d}/fastcgi";
    uwsgi_temp_path "{d}/uwsgi";
    scgi_temp_path "{d}/scgi";
    upstream sandbox {{
        server 127.0.0.1:{upstream};
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port} ssl http2;
        ssl_certificate "{d}/cert.pem";
        ssl_certificate_key "{d}/key.pem";
        {directive}
        location / {{
            proxy_pass http://sandbox;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}"#,
        directive = scenario.directive()
    )?;
    let path = dir.join(format!("nginx-{}.conf", scenario.name()));
    std::fs::write(&path, conf)?;
    Ok(path)
}

/// A running nginx child; dropping it kills it by PID and reaps it, so no
/// path out of a scenario (errors, panics) leaves it running.
#[derive(Debug)]
struct NginxProcess {
    child: Child,
}

impl NginxProcess {
    /// Starts `nginx -c conf -p dir` in the foreground.
    fn start(nginx: &Path, conf: &Path, dir: &Path) -> Result<Self, BoxError> {
        let child = Command::new(nginx)
            .arg("-c")
            .arg(conf)
            .arg("-p")
            .arg(dir)
            // Early messages too (before the configuration is read) go to the
            // temporary directory rather than the system's log.
            .arg("-e")
            .arg(dir.join("error.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        Ok(Self { child })
    }

    /// Waits (at most `START_LIMIT`) until `port` accepts TCP; fails with the
    /// end of nginx's error log if it exits or does not listen in time.
    async fn wait_until_listening(&mut self, port: u16, dir: &Path) -> Result<(), BoxError> {
        let deadline = Instant::now() + START_LIMIT;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(format!("nginx exited ({status}): {}", error_log_tail(dir)).into());
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "nginx did not listen on port {port} within {START_LIMIT:?}: {}",
                    error_log_tail(dir)
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for NginxProcess {
    fn drop(&mut self) {
        // SIGKILL to this child's PID only; then reap it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last lines of nginx's error log, for error messages.
fn error_log_tail(dir: &Path) -> String {
    let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    let tail = lines[lines.len().saturating_sub(5)..].join(" | ");
    if tail.is_empty() {
        "(error log empty)".to_owned()
    } else {
        tail
    }
}

/// A fresh directory under the system's temporary directory, removed on drop.
#[derive(Debug)]
struct TempDir(PathBuf);

impl TempDir {
    /// Creates `blackbox-bench-nginx-PID-NANOS` under the temporary directory.
    fn create() -> Result<Self, BoxError> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "blackbox-bench-nginx-{}-{nanos}",
            std::process::id()
        ));
        // `create_dir`, not `create_dir_all`: fails rather than reuse a directory.
        std::fs::create_dir(&path)?;
        Ok(Self(path))
    }

    /// The directory.
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
