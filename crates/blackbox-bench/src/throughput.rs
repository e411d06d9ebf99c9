//! Throughput and per-call cost: every client in its own process, interleaved
//! round by round (A B C D, then D C B A, ...) so machine drift cancels out in
//! the per-round ratios, whose median is reported.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use uuid::Uuid;

use crate::clients::{Kind, Op, Target};
use crate::measure::{self, RunResult, RunSpec, run_child};
use crate::stats::median;
use crate::{BoxError, Options, chart, fixtures};

/// Longest a single child run may take before it is killed.
const RUN_LIMIT: Duration = Duration::from_secs(180);

/// A responder child process; closing its stdin stops it, and it is killed by
/// PID if it has not stopped two seconds later.
#[derive(Debug)]
pub struct ResponderProcess {
    child: Child,
    /// The words after `READY`.
    pub ready: Vec<String>,
    /// File holding the CA PEM.
    pub ca_file: String,
}

impl ResponderProcess {
    /// Starts `blackbox-bench responder` (with `--sandbox` when `sandbox`).
    pub fn start(sandbox: bool) -> Result<Self, BoxError> {
        let dir = std::env::temp_dir();
        let ca_file = dir
            .join(format!(
                "blackbox-bench-ca-{}-{}.pem",
                std::process::id(),
                if sandbox { "sandbox" } else { "fixed" }
            ))
            .to_string_lossy()
            .into_owned();
        let mut command = measure::self_command(measure::Cpu::Responder)?;
        command
            .args(["responder", "--ca-out", &ca_file, "--seconds", "3600"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if sandbox {
            command.arg("--sandbox");
        }
        let mut child = command.spawn()?;
        let stdout = child.stdout.take().ok_or("responder has no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut process = Self {
            child,
            ready: Vec::new(),
            ca_file,
        };
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| "the responder did not start")?;
        let mut words = line.split_whitespace();
        if words.next() != Some("READY") {
            return Err(format!("the responder said {line:?}").into());
        }
        process.ready = words.map(str::to_owned).collect();
        Ok(process)
    }
}

impl Drop for ResponderProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        for _ in 0..200 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                let _ = std::fs::remove_file(&self.ca_file);
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.ca_file);
    }
}

/// One scenario: an operation over a transport with some calls in flight.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Operation.
    pub op: Op,
    /// Transport label.
    pub transport: &'static str,
    /// Calls at a time.
    pub in_flight: usize,
    /// Measured calls per run.
    pub calls: usize,
    /// Where.
    pub target: Target,
    /// CA file for TLS.
    pub ca_file: Option<String>,
}

/// The results of one scenario: every round's result per client.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// The scenario.
    pub scenario: Scenario,
    /// Per client, one result per round.
    pub runs: HashMap<Kind, Vec<RunResult>>,
}

/// Summary of one client in one scenario (medians over rounds).
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Calls per second.
    pub calls_per_sec: f64,
    /// Median latency, µs.
    pub p50_us: f64,
    /// 99th percentile latency, µs.
    pub p99_us: f64,
    /// CPU µs per call.
    pub cpu_us: f64,
    /// Peak RSS, MiB.
    pub rss_mib: f64,
    /// Median of the per-round ratios of calls/s to the floor's.
    pub throughput_vs_floor: f64,
    /// Median of the per-round ratios of CPU per call to the floor's.
    pub cpu_vs_floor: f64,
    /// Median of the per-round ratios of peak RSS to the floor's.
    pub rss_vs_floor: f64,
    /// Median of the per-round ratios of calls/s to reqwest's.
    pub throughput_vs_peer: f64,
}

impl ScenarioResult {
    /// Medians and median ratios of `kind`.
    pub fn summary(&self, kind: Kind) -> Option<Summary> {
        let runs = self.runs.get(&kind)?;
        let floor = self.runs.get(&Kind::Floor)?;
        let peer = self.runs.get(&Kind::Peer)?;
        let of = |f: &dyn Fn(&RunResult) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
        let ratio = |other: &[RunResult], f: &dyn Fn(&RunResult) -> f64| {
            median(
                &runs
                    .iter()
                    .zip(other)
                    .map(|(mine, theirs)| f(mine) / f(theirs))
                    .collect::<Vec<_>>(),
            )
        };
        Some(Summary {
            calls_per_sec: of(&RunResult::calls_per_sec),
            p50_us: of(&|run| run.p50.as_secs_f64() * 1e6),
            p99_us: of(&|run| run.p99.as_secs_f64() * 1e6),
            cpu_us: of(&RunResult::cpu_us_per_call),
            rss_mib: of(&|run| run.peak_rss_kib as f64 / 1024.0),
            throughput_vs_floor: ratio(floor, &RunResult::calls_per_sec),
            cpu_vs_floor: ratio(floor, &RunResult::cpu_us_per_call),
            rss_vs_floor: ratio(floor, &|run| run.peak_rss_kib as f64),
            throughput_vs_peer: ratio(peer, &RunResult::calls_per_sec),
        })
    }
}

