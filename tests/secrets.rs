//! Secrets never leak: every public type that can hold the bearer token, a
//! session token or a credential header is formatted with `{:?}`, `{:#?}` and
//! `{}` (where implemented), and the debug log of a full quickstart run is
//! captured from stderr; a sentinel must never appear.

use std::process::Command;
use std::time::Duration;

use blackbox::core::http::{HeaderMap, HeaderValue, Method, StatusCode};
use blackbox::core::{
    ApiError, BlackboxCore, BlackboxCoreBuilder, BoxError, BoxFuture, CredentialsError,
    HookContext, Hooks, OperationRequest, RawResponse, ResponseValidationError, SecretString,
    TokenSource,
};
use blackbox::models::{
    ApiResponseSessionInfo, ApiResponseSessionListResponse, SessionInfo, SessionListResponse,
};
use blackbox::{Blackbox, Error, RequestOptions};
use blackbox_sandbox::Sandbox;

const SENTINEL: &str = "SENTINEL-d3adb33f-SECRET";

fn assert_hidden(what: &str, shown: &str) {
    assert!(
        !shown.contains(SENTINEL),
        "{what} leaks the secret: {shown}"
    );
}

fn check_debug(what: &str, value: &impl std::fmt::Debug) {
    assert_hidden(what, &format!("{value:?}"));
    assert_hidden(what, &format!("{value:#?}"));
}

fn check_display(what: &str, value: &(impl std::fmt::Debug + std::fmt::Display)) {
    check_debug(what, value);
    assert_hidden(what, &value.to_string());
}

#[derive(Debug)]
struct SentinelSource;

impl TokenSource for SentinelSource {
    fn token(&self) -> BoxFuture<'_, Result<Option<SecretString>, BoxError>> {
        Box::pin(async { Ok(Some(SecretString::from(SENTINEL))) })
    }
}

fn session() -> SessionInfo {
    let mut session = SessionInfo::default();
    session.id = uuid::Uuid::nil();
    session.user_id = uuid::Uuid::nil();
    session.token = SecretString::from(SENTINEL);
    session.created_at = "2026-11-27T13:00:00Z".into();
    session.expires_at = "2026-11-28T13:00:00Z".into();
    session.user_agent = "test".into();
    session.ip_address = "127.0.0.1".into();
    session.is_current = true;
    session
}

fn bearer_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {SENTINEL}")).unwrap(),
    );
    headers.insert(
        "set-cookie",
        HeaderValue::from_str(&format!("session={SENTINEL}")).unwrap(),
    );
    headers.insert(
        "proxy-authorization",
        HeaderValue::from_str(SENTINEL).unwrap(),
    );
    headers
}

#[test]
fn no_public_type_shows_a_secret() {
    let secret = SecretString::from(SENTINEL);
    assert_eq!(format!("{secret:?}"), "** redacted **");

    let core_builder = BlackboxCore::builder()
        .token(SENTINEL)
        .default_header("authorization", format!("Bearer {SENTINEL}"))
        .default_header("x-api-key", SENTINEL)
        .proxy(format!("http://user:{SENTINEL}@127.0.0.1:3128"));
    check_debug("BlackboxCoreBuilder", &core_builder);
    let core = core_builder.build().unwrap();
    check_debug("BlackboxCore", &core);
    let with_source = BlackboxCoreBuilder::new().token_source(SentinelSource);
    check_debug("BlackboxCoreBuilder with a token source", &with_source);
    check_debug(
        "BlackboxCore with a token source",
        &with_source.build().unwrap(),
    );

    let facade_builder = Blackbox::builder().token(SENTINEL);
    check_debug("BlackboxBuilder", &facade_builder);
    check_debug("Blackbox", &facade_builder.build().unwrap());

    let options = RequestOptions::new()
        .header("authorization", format!("Bearer {SENTINEL}"))
        .header("cookie", format!("session={SENTINEL}"));
    check_debug("RequestOptions", &options);

    let info = session();
    check_debug("SessionInfo", &info);
    let one = ApiResponseSessionInfo::new(info.clone());
    check_debug("ApiResponseSessionInfo", &one);
    let mut sessions = SessionListResponse::default();
    sessions.sessions = vec![info.clone(), info];
    sessions.total = 2;
    let list = ApiResponseSessionListResponse::new(sessions);
    check_debug("ApiResponseSessionListResponse", &list);

    let body_with_token = serde_json::to_vec(&list).unwrap();
    assert!(
        String::from_utf8_lossy(&body_with_token).contains(SENTINEL),
        "tokens serialise on purpose"
    );
    let request = OperationRequest::new("extend_session", Method::POST, "/x")
        .json_body(&serde_json::json!({ "token": SENTINEL }))
        .unwrap();
    check_debug("OperationRequest", &request);

    let api = ApiError::new(
        StatusCode::UNAUTHORIZED,
        bearer_headers(),
        body_with_token.clone().into(),
    );
    check_display("ApiError", &api);
    check_display("Error::Api", &Error::Api(api));

    let serde_error =
        serde_json::from_slice::<u64>(format!("\"{SENTINEL}\"").as_bytes()).unwrap_err();
    let invalid = ResponseValidationError::new(StatusCode::OK, body_with_token.into(), serde_error);
    check_display("ResponseValidationError", &invalid);
    check_display(
        "Error::ResponseValidation",
        &Error::ResponseValidation(invalid),
    );

    let bad_token = BlackboxCore::builder()
        .token(format!("{SENTINEL}\n"))
        .build()
        .unwrap_err();
    check_display("Error::InvalidRequest (bad token)", &bad_token);
    check_display(
        "Error::Credentials",
        &Error::Credentials(CredentialsError::new("token source failed")),
    );
}

