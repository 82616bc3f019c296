//! `POST requests`: a client files a report for a citizen.
//!
//! The key's actor files it through the one lifecycle, on channel `open311`: an
//! integration key acts as its organisation's service account (which records who entered
//! it) and addresses the report to the key's instansi; a person's sign-in token files for
//! that person, under the per-address limit of anonymous filing.
//!
//! Parameters: `service_code`; a location (`lat`+`long`, `address_string`, `address_id`);
//! `description` (20 to 4,000 characters); `email`, `phone`, `first_name`, `last_name`;
//! `media_url`; `attribute[…]` (ignored). Extension: `title` — by default the
//! description's first line.

use super::auth;
use super::errors::{Open311Error, Reply};
use super::format::{Doc, Node, datetime};
use super::params::Params;
use super::requests::shorten;
use crate::AppState;
use crate::client::ClientAddr;
use aduan_domain::Refusal;
use aduan_domain::credential::{CredentialKind, KeyScope};
use aduan_domain::deadline::ClockKind;
use aduan_domain::lifecycle::Draft;
use aduan_domain::person::{Email, Phone};
use aduan_domain::region::RegionCode;
use aduan_domain::report::{Channel, GeoPoint, Location, Privacy, Report, ReportType, Reporter};
use aduan_domain::text::Text;
use aduan_service::AppError;

/// Open311's limit on a description.
pub const MAX_DESCRIPTION: usize = 4000;
/// A title made from the description is at most this long.
const TITLE_CHARS: usize = 80;
const MAX_URL: usize = 2000;

pub async fn create(state: &AppState, addr: ClientAddr, params: &Params) -> Reply {
    let caller = auth::writer(state, params, KeyScope::File).await?;
    if caller.credential.as_ref().is_some_and(|c| c.kind == CredentialKind::Token) {
        // A person filing for themselves is limited like an anonymous filer; an
        // integration files for many people from one address.
        state.limits.check_filing(addr).map_err(|p| Open311Error::rate_limited(&p))?;
    }
    let reference = state.app.reference();
    let code = params.get("service_code").ok_or_else(|| Open311Error::bad_request("service_code is required"))?;
    let category = reference
        .categories
        .by_code(code)
        .filter(|c| c.active)
        .ok_or_else(|| Open311Error::not_found(format!("service_code {code} not found")))?;
    // `attribute[…]` answers are accepted and ignored: no category defines attributes yet.
    let mut description = description(params)?;
    // media_url is kept as a line at the end of the description, where the screener
    // sees it (and may remove it when verifying); the file itself is not fetched.
    if let Some(url) = media_url(params)? {
        description = format!("{description}\n\nMedia: {url}");
    }
    let title = match params.get("title") {
        Some(t) => t.to_string(),
        None => title_from(&description),
    };
    let draft = Draft {
        kind: ReportType::Pengaduan,
        title: Text::title(&title).map_err(|e| Open311Error::bad_request(format!("title: {e}")))?,
        description: Text::description(&description)
            .map_err(|e| Open311Error::bad_request(format!("description: {e}")))?,
        incident_date: None,
        location: location(params)?,
        category: Some(category.id),
        target_instansi: state.app.default_target(&caller.actor),
        channel: Channel::Open311,
        privacy: Privacy::default(),
        reporter: reporter(params)?,
        attachments: Vec::new(),
    };
    let filed = state.app.file_report(&caller.actor, draft).await.map_err(open311_fields)?;
    let notice = notice(&filed.report, &reference.orgs);
    Ok(Doc::list(
        "service_requests",
        "request",
        vec![Node::Object(vec![
            ("service_request_id", Node::text(filed.report.tracking.as_str())),
            ("service_notice", Node::text(notice)),
            ("account_id", Node::Null),
        ])],
    ))
}

fn description(params: &Params) -> Result<String, Open311Error> {
    let text = params.get("description").ok_or_else(|| {
        Open311Error::bad_request(format!("description is required (20 to {MAX_DESCRIPTION} characters)"))
    })?;
    let len = text.chars().count();
    if len > MAX_DESCRIPTION {
        return Err(Open311Error::bad_request(format!(
            "description must be at most {MAX_DESCRIPTION} characters (it has {len})"
        )));
    }
    Ok(text.to_string())
}

/// A `media_url`, checked: an http(s) address, kept as text.
pub(super) fn media_url(params: &Params) -> Result<Option<&str>, Open311Error> {
    let Some(url) = params.get("media_url") else { return Ok(None) };
    let web = url.starts_with("https://") || url.starts_with("http://");
    if !web || url.chars().count() > MAX_URL || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Open311Error::bad_request(format!(
            "media_url must be an http(s) URL of at most {MAX_URL} characters"
        )));
    }
    Ok(Some(url))
}

