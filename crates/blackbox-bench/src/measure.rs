//! One measured run of one client, in its own process (hidden `client`
//! subcommand): warm up, then `calls` calls with `in_flight` of them at a time on
//! one current-thread runtime; report wall time, CPU time, latency percentiles
//! and peak RSS on one `RESULT` line.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cpu_time::ProcessTime;
use uuid::Uuid;

use crate::BoxError;
use crate::clients::{AnyClient, Kind, Op, Target};
use crate::stats::percentile;

/// What one run measured.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunResult {
    /// Calls measured (warm-up excluded).
    pub calls: u64,
    /// Wall time of the measured calls.
    pub wall: Duration,
    /// Process CPU time (user + system, all threads) of the measured calls.
    pub cpu: Duration,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// Peak resident set size of the client process, in KiB (`VmHWM`).
    pub peak_rss_kib: u64,
}

impl RunResult {
    /// Calls per second.
    pub fn calls_per_sec(&self) -> f64 {
        self.calls as f64 / self.wall.as_secs_f64()
    }

    /// CPU microseconds per call.
    pub fn cpu_us_per_call(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / self.calls as f64
    }
}

/// One run's settings.
#[derive(Debug, Clone)]
pub struct RunSpec {
    /// Which client.
    pub kind: Kind,
    /// Which operation.
    pub op: Op,
    /// Calls at a time.
    pub in_flight: usize,
    /// Measured calls.
    pub calls: usize,
    /// Where.
    pub target: Target,
    /// File holding the CA PEM, if any.
    pub ca_file: Option<String>,
}

/// Which CPU a child process is pinned to.
#[derive(Debug, Clone, Copy)]
pub enum Cpu {
    /// CPU 0: the client being measured.
    Client,
    /// CPU 1: the responder.
    Responder,
}

/// Whether children are pinned: two or more CPUs, `taskset` installed, and
/// `BLACKBOX_BENCH_NO_PIN` unset. Pinning the client and the responder to
/// their own cores keeps the scheduler from migrating them or stacking them on
/// one core; on the 2-core machine of BENCHMARKS.md it cut the spread of single
/// 64-in-flight runs from about ±15 % to about ±6 %.
pub fn pinning() -> bool {
    static PINNING: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *PINNING.get_or_init(|| {
        std::env::var_os("BLACKBOX_BENCH_NO_PIN").is_none()
            && std::thread::available_parallelism().is_ok_and(|cpus| cpus.get() >= 2)
            && Command::new("taskset")
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success())
    })
}

/// A command running this executable, pinned to `cpu` when [`pinning`] is on.
pub fn self_command(cpu: Cpu) -> Result<Command, BoxError> {
    let exe = std::env::current_exe()?;
    if !pinning() {
        return Ok(Command::new(exe));
    }
    let mut command = Command::new("taskset");
    let cpu = match cpu {
        Cpu::Client => "0",
        Cpu::Responder => "1",
    };
    command.args(["--cpu-list", cpu]).arg(exe);
    Ok(command)
}

