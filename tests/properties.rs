//! Property tests for every response decoder and for error-body parsing.
//!
//! * The model decoders are exercised exactly as the SDK runs them:
//!   `RawResponse::into_api_response` decodes with
//!   `serde_json::from_slice::<ApiResponse<Model>>`, and a failure becomes a
//!   `ResponseValidationError`, whose formatting is checked too. Inputs: arbitrary bytes, arbitrary JSON values, schema-valid documents
//!   (which must decode to exactly the generated values), schema-valid documents
//!   with one field of the wrong type or one required field missing (which must
//!   fail), and strict prefixes of valid documents (which must fail).
//! * Error bodies go through the real `ApiError::new` with arbitrary statuses
//!   400..=599, arbitrary bodies and `Retry-After` values.
//! * Every model round-trips through serde.
//! * Once, the whole SDK path over a real socket: `get_session_stats` against a
//!   scripted loopback server answering arbitrary bodies.
//!
//! Failing cases are not persisted (`failure_persistence: None`): proptest prints
//! the minimal case, which belongs in a plain regression test. Known deviations
//! from the contract are pinned by `#[ignore]`d tests at the end of the file.

use std::fmt::Debug;
use std::time::{Duration, SystemTime};

use blackbox::core::http::{HeaderMap, HeaderValue, StatusCode, header::RETRY_AFTER};
use blackbox::core::{ApiError, BlackboxCore, ResponseValidationError, SecretString};
use blackbox::models::{
    ApiResponse, ApiResponseSessionInfo, ApiResponseSessionListResponse, ApiResponseSessionStats,
    ExtendSessionRequest, RevokeAllSessionsRequest, SessionInfo, SessionListResponse, SessionStats,
};
use blackbox::uuid::Uuid;
use blackbox::{Error, RetryConfig};
use blackbox_rs::{RawServer, Reply};
use bytes::Bytes;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Number, Value, json};

// ---------------------------------------------------------------------------
// Configuration and the models under test

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The decode and encode functions of one model, as the SDK calls them
/// (`serde` itself is not a dependency of this package, so the bounds live here).
trait Model: Sized + Debug + PartialEq {
    const NAME: &'static str;
    fn decode(bytes: &[u8]) -> serde_json::Result<Self>;
    fn encode(&self) -> Vec<u8>;
}

macro_rules! models {
    ($($model:ty),* $(,)?) => {$(
        impl Model for $model {
            const NAME: &'static str = stringify!($model);
            fn decode(bytes: &[u8]) -> serde_json::Result<Self> {
                serde_json::from_slice(bytes)
            }
            fn encode(&self) -> Vec<u8> {
                serde_json::to_vec(self).expect("a model always encodes")
            }
        }
    )*};
}

models!(
    ApiResponseSessionListResponse,
    SessionListResponse,
    ApiResponseSessionStats,
    SessionStats,
    ApiResponseSessionInfo,
    SessionInfo,
    RevokeAllSessionsRequest,
    ExtendSessionRequest,
);

/// Decodes `bytes` as `T` and checks what the SDK would do with the result: a
/// success re-encodes and decodes to the same value; a failure is a typed
/// `serde_json` error that formats, as a `ResponseValidationError`, to one line
/// that does not quote the body.
fn decode_checked<T: Model>(bytes: &[u8]) -> Result<Option<T>, TestCaseError> {
    match T::decode(bytes) {
        Ok(model) => {
            let again = T::decode(&model.encode());
            prop_assert_eq!(
                again.as_ref().ok(),
                Some(&model),
                "{} does not round-trip",
                T::NAME
            );
            Ok(Some(model))
        }
        Err(source) => {
            let body = Bytes::copy_from_slice(bytes);
            let error = Error::ResponseValidation(ResponseValidationError::new(
                StatusCode::OK,
                body,
                source,
            ));
            let shown = error.to_string();
            prop_assert!(
                shown.starts_with(&format!("response (status 200, {} bytes) is ", bytes.len())),
                "{}",
                shown
            );
            prop_assert!(!shown.chars().any(char::is_control), "{:?}", shown);
            prop_assert!(shown.len() < 200, "{}", shown);
            let debug = format!("{error:?}");
            prop_assert!(debug.starts_with("ResponseValidation("), "{}", debug);
            prop_assert_eq!(error.status(), Some(StatusCode::OK));
            Ok(None)
        }
    }
}

/// Runs [`decode_checked`] for every model; returns which ones decoded.
fn decode_all(bytes: &[u8]) -> Result<[bool; 8], TestCaseError> {
    Ok([
        decode_checked::<ApiResponseSessionListResponse>(bytes)?.is_some(),
        decode_checked::<SessionListResponse>(bytes)?.is_some(),
        decode_checked::<ApiResponseSessionStats>(bytes)?.is_some(),
        decode_checked::<SessionStats>(bytes)?.is_some(),
        decode_checked::<ApiResponseSessionInfo>(bytes)?.is_some(),
        decode_checked::<SessionInfo>(bytes)?.is_some(),
        decode_checked::<RevokeAllSessionsRequest>(bytes)?.is_some(),
        decode_checked::<ExtendSessionRequest>(bytes)?.is_some(),
    ])
}

// ---------------------------------------------------------------------------
// Arbitrary JSON

/// Field names of the schema, so arbitrary objects often look like the models.
const KNOWN_KEYS: &[&str] = &[
    "success",
    "message",
    "data",
    "sessions",
    "total",
    "total_sessions",
    "active_sessions",
    "expired_sessions",
    "id",
    "user_id",
    "token",
    "created_at",
    "expires_at",
    "user_agent",
    "ip_address",
    "is_current",
    "keep_current",
    "extension_hours",
];

