//! Binary size, dependency graph and cold build time of minimal binaries that
//! call `get_session` once. Each is a standalone package under `size/` (outside
//! the workspace, with its own features and lock file), built cold into its own
//! directory under `target/bench-size/`, with plain `--release` and with the
//! `size` profile (`opt-level = "z"`, LTO, one codegen unit, `panic = "abort"`,
//! stripped).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::throughput::ResponderProcess;
use crate::{BoxError, Options, fixtures};

/// One size package.
#[derive(Debug, Clone, Copy)]
struct Package {
    /// Directory under `size/`.
    dir: &'static str,
    /// What it is, for the table.
    what: &'static str,
    /// Whether it talks TLS.
    tls: bool,
}

const PACKAGES: [Package; 6] = [
    Package {
        dir: "sdk-one",
        what: "SDK, `get-session` only, TLS",
        tls: true,
    },
    Package {
        dir: "sdk-all",
        what: "SDK, all seven operations (reachable), TLS",
        tls: true,
    },
    Package {
        dir: "sdk-one-notls",
        what: "SDK, `get-session` only, no TLS",
        tls: false,
    },
    Package {
        dir: "floor",
        what: "floor: hyper + hyper-util + hyper-rustls, TLS",
        tls: true,
    },
    Package {
        dir: "floor-notls",
        what: "floor without TLS",
        tls: false,
    },
    Package {
        dir: "peer",
        what: "reqwest 0.13 (`rustls-no-provider` + ring), TLS",
        tls: true,
    },
];

/// What was measured for one package.
#[derive(Debug, Clone, Default)]
pub struct SizeResult {
    /// Package directory name.
    pub name: String,
    /// `--release` binary, bytes.
    pub release_bytes: u64,
    /// `size` profile binary, bytes.
    pub size_bytes: u64,
    /// Distinct crates of `cargo tree -e normal --no-dedupe`.
    pub crates: usize,
    /// Cold `--release` build, wall time.
    pub cold_build: Duration,
    /// Whether the size binary answered correctly against the responder.
    pub works: Option<bool>,
}

fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn build(manifest: &Path, target: &Path, profile: &str) -> Result<Duration, BoxError> {
    let started = Instant::now();
    let status = Command::new(cargo())
        .args(["build", "--quiet", "--profile", profile, "--manifest-path"])
        .arg(manifest)
        .arg("--target-dir")
        .arg(target)
        .stdin(Stdio::null())
        .status()?;
    if !status.success() {
        return Err(format!("building {} ({profile}) failed", manifest.display()).into());
    }
    Ok(started.elapsed())
}

fn crate_count(manifest: &Path) -> Result<usize, BoxError> {
    let output = Command::new(cargo())
        .args(["tree", "-e", "normal", "--prefix", "none", "--no-dedupe"])
        .arg("--manifest-path")
        .arg(manifest)
        .stdin(Stdio::null())
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let mut lines: Vec<&str> = std::str::from_utf8(&output.stdout)?
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    lines.sort_unstable();
    lines.dedup();
    Ok(lines.len())
}

/// Runs the size section and prints its tables.
pub fn run(_options: &Options) -> Result<Vec<SizeResult>, BoxError> {
    let root = workspace_dir();
    let size_root = root.join("target/bench-size");
    let responder = ResponderProcess::start(false).ok();
    let mut results = Vec::new();
    for package in PACKAGES {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("size")
            .join(package.dir)
            .join("Cargo.toml");
        let target = size_root.join(package.dir);
        // Cold: this package's own target directory, removed first (it holds
        // nothing but this package's artifacts).
        if target.exists() {
            std::fs::remove_dir_all(&target)?;
        }
        eprintln!(
            "size: building {} (cold release, then size profile)",
            package.dir
        );
        let cold_build = build(&manifest, &target, "release")?;
        build(&manifest, &target, "size")?;
        let binary = format!("size-{}", package.dir);
        let release_bytes = std::fs::metadata(target.join("release").join(&binary))?.len();
        let size_path = target.join("size").join(&binary);
        let size_bytes = std::fs::metadata(&size_path)?.len();
        let works = responder
            .as_ref()
            .map(|responder| smoke(&size_path, responder, package.tls));
        results.push(SizeResult {
            name: package.dir.to_owned(),
            release_bytes,
            size_bytes,
            crates: crate_count(&manifest)?,
            cold_build,
            works,
        });
    }
    drop(responder);
    print_tables(&results);
    Ok(results)
}

