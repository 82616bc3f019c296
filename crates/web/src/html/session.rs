//! Who is reading: language, session, CSRF token; and the guard every page request
//! passes through (CSRF cookie, cross-site posts, the pages' security policy).

use super::lang::{LANG_COOKIE, Lang};
use super::{Chrome, PageError};
use crate::AppState;
use crate::client::ClientAddr;
use crate::problem::Problem;
use aduan_domain::permission::Actor;
use aduan_domain::person::Person;
use aduan_service::Caller;
use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use rand::RngCore;
use serde::Deserialize;

/// The session cookie: a sign-in token of the service.
pub const SESSION_COOKIE: &str = "aduan_sesi";
/// The CSRF cookie; forms echo its value in their `csrf` field.
pub const CSRF_COOKIE: &str = "aduan_csrf";

/// The CSRF token of this request (from its cookie, or just made by the guard).
#[derive(Debug, Clone)]
struct CsrfToken(String);

/// The reader of a page.
pub struct Visitor {
    pub lang: Lang,
    pub caller: Caller,
    pub person: Option<Person>,
    pub csrf: String,
    pub here: String,
    pub addr: ClientAddr,
    pub secure: bool,
    /// The staff header, for a member of staff acting in a role (set by the staff pages).
    pub staff: Option<super::staff::StaffBar>,
}

impl Visitor {
    /// Who the portal acts as: the signed-in person as a citizen, else the public.
    pub fn citizen(&self) -> Actor {
        match &self.person {
            Some(p) => Actor::Citizen(p.id),
            None => Actor::Public,
        }
    }

    pub fn chrome(&self, title: impl Into<String>, section: &'static str) -> Chrome {
        Chrome {
            lang: self.lang,
            title: title.into(),
            signed_in: self.person.as_ref().map(|p| p.display_name.clone()),
            csrf: self.csrf.clone(),
            here: self.here.clone(),
            section,
            styles: Vec::new(),
            scripts: Vec::new(),
            staff: self.staff.clone(),
        }
    }

    pub fn t<'a>(&self, id: &'a str, en: &'a str) -> &'a str {
        self.lang.t(id, en)
    }

    /// Refuses a form whose CSRF field does not match the visitor's cookie.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), PageError> {
        if !self.csrf.is_empty() && constant_time_eq(self.csrf.as_bytes(), submitted.trim().as_bytes()) {
            return Ok(());
        }
        Err(PageError::from(Problem::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "this form has expired or did not come from this site; go back, reload the page and send it again",
            "Formulir ini kedaluwarsa atau tidak berasal dari situs ini. Kembali, muat ulang halaman, lalu kirim lagi.",
        )))
    }

    /// A cookie for this site, HttpOnly and SameSite=Lax, Secure behind HTTPS.
    pub fn cookie(&self, name: &'static str, value: String) -> Cookie<'static> {
        site_cookie(name, value, self.secure)
    }
}

fn site_cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value)).path("/").http_only(true).same_site(SameSite::Lax).secure(secure).build()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether the visitor reached us over HTTPS: the deployment's public address says so,
/// or a trusted proxy does.
fn is_secure(state: &AppState, headers: &HeaderMap) -> bool {
    let public = state.settings.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
    let proxied = state.settings.trust_forwarded_for
        && headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() == "https");
    public || proxied
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let jar = CookieJar::from_headers(&parts.headers);
        let lang = jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())).unwrap_or_default();
        let csrf = parts.extensions.get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default();
        let addr = ClientAddr::from_request_parts(parts, state).await?;
        let (caller, person) = match jar.get(SESSION_COOKIE) {
            Some(c) => match state.app.authenticate(c.value()).await {
                Ok(caller) => {
                    let person = match &caller.credential {
                        Some(cred) => {
                            state.app.store().person(cred.person).await.map_err(aduan_service::AppError::from)?
                        }
                        None => None,
                    };
                    (caller, person)
                }
                // An expired or revoked session reads as a guest.
                Err(aduan_service::AppError::Unauthenticated(_)) => (Caller::ANONYMOUS, None),
                Err(e) => return Err(e.into()),
            },
            None => (Caller::ANONYMOUS, None),
        };
        let here = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
        let secure = is_secure(state, &parts.headers);
        Ok(Visitor { lang, caller, person, csrf, here, addr, secure, staff: None })
    }
}

