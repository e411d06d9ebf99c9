//! The API's response envelope and the answer's metadata.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use http::{HeaderMap, StatusCode, Version};
use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{ApiError, EnvelopeFields, ResponseValidationError};
use crate::headers::DebugHeaders;
use crate::secret::Secrets;
use crate::{Error, RawResponse};

/// The envelope every answer of the API comes in: `success`, a `message`, and
/// the operation's `data` (`ApiResponse_SessionInfo` in the OpenAPI document is
/// `ApiResponse<SessionInfo>`).
///
/// An operation returns it only when the server said `"success": true`; a
/// `"success": false` answer is an [`Error::Api`] carrying the server's message,
/// whatever the HTTP status. [`into_data`](Self::into_data) turns it into its
/// data, and [`meta`](Self::meta) gives the answer's status and headers (a
/// request id for a support ticket, rate-limit headers).
///
/// In a test, build one with [`ApiResponse::new`] and set the public fields.
///
/// ```
/// use blackbox_core::ApiResponse;
///
/// let mut response = ApiResponse::new(42_u64);
/// response.message = Some("ok".to_owned());
/// assert_eq!(response.meta().status(), 200);
/// assert_eq!(response.into_data()?, 42);
/// # Ok::<(), blackbox_core::Error>(())
/// ```
///
/// It decodes only from a JSON object with a boolean `success`; unknown fields
/// are ignored, and `message` and `data` may be `null` or absent.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// Whether the call succeeded (always `true` in what an operation returns).
    pub success: bool,
    /// A human-readable message; `None` when the server sent `null` or none.
    pub message: Option<String>,
    /// The operation's data; `None` when the server sent `null` or none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    #[serde(skip)]
    meta: ResponseMeta,
}

impl<T> ApiResponse<T> {
    /// A successful envelope around `data`, with no message and default
    /// metadata (status 200, no headers), for tests.
    pub fn new(data: T) -> Self {
        Self {
            success: true,
            message: None,
            data: Some(data),
            meta: ResponseMeta::default(),
        }
    }

    /// The data, or an error: [`Error::Api`] with the server's message when
    /// `success` is `false`, [`Error::ResponseValidation`] when a successful
    /// envelope carries no data.
    pub fn into_data(self) -> Result<T, Error> {
        if !self.success {
            return Err(Error::Api(ApiError::with_message(
                self.meta.status,
                self.meta.headers,
                bytes::Bytes::new(),
                self.message,
            )));
        }
        match self.data {
            Some(data) => Ok(data),
            None => Err(Error::ResponseValidation(ResponseValidationError::new(
                self.meta.status,
                bytes::Bytes::new(),
                de::Error::missing_field("data"),
            ))),
        }
    }

    /// The status, version and headers of the answer this envelope came in.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }
}

impl<T: fmt::Debug> fmt::Debug for ApiResponse<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = match (&self.message, &self.meta.secrets) {
            (Some(message), Some(secrets)) => Some(secrets.scrub(message)),
            (Some(message), None) => Some(std::borrow::Cow::Borrowed(message.as_str())),
            (None, _) => None,
        };
        f.debug_struct("ApiResponse")
            .field("success", &self.success)
            .field("message", &message)
            .field("data", &self.data)
            .field("meta", &self.meta)
            .finish()
    }
}

/// The status, HTTP version and headers of a successful answer, from
/// [`ApiResponse::meta`]. Failed answers carry theirs in [`ApiError`].
#[derive(Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    status: StatusCode,
    version: Version,
    headers: HeaderMap,
    /// The attempt's credentials, so that `Debug` hides echoes of them.
    secrets: Option<Arc<Secrets>>,
}

impl PartialEq for ResponseMeta {
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status
            && self.version == other.version
            && self.headers == other.headers
    }
}

impl Eq for ResponseMeta {}