/// Strings of every kind: any Unicode (controls and newlines included), ASCII,
/// and printable Unicode.
fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "(?s).{0,24}",
        "[a-zA-Z0-9 ._:/+-]{0,24}",
        "\\PC{0,24}",
        Just("\u{2028}\u{2029}\u{202e}\u{0}\u{7f}\u{85}\u{feff}".to_owned()),
    ]
}

fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(KNOWN_KEYS).prop_map(str::to_owned),
        1 => arb_text(),
    ]
}

fn arb_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|float| Number::from_f64(float).map_or(Value::Null, Value::Number)),
        proptest::sample::select(vec![0, 1, (1 << 53) + 1, u64::from(u32::MAX) + 1, u64::MAX])
            .prop_map(Value::from),
    ]
}

/// A recursive strategy for any JSON value.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        arb_number(),
        arb_text().prop_map(Value::String),
        arb_uuid().prop_map(|id| Value::String(id.to_string())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((arb_key(), inner), 0..8)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// How a document is written: key order and whitespace.
#[derive(Clone, Copy, Debug)]
struct Layout {
    seed: u64,
    whitespace: bool,
}

fn arb_layout() -> impl Strategy<Value = Layout> {
    (any::<u64>(), any::<bool>()).prop_map(|(seed, whitespace)| Layout { seed, whitespace })
}

/// Writes `value` as JSON text with its object keys in a shuffled order and,
/// optionally, JSON whitespace between tokens (never after the last one).
fn render(value: &Value, layout: Layout) -> String {
    fn next(state: &mut u64) -> u64 {
        let mut x = *state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *state = x;
        x
    }
    fn space(out: &mut String, state: &mut u64, whitespace: bool) {
        if whitespace {
            let pick = next(state);
            if pick.is_multiple_of(3) {
                out.push_str([" ", "\n", "\t", "\r\n", "  "][(pick >> 8) as usize % 5]);
            }
        }
    }
    fn write(value: &Value, state: &mut u64, whitespace: bool, out: &mut String) {
        match value {
            Value::Array(items) => {
                out.push('[');
                for (position, item) in items.iter().enumerate() {
                    if position > 0 {
                        out.push(',');
                    }
                    space(out, state, whitespace);
                    write(item, state, whitespace, out);
                    space(out, state, whitespace);
                }
                out.push(']');
            }
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                for position in (1..entries.len()).rev() {
                    let other = (next(state) % (position as u64 + 1)) as usize;
                    entries.swap(position, other);
                }
                out.push('{');
                for (position, (key, item)) in entries.into_iter().enumerate() {
                    if position > 0 {
                        out.push(',');
                    }
                    space(out, state, whitespace);
                    out.push_str(&serde_json::to_string(key).expect("a key encodes"));
                    space(out, state, whitespace);
                    out.push(':');
                    space(out, state, whitespace);
                    write(item, state, whitespace, out);
                    space(out, state, whitespace);
                }
                out.push('}');
            }
            scalar => out.push_str(&serde_json::to_string(scalar).expect("a scalar encodes")),
        }
    }
    let mut state = layout.seed | 1;
    let mut out = String::new();
    write(value, &mut state, layout.whitespace, &mut out);
    out
}

// ---------------------------------------------------------------------------
// Schema-valid documents, built by hand from generated values (independently of
// the models' `Serialize`), with the values they must decode to

fn arb_uuid() -> impl Strategy<Value = Uuid> {
    any::<u128>().prop_map(Uuid::from_u128)
}

/// `u64` counters across the full range, with the edges (2^53 and beyond,
/// where a JavaScript number stops being exact) drawn often.
fn arb_counter() -> impl Strategy<Value = u64> {
    prop_oneof![
        any::<u64>(),
        (1u64 << 53)..=u64::MAX,
        proptest::sample::select(vec![0, 1, 1 << 53, (1 << 53) + 1, u64::MAX - 1, u64::MAX]),
    ]
}

/// Unknown fields, which every decoder must ignore. The `x-` prefix keeps them
/// apart from the schema's names.
fn arb_extras() -> impl Strategy<Value = Vec<(String, Value)>> {
    proptest::collection::vec(("x-\\PC{0,8}", arb_json()), 0..3)
}

fn object(fields: Vec<(&str, Value)>, extras: &[(String, Value)]) -> Value {
    let mut map: Map<String, Value> = fields
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect();
    for (key, value) in extras {
        map.insert(key.clone(), value.clone());
    }
    Value::Object(map)
}

fn arb_session() -> impl Strategy<Value = SessionInfo> {
    (
        arb_uuid(),
        arb_uuid(),
        arb_text(),
        arb_text(),
        arb_text(),
        arb_text(),
        arb_text(),
        any::<bool>(),
    )
        .prop_map(
            |(id, user_id, token, created_at, expires_at, user_agent, ip_address, is_current)| {
                let mut session = SessionInfo::default();
                session.id = id;
                session.user_id = user_id;
                session.token = SecretString::from(token);
                session.created_at = created_at;
                session.expires_at = expires_at;
                session.user_agent = user_agent;
                session.ip_address = ip_address;
                session.is_current = is_current;
                session
            },
        )
}

