//! What the commands print: tables and sentences for people, JSON for scripts.

use std::fmt::Write as _;

use blackbox::models::{SessionInfo, SessionListResponse, SessionStats};
use blackbox::uuid::Uuid;
use serde::Serialize;

use crate::cli::ColorChoice;
use crate::time;

/// The most characters of a user agent shown in the session table.
const USER_AGENT_WIDTH: usize = 48;

/// ANSI colours, on or off.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    enabled: bool,
}

impl Style {
    /// Colours for `choice`: `auto` colours a terminal; `NO_COLOR` (set and
    /// not empty, <https://no-color.org>) turns colours off whatever the choice.
    pub(crate) fn new(choice: ColorChoice, stdout_is_terminal: bool, no_color: bool) -> Self {
        let enabled = !no_color
            && match choice {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => stdout_is_terminal,
            };
        Self { enabled }
    }

    /// `text` in the SGR style `code` (`1` bold, `31` red, ...).
    fn paint(self, code: &str, text: &str) -> String {
        if self.enabled && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

/// Text from the server made safe for a terminal: control characters and
/// bidirectional overrides become `�`, so an answer cannot move the cursor,
/// change colours or reorder what is shown.
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .map(|character| {
            let unsafe_character = character.is_control()
                || matches!(character, '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            if unsafe_character { '\u{FFFD}' } else { character }
        })
        .collect()
}

/// `text` cut to `width` characters, with `…` when cut.
fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A cell: its text as shown, its width, and its style.
struct Cell {
    text: String,
    style: Option<&'static str>,
}

impl Cell {
    fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            style: None,
        }
    }

    fn styled(text: impl Into<String>, style: Option<&'static str>) -> Self {
        Self {
            text: text.into(),
            style,
        }
    }
}

