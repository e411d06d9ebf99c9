//! Routing: which [`Operation`] a method and path go to, or why none does.

use http::Method;

use crate::operation::Operation;

const COLLECTION: &str = "/api/v0/sessions";

/// Where a request goes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route<'a> {
    /// One of the seven operations, with the raw `{session_id}` path segment
    /// for the operations that have one.
    Operation(Operation, Option<&'a str>),
    /// A known path with another method; carries the `Allow` header value.
    MethodNotAllowed(&'static str),
    /// An unknown path.
    NotFound,
}

/// Routes `method` and `path` (without the query).
pub(crate) fn route<'a>(method: &Method, path: &'a str) -> Route<'a> {
    enum Resource<'a> {
        Collection,
        Cleanup,
        RevokeAll,
        Stats,
        Session(&'a str),
        Extend(&'a str),
    }
    let resource = match path.strip_prefix(COLLECTION) {
        Some("") => Resource::Collection,
        Some(rest) => match rest.strip_prefix('/') {
            Some("cleanup") => Resource::Cleanup,
            Some("revoke-all") => Resource::RevokeAll,
            Some("stats") => Resource::Stats,
            Some(rest) => match rest.split_once('/') {
                None if !rest.is_empty() => Resource::Session(rest),
                Some((id, "extend")) if !id.is_empty() => Resource::Extend(id),
                _ => return Route::NotFound,
            },
            None => return Route::NotFound,
        },
        None => return Route::NotFound,
    };
    match resource {
        Resource::Collection if method == Method::GET => {
            Route::Operation(Operation::ListSessions, None)
        }
        Resource::Collection => Route::MethodNotAllowed("GET"),
        Resource::Cleanup if method == Method::POST => {
            Route::Operation(Operation::CleanupExpiredSessions, None)
        }
        Resource::Cleanup => Route::MethodNotAllowed("POST"),
        Resource::RevokeAll if method == Method::POST => {
            Route::Operation(Operation::RevokeAllSessions, None)
        }
        Resource::RevokeAll => Route::MethodNotAllowed("POST"),
        Resource::Stats if method == Method::GET => {
            Route::Operation(Operation::GetSessionStats, None)
        }
        Resource::Stats => Route::MethodNotAllowed("GET"),
        Resource::Session(id) if method == Method::GET => {
            Route::Operation(Operation::GetSession, Some(id))
        }
        Resource::Session(id) if method == Method::DELETE => {
            Route::Operation(Operation::RevokeSession, Some(id))
        }
        Resource::Session(_) => Route::MethodNotAllowed("GET, DELETE"),
        Resource::Extend(id) if method == Method::POST => {
            Route::Operation(Operation::ExtendSession, Some(id))
        }
        Resource::Extend(_) => Route::MethodNotAllowed("POST"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_known_paths_methods_and_unknown_paths() {
        use Operation as Op;
        let id = "0b5b1f7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
        let cases: Vec<(Method, String, Route<'static>)> = vec![
            (
                Method::GET,
                "/api/v0/sessions".into(),
                Route::Operation(Op::ListSessions, None),
            ),
            (
                Method::POST,
                "/api/v0/sessions".into(),
                Route::MethodNotAllowed("GET"),
            ),
            (
                Method::POST,
                "/api/v0/sessions/cleanup".into(),
                Route::Operation(Op::CleanupExpiredSessions, None),
            ),
            (
                Method::GET,
                "/api/v0/sessions/cleanup".into(),
                Route::MethodNotAllowed("POST"),
            ),
            (
                Method::POST,
                "/api/v0/sessions/revoke-all".into(),
                Route::Operation(Op::RevokeAllSessions, None),
            ),
            (
                Method::DELETE,
                "/api/v0/sessions/revoke-all".into(),
                Route::MethodNotAllowed("POST"),
            ),
            (
                Method::GET,
                "/api/v0/sessions/stats".into(),
                Route::Operation(Op::GetSessionStats, None),
            ),
            (
                Method::PUT,
                "/api/v0/sessions/stats".into(),
                Route::MethodNotAllowed("GET"),
            ),
            (
                Method::GET,
                format!("/api/v0/sessions/{id}"),
                Route::Operation(Op::GetSession, Some(id)),
            ),
            (
                Method::DELETE,
                format!("/api/v0/sessions/{id}"),
                Route::Operation(Op::RevokeSession, Some(id)),
            ),
            (
                Method::PATCH,
                format!("/api/v0/sessions/{id}"),
                Route::MethodNotAllowed("GET, DELETE"),
            ),
            (
                Method::POST,
                format!("/api/v0/sessions/{id}/extend"),
                Route::Operation(Op::ExtendSession, Some(id)),
            ),
            (
                Method::GET,
                format!("/api/v0/sessions/{id}/extend"),
                Route::MethodNotAllowed("POST"),
            ),
            (Method::GET, "/api/v0/sessions/".into(), Route::NotFound),
            (Method::GET, "/api/v0/sessionsx".into(), Route::NotFound),
            (Method::GET, "/".into(), Route::NotFound),
            (
                Method::POST,
                "/api/v0/sessions//extend".into(),
                Route::NotFound,
            ),
            (
                Method::POST,
                format!("/api/v0/sessions/{id}/extend/more"),
                Route::NotFound,
            ),
            (
                Method::GET,
                format!("/api/v0/sessions/{id}/other"),
                Route::NotFound,
            ),
        ];
        for (method, path, expected) in &cases {
            assert_eq!(&route(method, path), expected, "{method} {path}");
        }
    }
}