/// Runs the size binary once against the responder; true when it printed `true`.
fn smoke(binary: &Path, responder: &ResponderProcess, tls: bool) -> bool {
    let url = if tls {
        &responder.ready[1]
    } else {
        &responder.ready[0]
    };
    let mut command = Command::new(binary);
    command
        .arg(url)
        .arg(fixtures::TOKEN)
        .arg(fixtures::SESSION_ID.to_string());
    if tls {
        command.arg(&responder.ca_file);
    }
    let Ok(mut child) = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return false;
    };
    let started = Instant::now();
    while matches!(child.try_wait(), Ok(None)) {
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child
        .wait_with_output()
        .map(|output| output.status.success() && output.stdout.starts_with(b"true"))
        .unwrap_or(false)
}

fn print_tables(results: &[SizeResult]) {
    let find = |name: &str| results.iter().find(|r| r.name == name);
    let floor = find("floor");
    let floor_notls = find("floor-notls");
    let peer = find("peer");
    println!("\n## Binary size, dependencies and build cost\n");
    println!(
        "Minimal binaries calling `get_session` once (`crates/blackbox-bench/size/*`), each \
         built cold in its own target directory. Ratios against the floor with the same \
         TLS setting.\n"
    );
    println!(
        "| binary | size profile bytes | × floor | --release bytes | × floor | crates | cold release build s | × floor | works |"
    );
    println!("|---|--:|--:|--:|--:|--:|--:|--:|---|");
    for result in results {
        let package = PACKAGES.iter().find(|p| p.dir == result.name);
        let reference = if package.is_some_and(|p| p.tls) {
            floor
        } else {
            floor_notls
        };
        let ratio = |mine: f64, theirs: Option<f64>| {
            theirs.map_or_else(|| "–".to_owned(), |theirs| format!("{:.3}", mine / theirs))
        };
        println!(
            "| {} ({}) | {} | {} | {} | {} | {} | {:.1} | {} | {} |",
            result.name,
            package.map_or("", |p| p.what),
            result.size_bytes,
            ratio(
                result.size_bytes as f64,
                reference.map(|r| r.size_bytes as f64)
            ),
            result.release_bytes,
            ratio(
                result.release_bytes as f64,
                reference.map(|r| r.release_bytes as f64)
            ),
            result.crates,
            result.cold_build.as_secs_f64(),
            ratio(
                result.cold_build.as_secs_f64(),
                reference.map(|r| r.cold_build.as_secs_f64())
            ),
            match result.works {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "not run",
            }
        );
    }

    let (Some(one), Some(all), Some(notls), Some(floor), Some(floor_notls)) = (
        find("sdk-one"),
        find("sdk-all"),
        find("sdk-one-notls"),
        floor,
        floor_notls,
    ) else {
        return;
    };
    let met = |ok: bool| if ok { "yes" } else { "**no**" };
    let size_ratio = one.size_bytes as f64 / floor.size_bytes as f64;
    let all_extra = all.size_bytes as f64 - one.size_bytes as f64;
    let notls_ratio = notls.size_bytes as f64 / floor_notls.size_bytes as f64;
    let extra_crates = one.crates as i64 - floor.crates as i64;
    let build_ratio = one.cold_build.as_secs_f64() / floor.cold_build.as_secs_f64();
    println!("\n### Size and dependency targets (this run)\n");
    println!("| target | measured | met |");
    println!("|---|--:|---|");
    println!(
        "| one-operation TLS binary ≤ 1.05 × floor | {size_ratio:.3} | {} |",
        met(size_ratio <= 1.05)
    );
    println!(
        "| all seven operations add ≤ 48 KiB over one | {:+.1} KiB | {} |",
        all_extra / 1024.0,
        met(all_extra <= 48.0 * 1024.0)
    );
    println!(
        "| without TLS ≤ 1.05 × floor without TLS | {notls_ratio:.3} | {} |",
        met(notls_ratio <= 1.05)
    );
    println!(
        "| one-operation build adds ≤ 4 crates to the floor's graph | {extra_crates:+} | {} |",
        met(extra_crates <= 4)
    );
    println!(
        "| cold build ≤ 1.10 × floor | {build_ratio:.3} | {} |",
        met(build_ratio <= 1.10)
    );
    if let Some(peer) = peer {
        println!(
            "| (for reference) SDK one-operation size / reqwest | {:.3} | |",
            one.size_bytes as f64 / peer.size_bytes as f64
        );
    }
}
