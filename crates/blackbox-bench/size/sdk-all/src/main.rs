//! Calls one operation once, `get_session` by default, with all seven compiled
//! in and reachable (so that the linker keeps them):
//! `size-sdk-all URL TOKEN SESSION_ID [CA_PEM_FILE] [OPERATION]`.
#![forbid(unsafe_code)]
use blackbox::Blackbox;
use blackbox::models::{ExtendSessionRequest, RevokeAllSessionsRequest};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.to_owned());
    let mut builder = Blackbox::builder()
        .server_url(arg(0, "https://127.0.0.1:8443"))
        .token(arg(1, "token"));
    if let Some(path) = args.get(3).filter(|path| !path.is_empty()) {
        match std::fs::read(path) {
            Ok(pem) => builder = builder.add_root_certificate_pem(pem),
            Err(error) => {
                eprintln!("{error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let Ok(id) = arg(2, "fe603112-c194-45c1-90cf-513753aa0744").parse::<blackbox::uuid::Uuid>()
    else {
        eprintln!("bad session id");
        return ExitCode::FAILURE;
    };
    let operation = arg(4, "get_session");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let result = runtime.block_on(async {
        let blackbox = builder.build()?;
        let sessions = blackbox.session_management();
        Ok::<String, blackbox::Error>(match operation.as_str() {
            "list_sessions" => format!("{}", sessions.list_sessions().await?.success),
            "cleanup_expired_sessions" => {
                format!("{}", sessions.cleanup_expired_sessions().await?.success)
            }
            "revoke_all_sessions" => format!(
                "{}",
                sessions
                    .revoke_all_sessions(RevokeAllSessionsRequest::new(true))
                    .await?
                    .success
            ),
            "get_session_stats" => format!("{}", sessions.get_session_stats().await?.success),
            "revoke_session" => format!("{}", sessions.revoke_session(id).await?.success),
            "extend_session" => format!(
                "{}",
                sessions
                    .extend_session(id, ExtendSessionRequest::new(1))
                    .await?
                    .success
            ),
            _ => format!(
                "{}",
                sessions
                    .get_session(id)
                    .await?
                    .data
                    .map_or(false, |session| session.id == id)
            ),
        })
    });
    match result {
        Ok(answer) => {
            println!("{answer}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