/// Rows laid out in columns two spaces apart, without trailing spaces.
fn table(out: &mut String, style: Style, header: &[&str], rows: &[Vec<Cell>]) {
    let mut widths: Vec<usize> = header.iter().map(|title| title.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.text.chars().count());
        }
    }
    let header_cells: Vec<Cell> = header
        .iter()
        .map(|title| Cell::styled(*title, Some("1")))
        .collect();
    for row in std::iter::once(&header_cells).chain(rows) {
        let mut line = String::new();
        let last = row.len().saturating_sub(1);
        for (index, (cell, width)) in row.iter().zip(&widths).enumerate() {
            let shown = match cell.style {
                Some(code) => style.paint(code, &cell.text),
                None => cell.text.clone(),
            };
            line.push_str(&shown);
            if index < last {
                let padding = width.saturating_sub(cell.text.chars().count()) + 2;
                line.extend(std::iter::repeat_n(' ', padding));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// Whether a session has expired at `now`; `None` when its `expires_at`
/// cannot be read.
fn expired(session: &SessionInfo, now: i64) -> Option<bool> {
    time::parse_rfc3339(&session.expires_at).map(|expires_at| expires_at <= now)
}

fn expiry_text(session: &SessionInfo, now: i64) -> String {
    match time::parse_rfc3339(&session.expires_at) {
        Some(expires_at) => time::expiry(expires_at, now),
        None => format!("expires {}", clean(&session.expires_at)),
    }
}

fn created_text(session: &SessionInfo, now: i64) -> String {
    match time::parse_rfc3339(&session.created_at) {
        Some(created_at) => time::ago(created_at, now),
        None => clean(&session.created_at),
    }
}

/// `sessions list` as a table: the current session marked with `*`.
pub(crate) fn session_table(
    list: &SessionListResponse,
    now: i64,
    show_tokens: bool,
    style: Style,
) -> String {
    let mut out = String::new();
    if list.sessions.is_empty() {
        out.push_str("No sessions.\n");
        return out;
    }
    let mut header = vec!["", "ID", "CREATED", "EXPIRY", "IP ADDRESS", "USER AGENT"];
    if show_tokens {
        header.push("TOKEN");
    }
    let mut active = 0_usize;
    let mut expired_count = 0_usize;
    let rows: Vec<Vec<Cell>> = list
        .sessions
        .iter()
        .map(|session| {
            let is_expired = expired(session, now);
            match is_expired {
                Some(true) => expired_count += 1,
                Some(false) => active += 1,
                None => {}
            }
            let mark = if session.is_current {
                Cell::styled("*", Some("1;32"))
            } else {
                Cell::plain("")
            };
            let expiry_style = match is_expired {
                Some(true) => Some("31"),
                _ => None,
            };
            let mut row = vec![
                mark,
                Cell::styled(session.id.to_string(), session.is_current.then_some("1")),
                Cell::plain(created_text(session, now)),
                Cell::styled(expiry_text(session, now), expiry_style),
                Cell::plain(truncate(&clean(&session.ip_address), 39)),
                Cell::plain(truncate(&clean(&session.user_agent), USER_AGENT_WIDTH)),
            ];
            if show_tokens {
                row.push(Cell::plain(clean(session.token.expose())));
            }
            row
        })
        .collect();
    table(&mut out, style, &header, &rows);
    let shown = list.sessions.len();
    let noun = if shown == 1 { "session" } else { "sessions" };
    let _ = write!(
        out,
        "\n{shown} {noun}: {active} active, {expired_count} expired."
    );
    if list.sessions.iter().any(|session| session.is_current) {
        out.push_str(" * marks the current session.");
    }
    if u64::try_from(shown).ok() != Some(list.total) {
        let _ = write!(out, " The server counts {} in all.", list.total);
    }
    out.push('\n');
    out
}

/// One session (`get`, `extend`), field by field; `title` starts the first line.
pub(crate) fn session_details(
    title: &str,
    session: &SessionInfo,
    now: i64,
    show_tokens: bool,
    style: Style,
) -> String {
    let mut out = String::new();
    let current = if session.is_current {
        format!(" {}", style.paint("1;32", "(current)"))
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{title} {}{current}",
        style.paint("1", &session.id.to_string())
    );
    let expiry = expiry_text(session, now);
    let expiry = match expired(session, now) {
        Some(true) => style.paint("31", &expiry),
        _ => expiry,
    };
    let mut fields = vec![
        ("user id", session.user_id.to_string()),
        (
            "created",
            format!(
                "{} ({})",
                clean(&session.created_at),
                created_text(session, now)
            ),
        ),
        (
            "expires",
            format!("{} ({expiry})", clean(&session.expires_at)),
        ),
        ("ip address", clean(&session.ip_address)),
        ("user agent", clean(&session.user_agent)),
    ];
    if show_tokens {
        fields.push(("token", clean(session.token.expose())));
    }
    for (name, value) in fields {
        let _ = writeln!(out, "  {name:<12}{value}");
    }
    out
}

/// `sessions stats` as three lines.
pub(crate) fn stats_table(stats: &SessionStats) -> String {
    format!(
        "total    {}\nactive   {}\nexpired  {}\n",
        stats.total_sessions, stats.active_sessions, stats.expired_sessions
    )
}

/// A session as JSON: the API's `SessionInfo` in the API's field order, its
/// token `null` unless shown.
#[derive(Serialize)]
struct SessionJson<'a> {
    id: &'a Uuid,
    user_id: &'a Uuid,
    token: Option<&'a str>,
    created_at: &'a str,
    expires_at: &'a str,
    user_agent: &'a str,
    ip_address: &'a str,
    is_current: bool,
}

impl<'a> SessionJson<'a> {
    fn new(session: &'a SessionInfo, show_tokens: bool) -> Self {
        Self {
            id: &session.id,
            user_id: &session.user_id,
            token: show_tokens.then(|| session.token.expose()),
            created_at: &session.created_at,
            expires_at: &session.expires_at,
            user_agent: &session.user_agent,
            ip_address: &session.ip_address,
            is_current: session.is_current,
        }
    }
}

/// `sessions list` as JSON: the API's `SessionListResponse`.
#[derive(Serialize)]
struct ListJson<'a> {
    sessions: Vec<SessionJson<'a>>,
    total: u64,
}

/// The commands without data as JSON: the envelope's `success` and `message`.
#[derive(Serialize)]
struct DoneJson<'a> {
    success: bool,
    message: Option<&'a str>,
}

/// `sessions list` as JSON: the API's `data`, tokens `null` unless shown.
pub(crate) fn list_json(list: &SessionListResponse, show_tokens: bool) -> String {
    pretty(&ListJson {
        sessions: list
            .sessions
            .iter()
            .map(|session| SessionJson::new(session, show_tokens))
            .collect(),
        total: list.total,
    })
}

