//! A browser without JavaScript, for driving the pages in-process: a cookie jar, forms
//! posted with their CSRF token, redirects read.

#![allow(dead_code)]

use super::{Response, World};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use std::collections::BTreeMap;

/// A browser without JavaScript: a cookie jar and forms.
pub struct Browser<'a> {
    pub w: &'a World,
    pub cookies: BTreeMap<String, String>,
}

/// A form field: text, or a file with its name.
pub enum Part<'a> {
    Text(&'a str, String),
    File(&'a str, &'a str, Vec<u8>),
}

pub fn text<'a>(name: &'a str, value: &str) -> Part<'a> {
    Part::Text(name, value.to_string())
}

impl<'a> Browser<'a> {
    pub fn new(w: &'a World) -> Self {
        Browser { w, cookies: BTreeMap::new() }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub async fn send(&mut self, req: axum::http::request::Builder, body: Body) -> Response {
        let req = req.header(header::COOKIE, self.cookie_header()).header(header::HOST, "aduan.test");
        let r = self.w.send(req.body(body).expect("request")).await;
        for value in r.headers.get_all(header::SET_COOKIE) {
            let value = value.to_str().expect("cookie");
            let pair = value.split(';').next().expect("pair");
            let (name, val) = pair.split_once('=').expect("name=value");
            if val.is_empty() || value.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.into(), val.into());
            }
        }
        r
    }

    pub async fn get(&mut self, path: &str) -> Response {
        self.send(Request::get(path), Body::empty()).await
    }

    pub fn csrf(&self) -> String {
        self.cookies.get(aduan_web::html::CSRF_COOKIE).cloned().expect("a CSRF cookie: open a page first")
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let csrf = self.csrf();
        let mut pairs: Vec<String> = vec![format!("csrf={csrf}")];
        pairs.extend(fields.iter().map(|(k, v)| format!("{k}={}", urlencode(v))));
        let req = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.send(req, Body::from(pairs.join("&"))).await
    }

    pub async fn post_multipart(&mut self, path: &str, parts: Vec<Part<'_>>, with_csrf: bool) -> Response {
        let boundary = "batas-formulir-uji";
        let mut body = Vec::new();
        let mut all = parts;
        if with_csrf {
            all.insert(0, Part::Text("csrf", self.csrf()));
        }
        for part in all {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match part {
                Part::Text(name, value) => {
                    body.extend_from_slice(
                        format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
                    );
                }
                Part::File(name, file_name, bytes) => {
                    body.extend_from_slice(
                        format!(
                            "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                        )
                        .as_bytes(),
                    );
                    body.extend_from_slice(&bytes);
                    body.extend_from_slice(b"\r\n");
                }
            }
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = Request::post(path).header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"));
        self.send(req, Body::from(body)).await
    }

    /// Opens the filing form and returns its form id.
    pub async fn open_form(&mut self) -> String {
        let page = self.get("/lapor").await;
        assert_eq!(page.status, StatusCode::OK);
        hidden(&page.text, "form_id")
    }
}

/// A browser signed in with the form as served (its hidden "ke" is what a browser sends
/// back), on the landing page, which also gives the new session its CSRF token.
pub async fn signed_in_with<'a>(w: &'a World, email: &str, password: &str) -> Browser<'a> {
    let mut b = Browser::new(w);
    let form = b.get("/masuk").await;
    let ke = hidden(&form.text, "ke");
    let r = b.post_form("/masuk", &[("email", email), ("password", password), ("ke", &ke)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    b.get(&location(&r)).await;
    b
}

/// [`signed_in_with`] the tests' password.
pub async fn signed_in<'a>(w: &'a World, email: &str) -> Browser<'a> {
    signed_in_with(w, email, super::PASSWORD).await
}

pub fn urlencode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of a hidden input in a page.
pub fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no hidden {name} in the page")) + marker.len();
    page[start..].split('"').next().expect("value").to_string()
}

pub fn location(r: &Response) -> String {
    r.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}