#[tokio::test]
async fn responses_and_errors_from_a_real_exchange_hide_tokens() {
    let sandbox = Sandbox::builder()
        .demo_token(SENTINEL)
        .start()
        .await
        .unwrap();
    let core = BlackboxCore::builder()
        .server_url(sandbox.base_url())
        .token(SENTINEL)
        .build()
        .unwrap();
    let response: RawResponse = core
        .execute(
            OperationRequest::new("list_sessions", Method::GET, "/api/v0/sessions"),
            None,
        )
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(response.body()).contains(SENTINEL));
    check_debug("RawResponse", &response);
    let blackbox = Blackbox::from(core);
    let list = blackbox.session_management().list_sessions().await.unwrap();
    check_debug("a decoded list", &list);

    // The token is marked sensitive on the request that goes on the wire.
    #[derive(Debug)]
    struct CheckSensitive;
    impl Hooks for CheckSensitive {
        fn before_request(
            &self,
            _: &HookContext<'_>,
            request: &mut blackbox::core::http::Request<bytes::Bytes>,
        ) -> Result<(), BoxError> {
            let authorization = request
                .headers()
                .get("authorization")
                .ok_or("no authorization")?;
            if authorization.is_sensitive() {
                Ok(())
            } else {
                Err("authorization is not sensitive".into())
            }
        }
    }
    let checked = BlackboxCore::builder()
        .server_url(sandbox.base_url())
        .token(SENTINEL)
        .hook(CheckSensitive)
        .build()
        .unwrap();
    let stats = OperationRequest::new("get_session_stats", Method::GET, "/api/v0/sessions/stats");
    checked
        .execute(stats, None)
        .await
        .expect("the hook found a sensitive Authorization");
    sandbox.shutdown().await;
}

/// `target/debug/examples/quickstart`, built by `cargo test --workspace`.
fn quickstart_binary() -> std::path::PathBuf {
    let test_binary = std::env::current_exe().unwrap();
    let profile_dir = test_binary.parent().and_then(|deps| deps.parent()).unwrap();
    let binary = profile_dir
        .join("examples")
        .join(format!("quickstart{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.exists(),
        "{} is missing: `cargo test --workspace` builds the examples before running tests",
        binary.display()
    );
    binary
}

#[tokio::test]
async fn the_debug_log_of_a_quickstart_run_hides_every_token() {
    let sandbox = Sandbox::builder()
        .demo_token(SENTINEL)
        .start()
        .await
        .unwrap();
    let (_, other_token) = sandbox.add_session(Duration::from_secs(3600));
    let output = tokio::task::spawn_blocking({
        let url = sandbox.base_url().to_owned();
        move || {
            Command::new(quickstart_binary())
                .env("BLACKBOX_SERVER_URL", url)
                .env("BLACKBOX_BLACKBOX_AUTH_TOKEN", SENTINEL)
                .env("BLACKBOX_DEBUG", "1")
                .output()
                .expect("the quickstart runs")
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "quickstart failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stderr.contains("blackbox: list_sessions attempt 1: GET"),
        "the debug log is on:\n{stderr}"
    );
    assert!(stderr.contains("** redacted **"), "{stderr}");
    for text in [&stdout, &stderr] {
        assert!(!text.contains(SENTINEL), "the bearer token leaked:\n{text}");
        assert!(
            !text.contains(&other_token),
            "a session token leaked:\n{text}"
        );
    }
    sandbox.shutdown().await;
}