impl ResponseMeta {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The HTTP version the answer came over.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl Default for ResponseMeta {
    /// `200 OK` over HTTP/1.1 without headers: what an envelope built in a test has.
    fn default() -> Self {
        Self {
            status: StatusCode::OK,
            version: Version::HTTP_11,
            headers: HeaderMap::new(),
            secrets: None,
        }
    }
}

impl fmt::Debug for ResponseMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut headers = self.headers.clone();
        if let Some(secrets) = &self.secrets {
            secrets.mark_headers(&mut headers);
        }
        f.debug_struct("ResponseMeta")
            .field("status", &self.status)
            .field("version", &self.version)
            .field("headers", &DebugHeaders(&headers))
            .finish()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ApiResponse<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnvelopeVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for EnvelopeVisitor<T> {
            type Value = ApiResponse<T>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("the API's envelope, a JSON object")
            }

            // Only `visit_map`: a derived decoder would also take a JSON array
            // of the fields (`[true]`), which no server of this API sends.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut success = None;
                let mut message = None;
                let mut data = None;
                while let Some(key) = map.next_key::<FieldName>()? {
                    match key {
                        FieldName::Success => {
                            if success.is_some() {
                                return Err(de::Error::duplicate_field("success"));
                            }
                            success = Some(map.next_value::<bool>()?);
                        }
                        FieldName::Message => {
                            if message.is_some() {
                                return Err(de::Error::duplicate_field("message"));
                            }
                            message = Some(map.next_value::<Option<String>>()?);
                        }
                        FieldName::Data => {
                            if data.is_some() {
                                return Err(de::Error::duplicate_field("data"));
                            }
                            data = Some(map.next_value::<Option<T>>()?);
                        }
                        FieldName::Other => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(ApiResponse {
                    success: success.ok_or_else(|| de::Error::missing_field("success"))?,
                    message: message.flatten(),
                    data: data.flatten(),
                    meta: ResponseMeta::default(),
                })
            }
        }

        deserializer.deserialize_map(EnvelopeVisitor(PhantomData))
    }
}

/// The envelope's keys; anything else is skipped.
enum FieldName {
    Success,
    Message,
    Data,
    Other,
}

impl<'de> Deserialize<'de> for FieldName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl Visitor<'_> for KeyVisitor {
            type Value = FieldName;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a field name")
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<FieldName, E> {
                Ok(match key {
                    "success" => FieldName::Success,
                    "message" => FieldName::Message,
                    "data" => FieldName::Data,
                    _ => FieldName::Other,
                })
            }
        }

        deserializer.deserialize_identifier(KeyVisitor)
    }
}

