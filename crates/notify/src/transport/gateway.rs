//! SMS and WhatsApp through a provider's HTTP API. Providers differ in everything — method,
//! URL, authentication, body format — so the request is a template: placeholders `{to}`,
//! `{text}` and `{id}` in the URL, the body and (`{to}`, `{id}` only) the header values are
//! replaced, each value encoded for where it lands. Any 2xx answer counts as sent.
//!
//! ```text
//! url      = "https://api.example-sms.id/v1/messages"
//! method   = "POST"
//! headers  = [("Authorization", "Bearer …")]
//! body     = {"to": "{to}", "message": "{text}", "reference": "aduan-{id}"}
//! encoding = json
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use aduan_domain::ids::MessageId;
use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use super::{ConfigError, SendError, SendResult, check_http_url, http_client, http_exchange};

/// How the values put into the body template are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// The template is JSON; values are JSON-string-escaped (without the quotes, which
    /// the template has: `"text": "{text}"`). Content-Type `application/json`.
    Json,
    /// The template is `a=b&c=d`; values are form-URL-encoded. Content-Type
    /// `application/x-www-form-urlencoded`.
    Form,
    /// Values go in as they are. Content-Type `text/plain; charset=utf-8`.
    Raw,
}

impl BodyEncoding {
    /// Reads `json`, `form` or `raw` (any case).
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(BodyEncoding::Json),
            "form" => Ok(BodyEncoding::Form),
            "raw" => Ok(BodyEncoding::Raw),
            other => Err(ConfigError(format!("unknown gateway body encoding {other:?}: use json, form or raw"))),
        }
    }

    /// The name [`BodyEncoding::parse`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyEncoding::Json => "json",
            BodyEncoding::Form => "form",
            BodyEncoding::Raw => "raw",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            BodyEncoding::Json => "application/json",
            BodyEncoding::Form => "application/x-www-form-urlencoded",
            BodyEncoding::Raw => "text/plain; charset=utf-8",
        }
    }

    fn encode(self, value: &str) -> String {
        match self {
            BodyEncoding::Json => json_escape(value),
            BodyEncoding::Form => percent_encode(value, true),
            BodyEncoding::Raw => value.to_owned(),
        }
    }
}

impl FromStr for BodyEncoding {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        BodyEncoding::parse(text)
    }
}

impl fmt::Display for BodyEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One provider's HTTP API.
#[derive(Debug, Clone)]
pub struct GatewaySettings {
    /// May contain `{to}`, `{text}` and `{id}`, URL-encoded when replaced.
    pub url: String,
    /// `GET`, `POST` or `PUT`.
    pub method: String,
    /// Sent with every request, e.g. `("Authorization", "Bearer …")`. Values may contain
    /// `{to}` and `{id}`. A `Content-Type` here replaces the one the encoding implies.
    pub headers: Vec<(String, String)>,
    /// The body template, with `{to}`, `{text}` and `{id}`; none for a GET.
    pub body: Option<String>,
    pub encoding: BodyEncoding,
    /// For the whole exchange, connecting included.
    pub timeout: Duration,
}

/// Sends short messages through an HTTP gateway.
#[derive(Debug, Clone)]
pub struct SmsGateway {
    client: reqwest::Client,
    url: String,
    method: Method,
    headers: Vec<(HeaderName, String)>,
    body: Option<String>,
    encoding: BodyEncoding,
    has_content_type: bool,
}

