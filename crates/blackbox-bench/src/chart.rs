//! A small SVG line chart of calls/s against calls in flight, written by the
//! harness itself (no plotting dependency).

use std::fmt::Write as _;

use crate::clients::Kind;

/// One line of the chart.
#[derive(Debug, Clone)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// Client (decides the colour).
    pub client: Kind,
    /// Transport (decides the dash pattern).
    pub transport: &'static str,
    /// (calls in flight, calls/s), sorted by calls in flight.
    pub points: Vec<(usize, f64)>,
}

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 250.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 60.0;

fn colour(kind: Kind) -> &'static str {
    match kind {
        Kind::Floor => "#555555",
        Kind::Sdk => "#d9480f",
        Kind::Funcs => "#e8590c",
        Kind::Peer => "#1c7ed6",
    }
}

fn dash(transport: &str) -> &'static str {
    match transport {
        "HTTP/1.1" => "",
        "HTTP/1.1+TLS" => "8 4",
        _ => "2 3",
    }
}

/// The chart as an SVG document.
pub fn svg(series: &[Series]) -> String {
    let max_y = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(1.0_f64, f64::max);
    let step = nice_step(max_y / 5.0);
    let top_y = (max_y / step).ceil() * step;
    let xs: Vec<usize> = {
        let mut xs: Vec<usize> = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        xs.sort_unstable();
        xs.dedup();
        xs
    };
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let log_max = xs.last().map_or(1.0, |&x| (x.max(2) as f64).log2());
    let px = |x: usize| LEFT + plot_w * (x as f64).log2() / log_max;
    let py = |y: f64| TOP + plot_h * (1.0 - y / top_y);

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        out,
        r#"<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/><text x="{LEFT}" y="24" font-size="15" font-weight="bold">get_session: calls/s against calls in flight (one current-thread runtime)</text>"#
    );
    // Grid and axes.
    let mut y = 0.0;
    while y <= top_y + step / 2.0 {
        let _ = writeln!(
            out,
            r##"<line x1="{LEFT}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#e0e0e0"/><text x="{2:.1}" y="{3:.1}" text-anchor="end">{4}k</text>"##,
            py(y),
            LEFT + plot_w,
            LEFT - 8.0,
            py(y) + 4.0,
            (y / 1000.0).round()
        );
        y += step;
    }
    for &x in &xs {
        let _ = writeln!(
            out,
            r##"<line x1="{0:.1}" y1="{TOP}" x2="{0:.1}" y2="{1:.1}" stroke="#e0e0e0"/><text x="{0:.1}" y="{2:.1}" text-anchor="middle">{x}</text>"##,
            px(x),
            TOP + plot_h,
            TOP + plot_h + 18.0
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{0:.1}" y="{1:.1}" text-anchor="middle">calls in flight (log scale)</text><text transform="translate(18 {2:.1}) rotate(-90)" text-anchor="middle">calls/s</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 14.0,
        TOP + plot_h / 2.0
    );
    // Lines and legend.
    for (index, s) in series.iter().enumerate() {
        let points: Vec<String> = s
            .points
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        let _ = writeln!(
            out,
            r#"<polyline fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}" points="{}"/>"#,
            colour(s.client),
            dash(s.transport),
            points.join(" ")
        );
        for &(x, y) in &s.points {
            let _ = writeln!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"/>"#,
                px(x),
                py(y),
                colour(s.client)
            );
        }
        let ly = TOP + 10.0 + 20.0 * index as f64;
        let lx = WIDTH - RIGHT + 20.0;
        let _ = writeln!(
            out,
            r#"<line x1="{lx}" y1="{ly}" x2="{0}" y2="{ly}" stroke="{1}" stroke-width="2" stroke-dasharray="{2}"/><text x="{3}" y="{4}">{5}</text>"#,
            lx + 30.0,
            colour(s.client),
            dash(s.transport),
            lx + 36.0,
            ly + 4.0,
            escape(&s.label)
        );
    }
    out.push_str("</svg>\n");
    out
}

fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.max(1.0).log10().floor());
    let normalized = raw / magnitude;
    let nice = if normalized <= 1.0 {
        1.0
    } else if normalized <= 2.0 {
        2.0
    } else if normalized <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

/// Redraws `docs/throughput.svg` from a saved `throughput` report (its markdown
/// rows), so a chart always matches the tables it is published with.
pub fn redraw_from_report(args: &[String]) -> Result<(), crate::BoxError> {
    let path = args.first().ok_or("chart: the report file is required")?;
    let report = std::fs::read_to_string(path)?;
    let mut series = Vec::new();
    for transport in ["HTTP/1.1", "HTTP/1.1+TLS", "HTTP/2+TLS"] {
        for client in [Kind::Floor, Kind::Sdk, Kind::Peer] {
            let mut points: Vec<(usize, f64)> = report
                .lines()
                .filter_map(|line| {
                    let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                    // | op | transport | in flight | client | calls/s | ...
                    let matches = cells.len() > 5
                        && cells[1] == "get_session"
                        && cells[2] == transport
                        && cells[4] == client.name();
                    matches.then(|| Some((cells[3].parse().ok()?, cells[5].parse().ok()?)))?
                })
                .collect();
            points.sort_by_key(|point| point.0);
            points.dedup_by_key(|point| point.0);
            if !points.is_empty() {
                series.push(Series {
                    label: format!("{} ({transport})", client.name()),
                    client,
                    transport,
                    points,
                });
            }
        }
    }
    if series.is_empty() {
        return Err("chart: no get_session rows in the report".into());
    }
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = manifest.join("../../docs/throughput.svg");
    std::fs::write(&output, svg(&series))?;
    println!("wrote {}", output.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_every_series() {
        let series = vec![Series {
            label: "floor (HTTP/1.1)".to_owned(),
            client: Kind::Floor,
            transport: "HTTP/1.1",
            points: vec![(1, 20_000.0), (8, 60_000.0), (64, 90_000.0)],
        }];
        let svg = svg(&series);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<polyline"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(nice_step(18_000.0), 20_000.0);
    }
}