/// A `SessionInfo` document; ids in lower or upper case hex.
fn arb_session_doc() -> impl Strategy<Value = (SessionInfo, Value)> {
    (arb_session(), any::<bool>(), arb_extras()).prop_map(|(session, upper, extras)| {
        let id = |id: Uuid| {
            let text = id.hyphenated().to_string();
            Value::String(if upper { text.to_uppercase() } else { text })
        };
        let doc = object(
            vec![
                ("id", id(session.id)),
                ("user_id", id(session.user_id)),
                ("token", Value::from(session.token.expose())),
                ("created_at", Value::from(session.created_at.as_str())),
                ("expires_at", Value::from(session.expires_at.as_str())),
                ("user_agent", Value::from(session.user_agent.as_str())),
                ("ip_address", Value::from(session.ip_address.as_str())),
                ("is_current", Value::Bool(session.is_current)),
            ],
            &extras,
        );
        (session, doc)
    })
}

fn arb_stats_doc() -> impl Strategy<Value = (SessionStats, Value)> {
    (arb_counter(), arb_counter(), arb_counter(), arb_extras()).prop_map(
        |(total_sessions, active_sessions, expired_sessions, extras)| {
            let doc = object(
                vec![
                    ("total_sessions", Value::from(total_sessions)),
                    ("active_sessions", Value::from(active_sessions)),
                    ("expired_sessions", Value::from(expired_sessions)),
                ],
                &extras,
            );
            let mut stats = SessionStats::default();
            stats.total_sessions = total_sessions;
            stats.active_sessions = active_sessions;
            stats.expired_sessions = expired_sessions;
            (stats, doc)
        },
    )
}

fn arb_list_doc() -> impl Strategy<Value = (SessionListResponse, Value)> {
    (
        proptest::collection::vec(arb_session_doc(), 0..4),
        arb_counter(),
        arb_extras(),
    )
        .prop_map(|(sessions, total, extras)| {
            let (sessions, docs): (Vec<SessionInfo>, Vec<Value>) = sessions.into_iter().unzip();
            let doc = object(
                vec![
                    ("sessions", Value::Array(docs)),
                    ("total", Value::from(total)),
                ],
                &extras,
            );
            let mut list = SessionListResponse::default();
            list.sessions = sessions;
            list.total = total;
            (list, doc)
        })
}

/// The envelope around `data`: `message` a string, `null` or absent; `data`
/// present, `null` or absent; unknown fields.
#[derive(Clone, Debug)]
struct Envelope {
    success: bool,
    message: Option<String>,
    message_absent: bool,
    data_absent: bool,
    extras: Vec<(String, Value)>,
}

fn arb_envelope() -> impl Strategy<Value = Envelope> {
    (
        any::<bool>(),
        proptest::option::of(arb_text()),
        any::<bool>(),
        any::<bool>(),
        arb_extras(),
    )
        .prop_map(
            |(success, message, message_absent, data_absent, extras)| Envelope {
                success,
                message,
                message_absent,
                data_absent,
                extras,
            },
        )
}

impl Envelope {
    /// The envelope these fields decode to, around `data`.
    fn model<T: Default>(self, data: Option<T>) -> ApiResponse<T> {
        let mut model = ApiResponse::new(T::default());
        model.success = self.success;
        model.message = self.message;
        model.data = data;
        model
    }

    fn doc(&self, data: Option<Value>) -> Value {
        let mut fields = vec![("success", Value::Bool(self.success))];
        match &self.message {
            Some(message) => fields.push(("message", Value::from(message.as_str()))),
            None if self.message_absent => {}
            None => fields.push(("message", Value::Null)),
        }
        match data {
            Some(data) => fields.push(("data", data)),
            None if self.data_absent => {}
            None => fields.push(("data", Value::Null)),
        }
        object(fields, &self.extras)
    }
}

fn arb_list_envelope_doc() -> impl Strategy<Value = (ApiResponseSessionListResponse, Value)> {
    (arb_envelope(), proptest::option::of(arb_list_doc())).prop_map(|(envelope, data)| {
        let (data, data_doc) = data.unzip();
        let doc = envelope.doc(data_doc);
        let model = envelope.model(data);
        (model, doc)
    })
}

fn arb_stats_envelope_doc() -> impl Strategy<Value = (ApiResponseSessionStats, Value)> {
    (arb_envelope(), proptest::option::of(arb_stats_doc())).prop_map(|(envelope, data)| {
        let (data, data_doc) = data.unzip();
        let doc = envelope.doc(data_doc);
        let model = envelope.model(data);
        (model, doc)
    })
}

fn arb_info_envelope_doc() -> impl Strategy<Value = (ApiResponseSessionInfo, Value)> {
    (arb_envelope(), proptest::option::of(arb_session_doc())).prop_map(|(envelope, data)| {
        let (data, data_doc) = data.unzip();
        let doc = envelope.doc(data_doc);
        let model = envelope.model(data);
        (model, doc)
    })
}

fn arb_revoke_all_doc() -> impl Strategy<Value = (RevokeAllSessionsRequest, Value)> {
    (any::<bool>(), arb_extras()).prop_map(|(keep_current, extras)| {
        let doc = object(vec![("keep_current", Value::Bool(keep_current))], &extras);
        (RevokeAllSessionsRequest::new(keep_current), doc)
    })
}

fn arb_extend_doc() -> impl Strategy<Value = (ExtendSessionRequest, Value)> {
    (any::<u32>(), arb_extras()).prop_map(|(extension_hours, extras)| {
        let doc = object(
            vec![("extension_hours", Value::from(extension_hours))],
            &extras,
        );
        (ExtendSessionRequest::new(extension_hours), doc)
    })
}