/// Runs `spec` in a child process (this executable, `client` subcommand) and
/// parses its result. The child is killed if it outlives `limit`.
pub fn run_child(spec: &RunSpec, limit: Duration) -> Result<RunResult, BoxError> {
    let mut command = self_command(Cpu::Client)?;
    command
        .arg("client")
        .args(["--client", spec.kind.name()])
        .args(["--op", spec.op.name()])
        .args(["--in-flight", &spec.in_flight.to_string()])
        .args(["--calls", &spec.calls.to_string()])
        .args(["--url", &spec.target.base_url])
        .args(["--token", &spec.target.token])
        .args(["--session", &spec.target.session_id.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(ca) = &spec.ca_file {
        command.args(["--ca", ca]);
    }
    let mut child = command.spawn()?;
    let started = Instant::now();
    loop {
        if child.try_wait()?.is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{} {} timed out", spec.kind.name(), spec.op.name()).into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let output = child.wait_with_output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let Some(line) = stdout.lines().find(|line| line.starts_with("RESULT ")) else {
        return Err(format!(
            "{} {}: no result ({}): {}",
            spec.kind.name(),
            spec.op.name(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )
        .into());
    };
    parse_result(line)
}

fn parse_result(line: &str) -> Result<RunResult, BoxError> {
    let mut result = RunResult::default();
    for field in line.split_whitespace().skip(1) {
        let (key, value) = field.split_once('=').ok_or("bad RESULT field")?;
        let number: u64 = value.parse()?;
        match key {
            "calls" => result.calls = number,
            "wall_ns" => result.wall = Duration::from_nanos(number),
            "cpu_ns" => result.cpu = Duration::from_nanos(number),
            "p50_ns" => result.p50 = Duration::from_nanos(number),
            "p99_ns" => result.p99 = Duration::from_nanos(number),
            "hwm_kib" => result.peak_rss_kib = number,
            _ => {}
        }
    }
    Ok(result)
}

/// Entry point of the hidden `client` subcommand.
pub fn client_main(args: &[String]) -> Result<(), BoxError> {
    // The cost of the SDK's spans with a subscriber that logs at INFO (which
    // the SDK never reaches: all its spans and events are DEBUG).
    #[cfg(feature = "tracing")]
    if std::env::var("BLACKBOX_BENCH_SUBSCRIBER").as_deref() == Ok("info") {
        tracing_subscriber::fmt()
            .with_max_level(tracing_subscriber::filter::LevelFilter::INFO)
            .with_writer(std::io::stderr)
            .init();
    }
    let mut kind = None;
    let mut op = Op::GetSession;
    let mut in_flight = 1;
    let mut calls = 1_000;
    let mut base_url = None;
    let mut token = crate::fixtures::TOKEN.to_owned();
    let mut session_id = crate::fixtures::SESSION_ID;
    let mut ca_pem = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--client" => kind = Some(value.parse::<Kind>()?),
            "--op" => op = value.parse()?,
            "--in-flight" => in_flight = value.parse::<usize>()?.max(1),
            "--calls" => calls = value.parse::<usize>()?.max(1),
            "--url" => base_url = Some(value.clone()),
            "--token" => token = value.clone(),
            "--session" => session_id = value.parse::<Uuid>()?,
            "--ca" => ca_pem = Some(std::fs::read_to_string(value)?),
            other => return Err(format!("client: unknown argument {other}").into()),
        }
    }
    let kind = kind.ok_or("client: --client is required")?;
    let target = Target {
        base_url: base_url.ok_or("client: --url is required")?,
        token,
        session_id,
        ca_pem,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(async move {
        let client = AnyClient::new(kind, &target)?;
        // Warm-up: connections, TLS sessions, allocator, caches.
        let warmup = (calls / 10).clamp(in_flight.min(calls), 2_000);
        drive(&client, op, in_flight, warmup).await?;
        let cpu = ProcessTime::now();
        let wall = Instant::now();
        let mut latencies = drive(&client, op, in_flight, calls).await?;
        let wall = wall.elapsed();
        let cpu = cpu.elapsed();
        latencies.sort_unstable();
        Ok::<_, BoxError>(RunResult {
            calls: calls as u64,
            wall,
            cpu,
            p50: Duration::from_nanos(percentile(&latencies, 0.50)),
            p99: Duration::from_nanos(percentile(&latencies, 0.99)),
            peak_rss_kib: peak_rss_kib(),
        })
    })?;
    println!(
        "RESULT calls={} wall_ns={} cpu_ns={} p50_ns={} p99_ns={} hwm_kib={}",
        result.calls,
        result.wall.as_nanos(),
        result.cpu.as_nanos(),
        result.p50.as_nanos(),
        result.p99.as_nanos(),
        result.peak_rss_kib
    );
    Ok(())
}

/// `calls` calls, `in_flight` at a time (one task each, all on this thread);
/// returns every call's latency in nanoseconds.
async fn drive(
    client: &AnyClient,
    op: Op,
    in_flight: usize,
    calls: usize,
) -> Result<Vec<u64>, BoxError> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::with_capacity(in_flight);
    for _ in 0..in_flight.min(calls) {
        let client = client.clone();
        let next = Arc::clone(&next);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(calls / in_flight + 1);
            while next.fetch_add(1, Ordering::Relaxed) < calls {
                let started = Instant::now();
                client.call(op).await?;
                latencies.push(started.elapsed().as_nanos() as u64);
            }
            Ok::<_, BoxError>(latencies)
        }));
    }
    let mut all = Vec::with_capacity(calls);
    for task in tasks {
        all.extend(task.await??);
    }
    Ok(all)
}

/// `VmHWM` of this process in KiB (0 when unknown).
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}