/// Runs around every page request: gives a new visitor a CSRF cookie, refuses form
/// posts sent from another site, and sets the pages' security policy.
pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let mut response = if req.method() == Method::POST && is_cross_site(req.headers()) {
        PageError::from(Problem::new(
            StatusCode::FORBIDDEN,
            "cross_site",
            "forms of this site can only be sent from its own pages",
            "Formulir situs ini hanya dapat dikirim dari halamannya sendiri.",
        ))
        .into_response()
    } else {
        let jar = CookieJar::from_headers(req.headers());
        let existing = jar.get(CSRF_COOKIE).map(|c| c.value().to_string()).filter(|v| is_token(v));
        let fresh = existing.is_none();
        let token = existing.unwrap_or_else(new_token);
        req.extensions_mut().insert(CsrfToken(token.clone()));
        let secure = is_secure(&state, req.headers());
        let mut response = next.run(req).await;
        if fresh && let Ok(v) = HeaderValue::from_str(&site_cookie(CSRF_COOKIE, token, secure).to_string()) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
        response
    };
    let headers = response.headers_mut();
    let is_html =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if is_html && let Ok(v) = HeaderValue::from_str(&page_policy(&state.settings.map_tile_url)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

/// The pages' Content Security Policy: scripts and styles from this server only (no
/// inline script or style), images also from the map's tile server.
pub fn page_policy(tile_url: &str) -> String {
    let tiles = tile_origin(tile_url).map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:{tiles}; \
         connect-src 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
}

/// `https://tile.example.org` of `https://tile.example.org/{z}/{x}/{y}.png`; subdomain
/// templates (`{s}.tile…`) become a wildcard.
fn tile_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !(scheme == "https" || scheme == "http") {
        return None;
    }
    let host = rest.split('/').next()?.replace("{s}", "*");
    let valid = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:*".contains(c));
    valid.then(|| format!("{scheme}://{host}"))
}

/// A form post from another site. A current browser says where the request comes from
/// (`Sec-Fetch-Site`): only this origin itself ("same-origin") or the reader's own action
/// ("none") may post. Otherwise the `Origin` header, when it names a host, must name this
/// one. (Our pages send no referrer, so a browser's `Origin` on their forms is "null".)
fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (None | Some("null"), _) => false,
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) != Some(host),
        (Some(_), None) => true,
    }
}

fn new_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn is_token(v: &str) -> bool {
    v.len() == 48 && v.bytes().all(|b| b.is_ascii_hexdigit())
}

#[derive(Deserialize)]
pub struct Back {
    ke: Option<String>,
}

/// `GET /bahasa/{code}?ke=/path`: remembers the language and returns to the page.
pub async fn switch_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    let lang = Lang::parse(&code).unwrap_or_default();
    let target = back.ke.filter(|p| is_local_path(p)).unwrap_or_else(|| "/".into());
    let secure = is_secure(&state, &headers);
    let mut cookie = site_cookie(LANG_COOKIE, lang.code().into(), secure);
    cookie.set_max_age(Some(time_year()));
    (CookieJar::new().add(cookie), Redirect::to(&target)).into_response()
}

fn time_year() -> cookie::time::Duration {
    cookie::time::Duration::days(365)
}

/// A path on this site (never `//host` or a scheme), so a link cannot send the reader
/// elsewhere.
pub fn is_local_path(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/\\") && !p.contains(['\r', '\n'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_servers_join_the_image_policy() {
        assert_eq!(
            tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://tile.openstreetmap.org")
        );
        assert_eq!(
            tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tile.example.org")
        );
        assert_eq!(tile_origin("javascript:alert(1)"), None);
        assert_eq!(tile_origin("https://evil.org' 'unsafe-inline/{z}"), None);
        assert!(!page_policy("https://t.example/{z}/{x}/{y}.png").contains("unsafe-inline"));
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/laporan?q=jalan"));
        assert!(!is_local_path("//evil.example/"));
        assert!(!is_local_path("https://evil.example/"));
        assert!(!is_local_path("/\\evil.example"));
    }

    #[test]
    fn cross_site_posts_are_recognised() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("aduan.example"));
        assert!(!is_cross_site(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://aduan.example"));
        assert!(!is_cross_site(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(is_cross_site(&h));
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(is_cross_site(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-site"));
        assert!(is_cross_site(&h), "a sibling subdomain is another site here");
        // Chromium's form post from our own page (no referrer policy): Origin "null".
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!is_cross_site(&h));
    }
}