/// The description's first line, or its beginning when that line is too short, cut at a
/// word to at most [`TITLE_CHARS`] characters.
fn title_from(description: &str) -> String {
    let first = description.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    let base = if first.chars().count() >= 5 {
        first.to_string()
    } else {
        description.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    if base.chars().count() <= TITLE_CHARS {
        return base;
    }
    let cut = shorten(&base, TITLE_CHARS);
    let body = cut.trim_end_matches('…');
    match body.rfind(' ') {
        Some(i) if body[..i].chars().count() >= TITLE_CHARS / 2 => format!("{}…", body[..i].trim_end()),
        _ => cut,
    }
}

/// `lat` and `long`, `address_string`, `address_id` (a Kemendagri region code): at least
/// one, all kept when several are given.
fn location(params: &Params) -> Result<Location, Open311Error> {
    let number = |name: &str| {
        params
            .get(name)
            .map(|v| v.parse::<f64>().map_err(|_| Open311Error::bad_request(format!("{name} must be a number"))))
            .transpose()
    };
    let point = match (number("lat")?, number("long")?) {
        (Some(lat), Some(lon)) => {
            Some(GeoPoint::parse(lat, lon).map_err(|e| Open311Error::bad_request(format!("lat/long: {e}")))?)
        }
        (None, None) => None,
        _ => return Err(Open311Error::bad_request("lat and long must be given together")),
    };
    let region = params
        .get("address_id")
        .map(|code| {
            RegionCode::parse(code).map_err(|_| {
                Open311Error::bad_request("address_id must be a Kemendagri region code such as 64.08 or 64.08.01.2001")
            })
        })
        .transpose()?;
    let address = params.get("address_string").map(str::to_string);
    if point.is_none() && region.is_none() && address.is_none() {
        return Err(Open311Error::bad_request("a location is required: lat and long, address_string or address_id"));
    }
    Ok(Location { region, address, point })
}

/// The reporter's contact. Never echoed back, not even in an error.
fn reporter(params: &Params) -> Result<Reporter, Open311Error> {
    let email = params
        .get("email")
        .map(|e| Email::parse(e).map_err(|_| Open311Error::bad_request("email is not an e-mail address")))
        .transpose()?;
    let phone = params
        .get("phone")
        .map(|p| Phone::parse(p).map_err(|_| Open311Error::bad_request("phone is not a phone number")))
        .transpose()?;
    let name = [params.get("first_name"), params.get("last_name")].into_iter().flatten().collect::<Vec<_>>().join(" ");
    Ok(Reporter { name: (!name.is_empty()).then_some(name), email, phone, ..Reporter::default() })
}

/// Names the domain's fields as the client sent them.
fn open311_fields(e: AppError) -> Open311Error {
    match e {
        AppError::Refused(Refusal::Invalid { field, message }) => {
            let field = match field.as_str() {
                "reporter_name" => "first_name/last_name",
                "address" => "address_string",
                "region" => "address_id",
                other => other,
            };
            Open311Error::bad_request(format!("{field}: {message}"))
        }
        e => e.into(),
    }
}

/// What happens next: screening, and by when.
fn notice(report: &Report, orgs: &aduan_domain::org::OrgTree) -> String {
    let desk = orgs.name_of(report.screening_desk);
    match report.active_clock(ClockKind::Verification) {
        Some(d) => format!(
            "Laporan diterima; diverifikasi oleh {desk} paling lambat {}. / Received; {desk} screens it by {}.",
            datetime(d.due_at, d.zone),
            datetime(d.due_at, d.zone)
        ),
        None => format!("Laporan diterima; menunggu verifikasi oleh {desk}. / Received; {desk} screens it next."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_from_the_first_line() {
        assert_eq!(title_from("Jalan berlubang\nsudah dua bulan tidak diperbaiki"), "Jalan berlubang");
        assert_eq!(title_from("Oke\nJalan berlubang sudah dua bulan"), "Oke Jalan berlubang sudah dua bulan");
        let long =
            "Jalan poros Sangatta Bontang berlubang besar di kilometer dua belas dekat jembatan dan sangat berbahaya";
        let t = title_from(long);
        assert!(t.chars().count() <= TITLE_CHARS, "{t}");
        assert!(t.ends_with('…') && !t.ends_with(" …"), "{t}");
        assert!(long.starts_with(t.trim_end_matches('…')), "{t}");
    }
}