/// Runs every client of `kinds` `pairs` times, interleaved, alternating the order.
fn run_scenario(
    scenario: &Scenario,
    kinds: &[Kind],
    pairs: usize,
) -> Result<ScenarioResult, BoxError> {
    let mut runs: HashMap<Kind, Vec<RunResult>> = HashMap::new();
    for round in 0..pairs {
        let mut order = kinds.to_vec();
        if round % 2 == 1 {
            order.reverse();
        }
        for kind in order {
            let spec = RunSpec {
                kind,
                op: scenario.op,
                in_flight: scenario.in_flight,
                calls: scenario.calls,
                target: scenario.target.clone(),
                ca_file: scenario.ca_file.clone(),
            };
            let result = run_child(&spec, RUN_LIMIT)?;
            runs.entry(kind).or_default().push(result);
        }
    }
    Ok(ScenarioResult {
        scenario: scenario.clone(),
        runs,
    })
}

/// Counts per mode: (sequential calls, 64-in-flight calls, rounds).
fn counts(options: &Options) -> (usize, usize, usize) {
    if options.quick {
        (1_000, 3_000, options.pairs.unwrap_or(1))
    } else {
        (20_000, 50_000, options.pairs.unwrap_or(3))
    }
}

/// Runs the throughput section and prints its tables; writes the chart.
pub fn run(options: &Options) -> Result<Vec<ScenarioResult>, BoxError> {
    let (seq_calls, par_calls, pairs) = counts(options);
    println!("\n## Throughput and per-call cost\n");
    println!(
        "Loopback responder (fixed answers, own process, one current-thread runtime); \
         each client in its own process on one current-thread runtime; {pairs} interleaved \
         round(s); medians, and medians of per-round ratios. Sequential = 1 in flight, \
         {seq_calls} calls; 64 in flight, {par_calls} calls. {}\n",
        if measure::pinning() {
            "Client on CPU 0, responder on CPU 1 (`taskset`)."
        } else {
            "Not pinned to CPUs."
        }
    );
    let responder = ResponderProcess::start(false)?;
    let [plain, tls1, tls2] = <[String; 3]>::try_from(responder.ready.clone())
        .map_err(|_| "the responder sent the wrong READY line")?;
    let ca_pem = std::fs::read_to_string(&responder.ca_file)?;
    let target = |url: &str, tls: bool| Target {
        base_url: url.to_owned(),
        token: fixtures::TOKEN.to_owned(),
        session_id: fixtures::SESSION_ID,
        ca_pem: tls.then(|| ca_pem.clone()),
    };
    let transports = [
        ("HTTP/1.1", target(&plain, false)),
        ("HTTP/1.1+TLS", target(&tls1, true)),
        ("HTTP/2+TLS", target(&tls2, true)),
    ];

    let mut results = Vec::new();
    print_header();
    for op in [Op::GetSession, Op::ListSessions] {
        for (transport, target) in &transports {
            for (in_flight, calls) in [(1, seq_calls), (64, par_calls)] {
                let scenario = Scenario {
                    op,
                    transport,
                    in_flight,
                    calls,
                    target: target.clone(),
                    ca_file: target.ca_pem.as_ref().map(|_| responder.ca_file.clone()),
                };
                let result = run_scenario(&scenario, &Kind::ALL, pairs)?;
                print_rows(&result);
                results.push(result);
            }
        }
    }

    // calls/s against concurrency, for the chart: 1 and 64 are above; add 8.
    let mut chart_series = Vec::new();
    for (transport, target) in &transports {
        let scenario = Scenario {
            op: Op::GetSession,
            transport,
            in_flight: 8,
            calls: par_calls,
            target: target.clone(),
            ca_file: target.ca_pem.as_ref().map(|_| responder.ca_file.clone()),
        };
        let eight = run_scenario(&scenario, &Kind::ALL, pairs)?;
        print_rows(&eight);
        for kind in [Kind::Floor, Kind::Sdk, Kind::Peer] {
            let mut points = Vec::new();
            for result in results.iter().chain(std::iter::once(&eight)) {
                let s = &result.scenario;
                if s.op == Op::GetSession
                    && s.transport == *transport
                    && let Some(summary) = result.summary(kind)
                {
                    points.push((s.in_flight, summary.calls_per_sec));
                }
            }
            points.sort_by_key(|point| point.0);
            chart_series.push(chart::Series {
                label: format!("{} ({transport})", kind.name()),
                client: kind,
                transport,
                points,
            });
        }
        results.push(eight);
    }
    drop(responder);

    let chart_path = chart_path(options.quick);
    std::fs::write(&chart_path, chart::svg(&chart_series))?;
    println!(
        "\nChart of calls/s against calls in flight: {}",
        chart_path.display()
    );

    // The sandbox: realistic answers (state, auth, JSON built per call).
    let sandbox = ResponderProcess::start(true)?;
    let [url, token, session] = <[String; 3]>::try_from(sandbox.ready.clone())
        .map_err(|_| "the sandbox sent the wrong READY line")?;
    let sandbox_target = Target {
        base_url: url,
        token,
        session_id: session.parse::<Uuid>()?,
        ca_pem: Some(std::fs::read_to_string(&sandbox.ca_file)?),
    };
    println!("\n### Against the sandbox (TLS, HTTP/2 by ALPN; realistic server work)\n");
    print_header();
    for op in [Op::GetSession, Op::ListSessions] {
        for (in_flight, calls) in [(1, seq_calls / 4), (64, par_calls / 5)] {
            let scenario = Scenario {
                op,
                transport: "sandbox TLS",
                in_flight,
                calls,
                target: sandbox_target.clone(),
                ca_file: Some(sandbox.ca_file.clone()),
            };
            let result = run_scenario(&scenario, &Kind::ALL, pairs)?;
            print_rows(&result);
            results.push(result);
        }
    }
    drop(sandbox);

    print_targets(&results);
    Ok(results)
}