/// A valid document must decode to exactly the generated value, whatever the
/// key order and whitespace; every strict prefix of it must fail.
fn check_valid<T: Model>(
    expected: &T,
    doc: &Value,
    layout: Layout,
    cut: Index,
) -> Result<(), TestCaseError> {
    let text = render(doc, layout);
    match T::decode(text.as_bytes()) {
        Ok(decoded) => prop_assert_eq!(&decoded, expected, "{} from {}", T::NAME, text),
        Err(error) => {
            return Err(TestCaseError::fail(format!(
                "{} rejects a valid document: {error}\n{text}",
                T::NAME
            )));
        }
    }
    let checked = decode_checked::<T>(text.as_bytes())?;
    prop_assert_eq!(checked.as_ref(), Some(expected));
    let prefix = &text.as_bytes()[..cut.index(text.len())];
    prop_assert!(
        T::decode(prefix).is_err(),
        "{} accepts the strict prefix {:?}",
        T::NAME,
        String::from_utf8_lossy(prefix)
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// One field of the wrong type, or a required field missing

/// What a field holds, which decides what is of the wrong type for it.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Bool,
    Counter,
    Hours,
    Text,
    OptionalText,
    Uuid,
    /// `data`: an object, `null` or absent.
    OptionalObject,
    /// An element of `sessions`.
    Object,
    /// `sessions`.
    Array,
}

/// Values of the wrong JSON type (or, for integers, out of the type's range)
/// for a kind of field. Arrays are left out where a struct is expected, because
/// serde also decodes a struct from a JSON array of its fields (see
/// `known_deviation_models_decode_from_json_arrays`), except `[]`, which lacks
/// the required fields.
fn wrong_values(kind: Kind) -> Vec<Value> {
    let mut values = match kind {
        Kind::Bool => vec![
            json!(0),
            json!(1),
            json!("true"),
            json!(null),
            json!([true]),
        ],
        Kind::Counter | Kind::Hours => vec![
            json!("7"),
            json!(true),
            json!(null),
            json!(-1),
            json!(i64::MIN),
            json!(1.5),
            json!(-0.5),
            json!([7]),
        ],
        Kind::Text => vec![json!(7), json!(false), json!(null), json!(["text"])],
        Kind::OptionalText => vec![json!(7), json!(false), json!(["text"])],
        Kind::Uuid => vec![
            json!(7),
            json!(false),
            json!(null),
            json!([]),
            json!("not-a-uuid"),
            json!(""),
            json!("00000000-0000-0000-0000-00000000000g"),
        ],
        Kind::OptionalObject => vec![json!(7), json!(true), json!("data"), json!([])],
        Kind::Object => vec![
            json!(7),
            json!(true),
            json!("session"),
            json!(null),
            json!([]),
        ],
        Kind::Array => vec![
            json!(7),
            json!(true),
            json!("sessions"),
            json!(null),
            json!({}),
        ],
    };
    if matches!(kind, Kind::Hours) {
        values.push(json!(u64::from(u32::MAX) + 1));
    }
    if !matches!(kind, Kind::Object | Kind::Array | Kind::OptionalObject) {
        values.push(json!({}));
    }
    values
}

/// Where a field lives: the JSON pointer of its parent, and its key or index.
#[derive(Clone, Debug)]
struct Target {
    parent: String,
    key: Result<String, usize>,
    kind: Kind,
    required: bool,
}

fn field(parent: &str, key: &str, kind: Kind, required: bool) -> Target {
    Target {
        parent: parent.to_owned(),
        key: Ok(key.to_owned()),
        kind,
        required,
    }
}

fn session_targets(parent: &str, targets: &mut Vec<Target>) {
    targets.push(field(parent, "id", Kind::Uuid, true));
    targets.push(field(parent, "user_id", Kind::Uuid, true));
    for key in [
        "token",
        "created_at",
        "expires_at",
        "user_agent",
        "ip_address",
    ] {
        targets.push(field(parent, key, Kind::Text, true));
    }
    targets.push(field(parent, "is_current", Kind::Bool, true));
}

fn stats_targets(parent: &str, targets: &mut Vec<Target>) {
    for key in ["total_sessions", "active_sessions", "expired_sessions"] {
        targets.push(field(parent, key, Kind::Counter, true));
    }
}

fn list_targets(parent: &str, doc: &Value, targets: &mut Vec<Target>) {
    targets.push(field(parent, "sessions", Kind::Array, true));
    targets.push(field(parent, "total", Kind::Counter, true));
    let count = doc["sessions"].as_array().map_or(0, Vec::len);
    for position in 0..count {
        let sessions = format!("{parent}/sessions");
        targets.push(Target {
            parent: sessions.clone(),
            key: Err(position),
            kind: Kind::Object,
            required: false,
        });
        session_targets(&format!("{sessions}/{position}"), targets);
    }
}

/// The fields of an envelope document, `data`'s included when present.
fn envelope_targets(doc: &Value, data: fn(&str, &Value, &mut Vec<Target>)) -> Vec<Target> {
    let mut targets = vec![
        field("", "success", Kind::Bool, true),
        field("", "message", Kind::OptionalText, false),
        field("", "data", Kind::OptionalObject, false),
    ];
    if doc["data"].is_object() {
        data("/data", &doc["data"], &mut targets);
    }
    targets
}

/// Sets the target to `value`, or removes it when `value` is `None`.
fn mutate(doc: &mut Value, target: &Target, value: Option<Value>) {
    let parent = doc.pointer_mut(&target.parent).expect("the parent exists");
    match (&target.key, value) {
        (Ok(key), Some(value)) => {
            parent
                .as_object_mut()
                .expect("an object")
                .insert(key.clone(), value);
        }
        (Ok(key), None) => {
            parent.as_object_mut().expect("an object").remove(key);
        }
        (Err(position), Some(value)) => parent[*position] = value,
        (Err(_), None) => unreachable!("array elements are only replaced"),
    }
}

/// Mutates one field of a valid document (to a wrong value, or removes a
/// required one) and checks that the decoder refuses it.
fn check_mutated<T: Model>(
    mut doc: Value,
    targets: &[Target],
    which: Index,
    value: Index,
    remove: bool,
    layout: Layout,
) -> Result<(), TestCaseError> {
    let target = which.get(targets);
    let replacement = if remove && target.required {
        None
    } else {
        Some(value.get(&wrong_values(target.kind)).clone())
    };
    let description = format!("{target:?} = {replacement:?}");
    mutate(&mut doc, target, replacement);
    let text = render(&doc, layout);
    let decoded = decode_checked::<T>(text.as_bytes())?;
    prop_assert!(
        decoded.is_none(),
        "{} accepts {}: {:?}\n{}",
        T::NAME,
        description,
        decoded,
        text
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Error bodies

/// What `ApiError::message` must be: the `message` string of a JSON object body.
fn expected_message(body: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => map
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => None,
    }
}

const RETRYABLE: [u16; 6] = [408, 429, 500, 502, 503, 504];

fn check_api_error(
    status: u16,
    body: &[u8],
    retry_after: Option<&str>,
) -> Result<(), TestCaseError> {
    let status = StatusCode::from_u16(status).expect("400..=599 are statuses");
    let mut headers = HeaderMap::new();
    if let Some(value) = retry_after {
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_str(value).expect("a visible ASCII value"),
        );
    }
    let error = ApiError::new(status, headers, Bytes::copy_from_slice(body));
    prop_assert_eq!(error.status(), status);
    prop_assert_eq!(error.body().as_ref(), body);

    // `message` is the envelope's, exactly.
    prop_assert_eq!(
        error.message().map(str::to_owned),
        expected_message(body),
        "body {:?}",
        String::from_utf8_lossy(body)
    );

    // Display: one bounded line, no control characters, led by the status
    // (a 407 is the proxy's refusal, a 2xx an envelope saying it failed).
    let shown = error.to_string();
    let lead = match status.as_u16() {
        407 => "the proxy refused the request: 407".to_owned(),
        code if status.is_success() => format!("the API reported a failure with status {code}"),
        code => format!("API error {code}"),
    };
    prop_assert!(shown.starts_with(&lead), "{}", shown);
    prop_assert!(!shown.chars().any(char::is_control), "{:?}", shown);
    prop_assert!(
        shown.chars().count() < 300,
        "{} chars",
        shown.chars().count()
    );
    if let Some(message) = error.message() {
        // Control characters, line/paragraph separators and bidi controls are
        // dropped; nothing follows the status when nothing visible is left.
        let clean: String = message
            .chars()
            .filter(|&character| {
                !character.is_control()
                    && !matches!(
                        character,
                        '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
                    )
            })
            .take(200)
            .collect();
        if clean.is_empty() {
            prop_assert!(!shown.contains(": "), "{:?}", shown);
        } else {
            prop_assert!(shown.ends_with(&format!(": {clean}")), "{:?}", shown);
        }
    }
    let debug = format!("{error:?} {error:#?}");
    prop_assert!(
        debug.contains(&format!("body_len: {}", body.len())),
        "{}",
        debug
    );

    // Retry-After: delta-seconds exactly, anything else without a panic.
    if let Some(value) = retry_after
        && let Ok(seconds) = value.trim().parse::<u64>()
    {
        prop_assert_eq!(error.retry_after(), Some(Duration::from_secs(seconds)));
    }

    // The same through the SDK's error type.
    let wrapped = Error::Api(error);
    prop_assert_eq!(wrapped.to_string(), shown);
    prop_assert_eq!(wrapped.status(), Some(status));
    prop_assert_eq!(wrapped.is_retryable(), RETRYABLE.contains(&status.as_u16()));
    prop_assert!(wrapped.request_may_have_reached_server());
    Ok(())
}

fn arb_retry_after() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        "[0-9]{1,25}",
        " {0,2}[0-9]{1,6} {0,2}",
        "[ -~]{0,30}",
        any::<u32>().prop_map(|offset| httpdate::fmt_http_date(
            SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(offset) * 2)
        )),
    ])
}

