//! Authentication: the bearer token of a request and the live session it
//! belongs to.

use http::header::{self, HeaderMap};

use super::reply::Reply;
use super::shared::Shared;
use crate::state::Caller;

/// The caller of a request, or the 401 answer explaining why there is none.
pub(crate) fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Caller, Box<Reply>> {
    let token = bearer_token(headers).map_err(|message| Box::new(Reply::unauthorized(message)))?;
    let now = shared.clock.now_unix();
    shared.store().authenticate(token, now).ok_or_else(|| {
        Box::new(Reply::unauthorized(
            "the bearer token does not belong to a live session (unknown, revoked or expired)",
        ))
    })
}

/// The token of `Authorization: Bearer <token>` (scheme case-insensitive,
/// surrounding spaces ignored), or what is wrong with the header.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Result<&str, &'static str> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or("missing Authorization header; send `Authorization: Bearer <token>`")?;
    let value = value
        .to_str()
        .map_err(|_| "the Authorization header is not visible ASCII")?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or("the Authorization header must be `Bearer <token>`")?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err("the Authorization scheme must be Bearer");
    }
    let token = token.trim();
    if token.is_empty() {
        return Err("the bearer token is empty");
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn bearer_parsing() {
        let mut headers = HeaderMap::new();
        assert!(bearer_token(&headers).is_err());
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  abc "),
        );
        assert_eq!(bearer_token(&headers), Ok("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert!(bearer_token(&headers).is_err());
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer"));
        assert!(bearer_token(&headers).is_err());
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer  "));
        assert!(bearer_token(&headers).is_err());
    }
}