/// Where the chart goes: `docs/throughput.svg` of the workspace for a full
/// run; a `--quick` smoke run's numbers are not worth committing, so its chart
/// goes under `target/`.
fn chart_path(quick: bool) -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let directory = if quick {
        manifest.join("../../target")
    } else {
        manifest.join("../../docs")
    };
    let _ = std::fs::create_dir_all(&directory);
    directory.join(if quick {
        "throughput-quick.svg"
    } else {
        "throughput.svg"
    })
}

fn print_header() {
    println!(
        "| operation | transport | in flight | client | calls/s | p50 µs | p99 µs | CPU µs/call | peak RSS MiB | calls/s × floor | CPU × floor | RSS × floor | calls/s × reqwest |"
    );
    println!("|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
}

fn print_rows(result: &ScenarioResult) {
    let s = &result.scenario;
    for kind in Kind::ALL {
        let Some(summary) = result.summary(kind) else {
            continue;
        };
        println!(
            "| {} | {} | {} | {} | {:.0} | {:.1} | {:.1} | {:.2} | {:.1} | {:.3} | {:.3} | {:.3} | {:.3} |",
            s.op.name(),
            s.transport,
            s.in_flight,
            kind.name(),
            summary.calls_per_sec,
            summary.p50_us,
            summary.p99_us,
            summary.cpu_us,
            summary.rss_mib,
            summary.throughput_vs_floor,
            summary.cpu_vs_floor,
            summary.rss_vs_floor,
            summary.throughput_vs_peer,
        );
    }
}

/// The targets, checked against this run (informational: nothing fails).
fn print_targets(results: &[ScenarioResult]) {
    println!("\n### Throughput targets (this run)\n");
    println!("| target | scenario | SDK (facade) | SDK (funcs) | met |");
    println!("|---|---|--:|--:|---|");
    for result in results {
        let s = &result.scenario;
        if s.transport == "sandbox TLS" || s.in_flight == 8 {
            continue;
        }
        let (Some(sdk), Some(funcs)) = (result.summary(Kind::Sdk), result.summary(Kind::Funcs))
        else {
            continue;
        };
        let scenario = format!("{} {} ×{}", s.op.name(), s.transport, s.in_flight);
        let floor_target = if s.in_flight == 1 { 0.97 } else { 0.95 };
        let met = |value: f64, target: f64| if value >= target { "yes" } else { "**no**" };
        println!(
            "| calls/s ≥ {floor_target} × floor | {scenario} | {:.3} | {:.3} | {} |",
            sdk.throughput_vs_floor,
            funcs.throughput_vs_floor,
            met(sdk.throughput_vs_floor, floor_target)
        );
        if s.in_flight == 64 {
            println!(
                "| calls/s ≥ 1.25 × reqwest | {scenario} | {:.3} | {:.3} | {} |",
                sdk.throughput_vs_peer,
                funcs.throughput_vs_peer,
                met(sdk.throughput_vs_peer, 1.25)
            );
            println!(
                "| peak RSS ≤ 1.10 × floor | {scenario} | {:.3} | {:.3} | {} |",
                sdk.rss_vs_floor,
                funcs.rss_vs_floor,
                if sdk.rss_vs_floor <= 1.10 {
                    "yes"
                } else {
                    "**no**"
                }
            );
        }
    }
}