impl RawResponse {
    /// Decodes the body as the API's envelope around `T`.
    ///
    /// # Errors
    ///
    /// [`Error::Api`] with the server's message when the envelope says
    /// `"success": false`; [`Error::ResponseValidation`] when the body is not
    /// the envelope (not JSON, not an object, no boolean `success`, or `data`
    /// not a `T`).
    pub fn into_api_response<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        let mut envelope = match serde_json::from_slice::<ApiResponse<T>>(&self.body) {
            Ok(envelope) => envelope,
            Err(source) => {
                return Err(Error::ResponseValidation(ResponseValidationError::new(
                    self.status,
                    self.body,
                    source,
                )));
            }
        };
        if !envelope.success {
            return Err(Error::Api(ApiError::from_answer(
                self,
                Some(envelope.message),
            )));
        }
        envelope.meta = ResponseMeta {
            status: self.status,
            version: self.version,
            headers: self.headers,
            secrets: Some(self.secrets),
        };
        Ok(envelope)
    }

    /// The answer of an operation that returns no data, as an envelope whose
    /// data is `()`.
    ///
    /// The API describes no body for these answers, so any body is accepted —
    /// none, text, or the envelope — except the envelope saying
    /// `"success": false`, which is an [`Error::Api`] with the server's message.
    pub fn into_unit_response(self) -> Result<ApiResponse<()>, Error> {
        let fields = EnvelopeFields::read(&self.body);
        if fields.success == Some(false) {
            return Err(Error::Api(ApiError::from_answer(
                self,
                Some(fields.message),
            )));
        }
        // A message echoing the token is kept as sent (it is data), but the
        // envelope's `Debug` hides it like the headers.
        Ok(ApiResponse {
            success: true,
            message: fields.message,
            data: Some(()),
            meta: ResponseMeta {
                status: self.status,
                version: self.version,
                headers: self.headers,
                secrets: Some(self.secrets),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn raw(status: u16, body: &'static str) -> RawResponse {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", http::HeaderValue::from_static("req-7"));
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            version: Version::HTTP_2,
            headers,
            body: Bytes::from_static(body.as_bytes()),
            secrets: Arc::default(),
        }
    }

    #[test]
    fn a_successful_envelope_keeps_its_data_and_metadata() {
        let response = raw(
            200,
            r#"{"success":true,"message":"ok","data":7,"extra":[1]}"#,
        )
        .into_api_response::<u32>()
        .expect("decodes");
        assert_eq!(response.message.as_deref(), Some("ok"));
        assert_eq!(response.meta().status(), StatusCode::OK);
        assert_eq!(response.meta().version(), Version::HTTP_2);
        assert_eq!(response.meta().headers()["x-request-id"], "req-7");
        assert_eq!(response.into_data().expect("data"), 7);
    }

    #[test]
    fn success_false_is_an_api_error_with_the_message_whatever_the_status() {
        let error = raw(
            200,
            r#"{"success":false,"message":"Session is locked","data":null}"#,
        )
        .into_api_response::<u32>()
        .expect_err("not a success");
        let Error::Api(api) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(api.status(), StatusCode::OK);
        assert_eq!(api.message(), Some("Session is locked"));
        assert_eq!(api.headers()["x-request-id"], "req-7");
        assert!(!error.is_retryable());
    }

    #[test]
    fn only_an_object_with_a_boolean_success_is_an_envelope() {
        for body in [
            "[true]",
            r#"[true,null,7]"#,
            r#"{"message":"no success"}"#,
            r#"{"success":"true"}"#,
            r#"{"success":true,"success":true}"#,
            r#"{"success":true,"data":"seven"}"#,
            "",
            "<html>",
        ] {
            let error = raw(200, body).into_api_response::<u32>().expect_err(body);
            assert!(
                matches!(error, Error::ResponseValidation(_)),
                "{body}: {error:?}"
            );
        }
        let empty = raw(200, r#"{"success":true,"message":null}"#)
            .into_api_response::<u32>()
            .expect("an envelope without data");
        assert_eq!(empty.data, None);
        let error = empty.into_data().expect_err("no data");
        assert!(matches!(error, Error::ResponseValidation(_)), "{error:?}");
        assert!(
            error.to_string().contains("does not match the schema"),
            "{error}"
        );
    }

    #[test]
    fn unit_answers_accept_any_body_but_an_unsuccessful_envelope() {
        for body in [
            "",
            "OK",
            r#"{"success":true,"message":"Session revoked"}"#,
            "[false]",
        ] {
            let response = raw(200, body).into_unit_response().expect(body);
            assert_eq!(response.meta().headers()["x-request-id"], "req-7");
            response.into_data().expect("unit data");
        }
        let revoked = raw(
            200,
            r#"{"success":true,"message":"Session revoked","data":null}"#,
        )
        .into_unit_response()
        .expect("success");
        assert_eq!(revoked.message.as_deref(), Some("Session revoked"));
        let error = raw(202, r#"{"success":false,"message":"nothing to clean"}"#)
            .into_unit_response()
            .expect_err("unsuccessful");
        assert_eq!(error.status(), Some(StatusCode::ACCEPTED));
        assert_eq!(
            error.to_string(),
            "the API reported a failure with status 202 Accepted: nothing to clean"
        );
    }

    #[test]
    fn an_envelope_built_in_a_test_round_trips() {
        let mut response = ApiResponse::new(vec![1_u8, 2]);
        response.message = Some("built".to_owned());
        let json = serde_json::to_string(&response).expect("encodes");
        assert_eq!(json, r#"{"success":true,"message":"built","data":[1,2]}"#);
        let decoded: ApiResponse<Vec<u8>> = serde_json::from_str(&json).expect("decodes");
        assert_eq!(decoded, response);
        let mut failed = ApiResponse::<u8>::new(1);
        failed.success = false;
        failed.message = Some("no".to_owned());
        let error = failed.into_data().expect_err("unsuccessful");
        let Error::Api(api) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(api.message(), Some("no"));
    }
}