impl SmsGateway {
    /// Checks the settings: the method, the header names, and that the URL is an HTTP(S)
    /// URL once its placeholders are filled.
    pub fn new(settings: &GatewaySettings) -> Result<Self, ConfigError> {
        let method = match settings.method.trim().to_ascii_uppercase().as_str() {
            "GET" => Method::GET,
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            other => {
                return Err(ConfigError(format!("gateway method {other:?} is not GET, POST or PUT")));
            }
        };
        if method == Method::GET && settings.body.is_some() {
            return Err(ConfigError("a GET gateway takes no body: put {to} and {text} in the URL".into()));
        }
        let sample = fill(&settings.url, &values("+6281234567890", "x", "1"), |v| percent_encode(v, false));
        let url = Url::parse(&sample)
            .map_err(|e| ConfigError(format!("gateway URL {:?} is not valid: {e}", settings.url)))?;
        check_http_url(&url).map_err(ConfigError)?;
        let mut headers = Vec::with_capacity(settings.headers.len());
        for (name, value) in &settings.headers {
            let name = HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|e| ConfigError(format!("gateway header name {name:?}: {e}")))?;
            let sample = fill(value, &values("+6281234567890", "", "1"), str::to_owned);
            HeaderValue::from_str(&sample)
                .map_err(|e| ConfigError(format!("gateway header {name}: the value is not valid: {e}")))?;
            headers.push((name, value.clone()));
        }
        let has_content_type = headers.iter().any(|(name, _)| name == CONTENT_TYPE);
        Ok(SmsGateway {
            client: http_client(settings.timeout)?,
            url: settings.url.clone(),
            method,
            headers,
            body: settings.body.clone(),
            encoding: settings.encoding,
            has_content_type,
        })
    }

    /// Sends `text` to `to` (a phone number as the provider wants it). The answer is the
    /// status and the start of the provider's response body, e.g. `200 OK: {"status":…}`.
    pub async fn send(&self, id: MessageId, to: &str, text: &str) -> SendResult {
        let id = id.to_string();
        let values = values(to, text, &id);
        let url = fill(&self.url, &values, |v| percent_encode(v, false));
        let url =
            Url::parse(&url).map_err(|e| SendError::Permanent(format!("gateway URL {url:?} is not valid: {e}")))?;
        let mut request = self.client.request(self.method.clone(), url);
        // {text} is not offered in headers: it may hold anything.
        let header_values = [values[0], values[2]];
        for (name, template) in &self.headers {
            let value = fill(template, &header_values, str::to_owned);
            let value = HeaderValue::from_str(&value)
                .map_err(|e| SendError::Permanent(format!("gateway header {name} for {to:?}: {e}")))?;
            request = request.header(name.clone(), value);
        }
        if let Some(template) = &self.body {
            if !self.has_content_type {
                request = request.header(CONTENT_TYPE, self.encoding.content_type());
            }
            let encoding = self.encoding;
            request = request.body(fill(template, &values, |v| encoding.encode(v)));
        }
        http_exchange(request).await
    }
}

fn values<'a>(to: &'a str, text: &'a str, id: &'a str) -> [(&'static str, &'a str); 3] {
    [("{to}", to), ("{text}", text), ("{id}", id)]
}

/// Replaces each placeholder of `values` in `template` by its encoded value, in one pass:
/// a value that contains a placeholder's name is not replaced again.
fn fill(template: &str, values: &[(&str, &str)], encode: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        match values.iter().find(|(name, _)| rest.starts_with(name)) {
            Some((name, value)) => {
                out.push_str(&encode(value));
                rest = &rest[name.len()..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Percent-encodes all but the unreserved characters of RFC 3986; in form encoding a space
/// becomes `+`.
fn percent_encode(value: &str, form: bool) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' if form => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The inside of a JSON string holding `value`.
fn json_escape(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_once_and_keeps_other_braces() {
        let values = values("+62 81", "say {to}", "7");
        let out = fill(r#"{"to":"{to}","t":"{text}","ref":"{id}{x}"}"#, &values, |v| BodyEncoding::Json.encode(v));
        assert_eq!(out, r#"{"to":"+62 81","t":"say {to}","ref":"7{x}"}"#);
    }

    #[test]
    fn encodings() {
        assert_eq!(percent_encode("+62 8/a&b=ü", false), "%2B62%208%2Fa%26b%3D%C3%BC");
        assert_eq!(percent_encode("a b", true), "a+b");
        assert_eq!(json_escape("a \"q\"\n\\"), r#"a \"q\"\n\\"#);
    }
}