/// Error bodies that look like the API's envelope, so `message` is often set:
/// long, multi-line, control-laden and non-string messages.
fn arb_error_envelope() -> impl Strategy<Value = Value> {
    (
        prop_oneof![
            3 => "(?s).{0,400}".prop_map(Value::String),
            1 => arb_text().prop_map(|text| Value::String(text.repeat(20))),
            1 => arb_json(),
        ],
        arb_extras(),
    )
        .prop_map(|(message, extras)| {
            object(
                vec![("success", json!(false)), ("message", message)],
                &extras,
            )
        })
}

// ---------------------------------------------------------------------------
// The properties

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary bytes: every decoder answers `Ok` or a typed error.
    #[test]
    fn decoders_survive_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes)?;
    }

    /// Valid documents with bytes flipped, inserted or cut: `Ok` or a typed error.
    #[test]
    fn decoders_survive_damaged_documents(
        (_, doc) in arb_list_envelope_doc(),
        layout in arb_layout(),
        edits in proptest::collection::vec((any::<Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        let mut bytes = render(&doc, layout).into_bytes();
        for (at, byte, how) in edits {
            let position = at.index(bytes.len() + 1);
            match how {
                0 if position < bytes.len() => bytes[position] = byte,
                1 => bytes.insert(position, byte),
                _ => bytes.truncate(position),
            }
        }
        decode_all(&bytes)?;
    }

    /// Arbitrary JSON values: `Ok` or a typed error; a scalar is never a model,
    /// and a model decoded from an object agrees with it field by field.
    #[test]
    fn decoders_survive_arbitrary_json(value in arb_json(), layout in arb_layout()) {
        let text = render(&value, layout);
        let decoded = decode_all(text.as_bytes())?;
        if !(value.is_object() || value.is_array()) {
            prop_assert_eq!(decoded, [false; 8], "{}", text);
        }
        if value.is_object() {
            if let Ok(model) = ApiResponseSessionStats::decode(text.as_bytes()) {
                prop_assert_eq!(Some(model.success), value["success"].as_bool());
                prop_assert_eq!(model.message.as_deref(), value["message"].as_str());
                prop_assert_eq!(model.data.is_some(), !value["data"].is_null());
            }
            if let Ok(model) = RevokeAllSessionsRequest::decode(text.as_bytes()) {
                prop_assert_eq!(Some(model.keep_current), value["keep_current"].as_bool());
            }
            if let Ok(model) = ExtendSessionRequest::decode(text.as_bytes()) {
                prop_assert_eq!(
                    Some(u64::from(model.extension_hours)),
                    value["extension_hours"].as_u64()
                );
            }
        }
    }

    /// Nesting far beyond serde_json's recursion limit fails cleanly instead of
    /// overflowing the stack, for the decoders and for error bodies.
    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow(
        depth in 100usize..4_000,
        open in prop_oneof![Just("["), Just("{\"data\":"), Just("{\"message\":")],
    ) {
        let bytes = open.repeat(depth).into_bytes();
        prop_assert_eq!(decode_all(&bytes)?, [false; 8]);
        check_api_error(500, &bytes, None)?;
    }

    /// Schema-valid `ApiResponse_SessionListResponse` documents decode exactly.
    #[test]
    fn valid_session_lists_decode_exactly(
        (model, doc) in arb_list_envelope_doc(),
        layout in arb_layout(),
        cut in any::<Index>(),
    ) {
        check_valid(&model, &doc, layout, cut)?;
        if let Some(data) = &model.data {
            check_valid(data, &doc["data"], layout, cut)?;
        }
    }

    /// Schema-valid `ApiResponse_SessionStats` documents decode exactly, counters
    /// above 2^53 included.
    #[test]
    fn valid_session_stats_decode_exactly(
        (model, doc) in arb_stats_envelope_doc(),
        layout in arb_layout(),
        cut in any::<Index>(),
    ) {
        check_valid(&model, &doc, layout, cut)?;
        if let Some(data) = &model.data {
            check_valid(data, &doc["data"], layout, cut)?;
        }
    }

    /// Schema-valid `ApiResponse_SessionInfo` and `SessionInfo` documents decode exactly.
    #[test]
    fn valid_session_infos_decode_exactly(
        (model, doc) in arb_info_envelope_doc(),
        layout in arb_layout(),
        cut in any::<Index>(),
    ) {
        check_valid(&model, &doc, layout, cut)?;
        if let Some(data) = &model.data {
            check_valid(data, &doc["data"], layout, cut)?;
        }
    }

    /// Schema-valid request bodies decode exactly.
    #[test]
    fn valid_request_bodies_decode_exactly(
        (revoke, revoke_doc) in arb_revoke_all_doc(),
        (extend, extend_doc) in arb_extend_doc(),
        layout in arb_layout(),
        cut in any::<Index>(),
    ) {
        check_valid(&revoke, &revoke_doc, layout, cut)?;
        check_valid(&extend, &extend_doc, layout, cut)?;
    }

    /// One field of a valid `ApiResponse_SessionListResponse` of the wrong type,
    /// or one required field missing: an error.
    #[test]
    fn mistyped_session_lists_are_errors(
        (_, doc) in arb_list_envelope_doc(),
        which in any::<Index>(),
        value in any::<Index>(),
        remove in any::<bool>(),
        layout in arb_layout(),
    ) {
        let targets = envelope_targets(&doc, list_targets);
        check_mutated::<ApiResponseSessionListResponse>(doc, &targets, which, value, remove, layout)?;
    }

    /// One field of a valid `ApiResponse_SessionStats` of the wrong type, or one
    /// required field missing: an error.
    #[test]
    fn mistyped_session_stats_are_errors(
        (_, doc) in arb_stats_envelope_doc(),
        which in any::<Index>(),
        value in any::<Index>(),
        remove in any::<bool>(),
        layout in arb_layout(),
    ) {
        let targets = envelope_targets(&doc, |parent, _, targets| stats_targets(parent, targets));
        check_mutated::<ApiResponseSessionStats>(doc, &targets, which, value, remove, layout)?;
    }

    /// One field of a valid `ApiResponse_SessionInfo` of the wrong type, or one
    /// required field missing: an error; the same for a bare `SessionInfo`.
    #[test]
    fn mistyped_session_infos_are_errors(
        (_, doc) in arb_info_envelope_doc(),
        (_, session_doc) in arb_session_doc(),
        which in any::<Index>(),
        value in any::<Index>(),
        remove in any::<bool>(),
        layout in arb_layout(),
    ) {
        let targets = envelope_targets(&doc, |parent, _, targets| session_targets(parent, targets));
        check_mutated::<ApiResponseSessionInfo>(doc, &targets, which, value, remove, layout)?;
        let mut targets = Vec::new();
        session_targets("", &mut targets);
        check_mutated::<SessionInfo>(session_doc, &targets, which, value, remove, layout)?;
    }

    /// One field of a valid request body of the wrong type (or out of range),
    /// or the required field missing: an error.
    #[test]
    fn mistyped_request_bodies_are_errors(
        (_, revoke_doc) in arb_revoke_all_doc(),
        (_, extend_doc) in arb_extend_doc(),
        which in any::<Index>(),
        value in any::<Index>(),
        remove in any::<bool>(),
        layout in arb_layout(),
    ) {
        let targets = [field("", "keep_current", Kind::Bool, true)];
        check_mutated::<RevokeAllSessionsRequest>(revoke_doc, &targets, which, value, remove, layout)?;
        let targets = [field("", "extension_hours", Kind::Hours, true)];
        check_mutated::<ExtendSessionRequest>(extend_doc, &targets, which, value, remove, layout)?;
    }

    /// Every model round-trips through serde: encode, decode, equal.
    #[test]
    fn models_round_trip(
        (list, _) in arb_list_envelope_doc(),
        (stats, _) in arb_stats_envelope_doc(),
        (info, _) in arb_info_envelope_doc(),
        (revoke, _) in arb_revoke_all_doc(),
        (extend, _) in arb_extend_doc(),
    ) {
        fn round_trip<T: Model>(model: &T) -> Result<(), TestCaseError> {
            let bytes = model.encode();
            let decoded = T::decode(&bytes);
            prop_assert_eq!(
                decoded.as_ref().ok(),
                Some(model),
                "{}: {}",
                T::NAME,
                String::from_utf8_lossy(&bytes)
            );
            prop_assert_eq!(decoded.expect("decoded").encode(), bytes, "{} encodes stably", T::NAME);
            Ok(())
        }
        round_trip(&list)?;
        round_trip(&stats)?;
        round_trip(&info)?;
        round_trip(&revoke)?;
        round_trip(&extend)?;
        if let Some(data) = &list.data {
            round_trip(data)?;
            for session in &data.sessions {
                round_trip(session)?;
            }
        }
        if let Some(data) = &stats.data {
            round_trip(data)?;
        }
        if let Some(data) = &info.data {
            round_trip(data)?;
        }
    }

    /// Error bodies of arbitrary bytes.
    #[test]
    fn api_error_survives_arbitrary_bytes(
        status in 400u16..=599,
        body in proptest::collection::vec(any::<u8>(), 0..512),
        retry_after in arb_retry_after(),
    ) {
        check_api_error(status, &body, retry_after.as_deref())?;
    }

    /// Error bodies of arbitrary JSON values.
    #[test]
    fn api_error_survives_arbitrary_json(
        status in 400u16..=599,
        value in arb_json(),
        layout in arb_layout(),
        retry_after in arb_retry_after(),
    ) {
        check_api_error(status, render(&value, layout).as_bytes(), retry_after.as_deref())?;
    }

    /// Error bodies shaped like the envelope: `message` read exactly, shown on one
    /// bounded line.
    #[test]
    fn api_error_reads_envelope_messages(
        status in 400u16..=599,
        value in arb_error_envelope(),
        layout in arb_layout(),
    ) {
        check_api_error(status, render(&value, layout).as_bytes(), None)?;
    }
}

// ---------------------------------------------------------------------------
// The whole SDK path through a real socket

/// What the scripted server answers: a status and a body.
fn arb_answer() -> impl Strategy<Value = (u16, Vec<u8>)> {
    let body = prop_oneof![
        2 => arb_json().prop_map(|value| value.to_string().into_bytes()),
        2 => arb_stats_envelope_doc().prop_map(|(_, doc)| doc.to_string().into_bytes()),
        1 => proptest::collection::vec(any::<u8>(), 0..128),
    ];
    let status = prop_oneof![3 => Just(200u16), 2 => 400u16..=599];
    (status, body)
}

fn raw_reply(status: u16, body: &[u8]) -> Reply {
    let mut raw = format!(
        "HTTP/1.1 {status} Status\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    Reply::Raw(raw)
}

proptest! {
    #![proptest_config(config(32))]

    /// `get_session_stats` over loopback answers `Ok` (exactly the decoded body,
    /// an envelope saying `"success": true`), `Error::ResponseValidation` (a 200
    /// that does not decode as the envelope) or `Error::Api` (a 4xx/5xx, or a 200
    /// whose envelope says `"success": false`): never a panic, never another
    /// variant.
    #[test]
    fn get_session_stats_over_a_socket_is_ok_or_a_typed_error((status, body) in arb_answer()) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let result = runtime.block_on(async {
            let server = RawServer::start([], raw_reply(status, &body))
                .await
                .expect("the server starts");
            let core = BlackboxCore::builder()
                .server_url(server.url())
                .token("test-token")
                .retry(RetryConfig::disabled())
                .attempt_timeout(Some(Duration::from_secs(10)))
                .build()
                .expect("the client builds");
            let result = blackbox::session_management::get_session_stats(&core, None).await;
            assert_eq!(server.request_count(), 1, "one attempt, no retry");
            result
        });
        let expected = serde_json::from_slice::<ApiResponseSessionStats>(&body);
        match result {
            Ok(stats) => {
                prop_assert_eq!(status, 200);
                let expected = expected.as_ref().ok();
                prop_assert!(stats.success);
                prop_assert_eq!(
                    Some((stats.success, &stats.message, &stats.data)),
                    expected.map(|expected| (expected.success, &expected.message, &expected.data))
                );
                prop_assert_eq!(stats.meta().status().as_u16(), 200);
                prop_assert_eq!(&stats.meta().headers()["content-type"], "application/json");
            }
            Err(Error::ResponseValidation(validation)) => {
                prop_assert_eq!(status, 200);
                prop_assert!(expected.is_err());
                prop_assert_eq!(validation.body().as_ref(), body.as_slice());
                prop_assert!(!validation.to_string().chars().any(char::is_control));
            }
            Err(Error::Api(api)) => {
                prop_assert_eq!(api.status().as_u16(), status);
                prop_assert_eq!(api.body().as_ref(), body.as_slice());
                prop_assert!(!api.to_string().chars().any(char::is_control));
                if status == 200 {
                    // A success status is an API error only when the body is
                    // the envelope saying so, with its message.
                    let envelope = expected.as_ref().ok();
                    prop_assert_eq!(envelope.map(|envelope| envelope.success), Some(false));
                    prop_assert_eq!(
                        api.message(),
                        envelope.and_then(|envelope| envelope.message.as_deref())
                    );
                }
            }
            Err(other) => prop_assert!(false, "status {}: unexpected {:?}", status, other),
        }
    }
}

// ---------------------------------------------------------------------------
// Deviations found by the properties above. The first three were fixed in
// `ApiError`, and the envelope's own decoder no longer takes a JSON array;
// these now guard against regressions. The last is a known leniency of serde's
// derived decoders, which the request models and the models inside `data`
// still have, left ignored (see RELIABILITY.md).

/// `ApiError::new` reads `message` through a serde-derived struct, which also
/// accepts a JSON array of its fields: `["text"]` yields the message `text`,
/// though the body is not the API's envelope.
#[test]
fn api_error_reads_no_message_from_a_json_array() {
    let error = ApiError::new(
        StatusCode::BAD_REQUEST,
        HeaderMap::new(),
        Bytes::from_static(br#"["not an envelope"]"#),
    );
    assert_eq!(error.message(), None, "{error}");
}

/// A JSON object whose `message` key appears twice is an object with a string
/// `message`, but serde's derive refuses duplicate fields, so no message is read.
#[test]
fn api_error_keeps_the_last_of_duplicated_messages() {
    let error = ApiError::new(
        StatusCode::BAD_REQUEST,
        HeaderMap::new(),
        Bytes::from_static(br#"{"message":"first","message":"second"}"#),
    );
    assert_eq!(error.message(), Some("second"), "{error}");
}

/// `Display` filters control characters (`char::is_control`, category Cc) but
/// not the Unicode line and paragraph separators U+2028 and U+2029, which some
/// log viewers render as line breaks.
#[test]
fn api_error_display_drops_unicode_line_separators() {
    let error = ApiError::new(
        StatusCode::BAD_REQUEST,
        HeaderMap::new(),
        Bytes::from_static("{\"message\":\"one\u{2028}two\u{2029}three\u{202E}four\"}".as_bytes()),
    );
    let shown = error.to_string();
    assert!(
        !shown.contains(['\u{2028}', '\u{2029}', '\u{202E}']),
        "{shown:?}"
    );
    assert!(shown.ends_with("onetwothreefour"), "{shown:?}");
}

/// The envelope is an object in the schema, and its decoder takes nothing
/// else: a JSON array of its fields (which serde's derive would accept, in
/// declaration order) is an error for every envelope.
#[test]
fn envelopes_do_not_decode_from_json_arrays() {
    for body in [
        "[true]",
        "[true,null,[1,2,3]]",
        r#"[false,"message"]"#,
        r#"[true,null,{"sessions":[],"total":0}]"#,
        "[]",
    ] {
        assert!(
            serde_json::from_str::<ApiResponseSessionStats>(body).is_err(),
            "{body}"
        );
        assert!(
            serde_json::from_str::<ApiResponseSessionInfo>(body).is_err(),
            "{body}"
        );
        assert!(
            serde_json::from_str::<ApiResponseSessionListResponse>(body).is_err(),
            "{body}"
        );
    }
}

/// The models are objects in the schema, but serde's derive also decodes a
/// struct from a JSON array of its fields in declaration order. The envelope
/// no longer does (the first two lines pass, see
/// `envelopes_do_not_decode_from_json_arrays`); the request models and the
/// models inside `data` still do.
#[test]
#[ignore = "known deviation: the request models and the models in `data` accept JSON arrays"]
fn known_deviation_models_decode_from_json_arrays() {
    assert!(serde_json::from_str::<ApiResponseSessionStats>("[true]").is_err());
    assert!(serde_json::from_str::<ApiResponseSessionStats>("[true,null,[1,2,3]]").is_err());
    assert!(serde_json::from_str::<RevokeAllSessionsRequest>("[false]").is_err());
    assert!(serde_json::from_str::<ExtendSessionRequest>("[24]").is_err());
    assert!(
        serde_json::from_str::<ApiResponseSessionStats>(r#"{"success":true,"data":[1,2,3]}"#)
            .is_err()
    );
}