/// `sessions get` and `extend` as JSON: the API's `SessionInfo`.
pub(crate) fn session_json(session: &SessionInfo, show_tokens: bool) -> String {
    pretty(&SessionJson::new(session, show_tokens))
}

/// `sessions stats` as JSON: the API's `SessionStats`.
pub(crate) fn stats_json(stats: &SessionStats) -> String {
    pretty(stats)
}

/// The commands without data (`revoke`, `revoke-all`, `cleanup`) as JSON:
/// `{"success": true, "message": ...}` with the server's message.
pub(crate) fn done_json(message: Option<&str>) -> String {
    pretty(&DoneJson {
        success: true,
        message,
    })
}

/// Pretty-printed JSON and a newline. Serializing these types cannot fail
/// (string keys, no maps of other keys), so the fallback is never printed.
fn pretty(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: u128, current: bool, expires_at: &str) -> SessionInfo {
        let mut session = SessionInfo::default();
        session.id = blackbox::uuid::Uuid::from_u128(id);
        session.user_id = blackbox::uuid::Uuid::from_u128(7);
        session.token = "bbx_secret".into();
        session.created_at = "2026-11-27T11:00:00Z".to_owned();
        session.expires_at = expires_at.to_owned();
        session.user_agent = "curl/8.0\u{1b}[2J".to_owned();
        session.ip_address = "127.0.0.1".to_owned();
        session.is_current = current;
        session
    }

    const NOW: i64 = 1_795_784_400; // 2026-11-27T13:00:00Z

    #[test]
    fn the_table_marks_the_current_session_and_cleans_server_text() {
        let mut list = SessionListResponse::default();
        list.sessions = vec![
            session(1, true, "2026-11-27T16:12:00Z"),
            session(2, false, "2026-11-25T13:00:00Z"),
            session(3, false, "someday"),
        ];
        list.total = 3;
        let plain = Style::new(ColorChoice::Never, true, false);
        let table = session_table(&list, NOW, false, plain);
        assert!(!table.contains('\u{1b}'), "{table}");
        assert!(!table.contains("bbx_secret"), "{table}");
        assert!(
            table.contains("*  00000000-0000-0000-0000-000000000001  2 h ago"),
            "{table}"
        );
        assert!(table.contains("expires in 3 h 12 min"), "{table}");
        assert!(table.contains("expired 2 d ago"), "{table}");
        assert!(table.contains("expires someday"), "{table}");
        assert!(table.contains("curl/8.0\u{FFFD}[2J"), "{table}");
        assert!(table.contains("3 sessions: 1 active, 1 expired. * marks the current session."));
        assert!(table.lines().all(|line| line == line.trim_end()));
        let coloured = session_table(
            &list,
            NOW,
            true,
            Style::new(ColorChoice::Always, false, false),
        );
        assert!(coloured.contains("\x1b[1;32m*\x1b[0m"), "{coloured}");
        assert!(coloured.contains("bbx_secret"), "{coloured}");
    }

    #[test]
    fn no_color_wins_and_auto_follows_the_terminal() {
        assert!(!Style::new(ColorChoice::Always, true, true).enabled);
        assert!(Style::new(ColorChoice::Auto, true, false).enabled);
        assert!(!Style::new(ColorChoice::Auto, false, false).enabled);
    }

    #[test]
    fn json_redacts_tokens_unless_asked() {
        let one = session(1, true, "2026-11-27T16:12:00Z");
        let hidden = session_json(&one, false);
        assert!(hidden.contains("\"token\": null"), "{hidden}");
        assert!(!hidden.contains("bbx_secret"), "{hidden}");
        let shown = session_json(&one, true);
        assert!(shown.contains("\"token\": \"bbx_secret\""), "{shown}");
        let mut list = SessionListResponse::default();
        list.sessions = vec![one];
        list.total = 1;
        assert!(!list_json(&list, false).contains("bbx_secret"));
        assert_eq!(
            done_json(Some("Session revoked")),
            "{\n  \"success\": true,\n  \"message\": \"Session revoked\"\n}\n"
        );
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abcd", 4), "abcd");
    }
}
