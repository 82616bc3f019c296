//! What callers send, and its translation into domain values. Organisations are named
//! by code (or id), categories by code, reports by tracking number; anything that does
//! not parse is refused naming the field.

use aduan_domain::Refusal;
use aduan_domain::ids::{CategoryId, OrgId};
use aduan_domain::lifecycle::{Command, Verification};
use aduan_domain::person::{Email, Phone};
use aduan_domain::region::RegionCode;
use aduan_domain::report::{AnswerKind, ArchiveReason, Channel, GeoPoint, Location, Privacy, ReportType, Reporter};
use aduan_domain::sla::Complexity;
use aduan_domain::text::Text;
use aduan_domain::tracking::TrackingNumber;
use aduan_service::{App, AppResult, Reference};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn text(
    field: &str,
    value: &str,
    parse: fn(&str) -> Result<Text, aduan_domain::text::TextError>,
) -> AppResult<Text> {
    parse(value).map_err(|e| Refusal::invalid(field, e.to_string()).into())
}

pub fn message(field: &str, value: &str) -> AppResult<Text> {
    text(field, value, Text::message)
}

fn opt_message(field: &str, value: Option<&str>) -> AppResult<Option<Text>> {
    value.map(str::trim).filter(|v| !v.is_empty()).map(|v| message(field, v)).transpose()
}

pub fn org(app: &App, field: &str, code: &str) -> AppResult<OrgId> {
    app.find_org(code).map_err(|_| Refusal::invalid(field, format!("no organisation {code:?}")).into())
}

pub fn category(reference: &Reference, field: &str, code: &str) -> AppResult<CategoryId> {
    reference
        .categories
        .by_code(code.trim())
        .map(|c| c.id)
        .ok_or_else(|| Refusal::invalid(field, format!("no category {code:?}")).into())
}

pub fn tracking(field: &str, value: &str) -> AppResult<TrackingNumber> {
    TrackingNumber::parse(value).map_err(|e| Refusal::invalid(field, e.to_string()).into())
}

fn parse_enum<T>(field: &str, value: &str, parse: impl Fn(&str) -> Option<T>, allowed: &str) -> AppResult<T> {
    parse(value).ok_or_else(|| Refusal::invalid(field, format!("{value:?} is not one of {allowed}")).into())
}

/// The reporter's contact details, when filing for oneself or for a citizen.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReporterIn {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Nomor Induk Kependudukan, 16 digits.
    pub nik: Option<String>,
    /// A name to show publicly instead of "Pelapor".
    pub public_name: Option<String>,
}

/// A new report.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    /// `pengaduan` (default), `aspirasi` or `permintaan_informasi`.
    pub kind: Option<String>,
    /// 5–200 characters, one line.
    #[schema(min_length = 5, max_length = 200)]
    pub title: String,
    /// The chronology: 20–20,000 characters.
    #[schema(min_length = 20, max_length = 20000)]
    pub description: String,
    pub incident_date: Option<NaiveDate>,
    /// Kemendagri region code, e.g. `64.08.01.2001`.
    pub region: Option<String>,
    pub address: Option<String>,
    /// With `long`: a point in Indonesia.
    #[schema(minimum = -12.0, maximum = 7.0)]
    pub lat: Option<f64>,
    #[schema(minimum = 94.0, maximum = 142.0)]
    pub long: Option<f64>,
    /// Category code, e.g. `pupr.jalan`.
    pub category: Option<String>,
    /// The instansi the reporter addresses, by code.
    pub target_instansi: Option<String>,
    /// Hide the reporter's identity from everyone but the screening desk.
    #[serde(default)]
    pub anonymous: bool,
    /// Never show the report publicly.
    #[serde(default)]
    pub confidential: bool,
    #[serde(default)]
    pub reporter: ReporterIn,
    /// `api` by default; staff entering a report received off-line name its channel
    /// (`walk_in`, `phone`, `letter`, `sms`, `whatsapp`, `email`, `social`).
    pub channel: Option<String>,
    /// Keys of files uploaded with `POST /api/v1/uploads`, at most 5.
    #[serde(default)]
    pub attachments: Vec<String>,
}

impl NewReport {
    pub fn location(&self) -> AppResult<Location> {
        let region = self
            .region
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| RegionCode::parse(r).map_err(|e| Refusal::invalid("region", e.to_string())))
            .transpose()?;
        let point = match (self.lat, self.long) {
            (Some(lat), Some(lon)) => Some(GeoPoint::parse(lat, lon).map_err(|m| Refusal::invalid("lat", m))?),
            (None, None) => None,
            _ => return Err(Refusal::invalid("long", "give both lat and long, or neither").into()),
        };
        Ok(Location { region, address: self.address.clone(), point })
    }

    pub fn kind(&self) -> AppResult<ReportType> {
        match self.kind.as_deref() {
            None => Ok(ReportType::Pengaduan),
            Some(k) => parse_enum("kind", k, ReportType::parse, "pengaduan, aspirasi, permintaan_informasi"),
        }
    }

    pub fn channel(&self) -> AppResult<Channel> {
        match self.channel.as_deref() {
            None => Ok(Channel::Api),
            Some(c) => {
                parse_enum("channel", c, Channel::parse, "api, walk_in, phone, letter, sms, whatsapp, email, social")
            }
        }
    }

    pub fn privacy(&self) -> Privacy {
        Privacy { anonymous: self.anonymous, confidential: self.confidential }
    }

    pub fn reporter(&self) -> AppResult<Reporter> {
        let r = &self.reporter;
        let email = r.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
        let phone = r.phone.as_deref().map(str::trim).filter(|p| !p.is_empty());
        Ok(Reporter {
            person: None,
            name: r.name.clone(),
            email: email.map(Email::parse).transpose().map_err(|m| Refusal::invalid("reporter.email", m))?,
            phone: phone.map(Phone::parse).transpose().map_err(|m| Refusal::invalid("reporter.phone", m))?,
            nik: r.nik.clone().filter(|n| !n.trim().is_empty()),
            public_name: r.public_name.clone(),
        })
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveReasonIn {
    Spam,
    Incomplete,
    OutOfScope,
    /// Name the original with `duplicate_of`.
    Duplicate,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKindIn {
    /// The report stays in progress.
    Progress,
    /// The unit's (or the instansi's) last word.
    Final,
}

/// An action on a report. `version` is the report's version as the caller last saw it:
/// if the report changed since, the action is refused with 409 and nothing changes.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum ActionRequest {
    /// Screener: verify and forward to an instansi, correcting the report on the way.
    Verify {
        version: i64,
        /// The instansi (code); the routing suggestion when absent.
        instansi: Option<String>,
        title: Option<String>,
        kind: Option<String>,
        category: Option<String>,
        tags: Option<Vec<String>>,
        anonymous: Option<bool>,
        confidential: Option<bool>,
        /// `ringan`, `normatif`, `tidak_berkadar_pengawasan`, `berkadar_pengawasan`.
        complexity: Option<String>,
        note: Option<String>,
    },
    /// Screener: ask the reporter for more (the clock pauses).
    RequestInfo { version: i64, question: String },
    /// Screener: archive with a reason.
    Archive { version: i64, reason: ArchiveReasonIn, duplicate_of: Option<String>, note: Option<String> },
    /// Screener: bring an archived report back to the queue.
    Restore { version: i64, note: Option<String> },
    /// Coordinator: not this instansi's authority; back to the screening desk.
    ReturnNotAuthority { version: i64, reason: String },
    /// Coordinator: give the report to one or more units (codes); with none named, the
    /// routing rule's default unit.
    Dispose {
        version: i64,
        #[serde(default)]
        units: Vec<String>,
        note: Option<String>,
    },
    /// Officer: the wrong unit; back to the coordinator.
    HandBack { version: i64, unit: Option<String>, reason: String },
    /// Coordinator or officer: publish an answer to the reporter.
    Respond {
        version: i64,
        unit: Option<String>,
        answer: AnswerKindIn,
        text: String,
        #[serde(default)]
        attachments: Vec<String>,
    },
    /// Staff: a note only staff see.
    InternalNote { version: i64, text: String },
    /// Coordinator: close a report answered outside the system.
    CloseOutside { version: i64, reason: String },
    /// Reporter: reply (answers a request for information, or reopens an answer).
    Reply {
        version: i64,
        text: String,
        #[serde(default)]
        attachments: Vec<String>,
    },
    /// Reporter: accept the answer.
    Accept { version: i64 },
    /// Reporter: rate a closed report, 1–5.
    Rate {
        version: i64,
        #[schema(minimum = 1, maximum = 5)]
        stars: u8,
        comment: Option<String>,
    },
    /// Reporter: appeal once after a rating of 1–2.
    Appeal { version: i64, reason: String },
}

impl ActionRequest {
    pub fn version(&self) -> i64 {
        use ActionRequest::*;
        match self {
            Verify { version, .. }
            | RequestInfo { version, .. }
            | Archive { version, .. }
            | Restore { version, .. }
            | ReturnNotAuthority { version, .. }
            | Dispose { version, .. }
            | HandBack { version, .. }
            | Respond { version, .. }
            | InternalNote { version, .. }
            | CloseOutside { version, .. }
            | Reply { version, .. }
            | Accept { version }
            | Rate { version, .. }
            | Appeal { version, .. } => *version,
        }
    }

    /// Attachment keys the action names (resolved against the caller's uploads).
    pub fn attachment_keys(&self) -> &[String] {
        match self {
            ActionRequest::Respond { attachments, .. } | ActionRequest::Reply { attachments, .. } => attachments,
            _ => &[],
        }
    }

    /// The domain command; `attachments` are the resolved uploads.
    pub async fn into_command(
        self,
        app: &App,
        current: &aduan_domain::report::Report,
        attachments: Vec<aduan_domain::report::AttachmentMeta>,
    ) -> AppResult<Command> {
        let reference = app.reference();
        let opt_org = |field: &str, code: Option<String>| -> AppResult<Option<OrgId>> {
            code.filter(|c| !c.trim().is_empty()).map(|c| org(app, field, &c)).transpose()
        };
        Ok(match self {
            ActionRequest::Verify {
                instansi,
                title,
                kind,
                category: cat,
                tags,
                anonymous,
                confidential,
                complexity,
                note,
                ..
            } => {
                // A flag left out stays as it is.
                let privacy = match (anonymous, confidential) {
                    (None, None) => None,
                    (a, c) => Some(Privacy {
                        anonymous: a.unwrap_or(current.privacy.anonymous),
                        confidential: c.unwrap_or(current.privacy.confidential),
                    }),
                };
                let category_id = cat.as_deref().map(|c| category(&reference, "category", c)).transpose()?;
                // No instansi named: the routing suggestion, as the screening page pre-fills it.
                let instansi = match opt_org("instansi", instansi)? {
                    Some(i) => Some(i),
                    None => app
                        .suggest_route(category_id.or(current.category), current.location.region.as_ref())
                        .map(|s| s.instansi),
                };
                Command::Verify(Verification {
                    instansi,
                    title: title.map(|t| text("title", &t, Text::title)).transpose()?,
                    kind: kind
                        .map(|k| parse_enum("kind", &k, ReportType::parse, "pengaduan, aspirasi, permintaan_informasi"))
                        .transpose()?,
                    category: category_id,
                    tags,
                    privacy,
                    complexity: complexity
                        .map(|c| {
                            parse_enum(
                                "complexity",
                                &c,
                                Complexity::parse,
                                "ringan, normatif, tidak_berkadar_pengawasan, berkadar_pengawasan",
                            )
                        })
                        .transpose()?,
                    note: opt_message("note", note.as_deref())?,
                })
            }
            ActionRequest::RequestInfo { question, .. } => {
                Command::RequestInfo { question: message("question", &question)? }
            }
            ActionRequest::Archive { reason, duplicate_of, note, .. } => {
                let reason = match reason {
                    ArchiveReasonIn::Spam => ArchiveReason::Spam,
                    ArchiveReasonIn::Incomplete => ArchiveReason::Incomplete,
                    ArchiveReasonIn::OutOfScope => ArchiveReason::OutOfScope,
                    ArchiveReasonIn::Duplicate => {
                        let of = duplicate_of
                            .ok_or_else(|| Refusal::invalid("duplicate_of", "name the report this one duplicates"))?;
                        let original = app
                            .store()
                            .report_by_tracking(&tracking("duplicate_of", &of)?)
                            .await?
                            .ok_or_else(|| Refusal::invalid("duplicate_of", format!("no report {of}")))?;
                        ArchiveReason::Duplicate { of: original.id }
                    }
                };
                Command::Archive { reason, note: opt_message("note", note.as_deref())? }
            }
            ActionRequest::Restore { note, .. } => Command::Restore { note: opt_message("note", note.as_deref())? },
            ActionRequest::ReturnNotAuthority { reason, .. } => {
                Command::ReturnNotAuthority { reason: message("reason", &reason)? }
            }
            ActionRequest::Dispose { units, note, .. } => {
                let mut units: Vec<OrgId> = units.iter().map(|u| org(app, "units", u)).collect::<AppResult<_>>()?;
                // No unit named: the routing rule's default unit, as the coordinator's page pre-fills it.
                if units.is_empty()
                    && let Some(unit) = app
                        .suggest_route(current.category, current.location.region.as_ref())
                        .filter(|s| Some(s.instansi) == current.instansi)
                        .and_then(|s| s.unit)
                {
                    units.push(unit);
                }
                Command::Dispose { units, note: opt_message("note", note.as_deref())? }
            }
            ActionRequest::HandBack { unit, reason, .. } => {
                Command::HandBack { unit: opt_org("unit", unit)?, reason: message("reason", &reason)? }
            }
            ActionRequest::Respond { unit, answer, text: body, .. } => Command::Respond {
                unit: opt_org("unit", unit)?,
                answer: match answer {
                    AnswerKindIn::Progress => AnswerKind::Progress,
                    AnswerKindIn::Final => AnswerKind::Final,
                },
                text: message("text", &body)?,
                attachments,
            },
            ActionRequest::InternalNote { text: body, .. } => Command::InternalNote { text: message("text", &body)? },
            ActionRequest::CloseOutside { reason, .. } => Command::CloseOutside { reason: message("reason", &reason)? },
            ActionRequest::Reply { text: body, .. } => Command::Reply { text: message("text", &body)?, attachments },
            ActionRequest::Accept { .. } => Command::Accept,
            ActionRequest::Rate { stars, comment, .. } => {
                Command::Rate { stars, comment: opt_message("comment", comment.as_deref())? }
            }
            ActionRequest::Appeal { reason, .. } => Command::Appeal { reason: message("reason", &reason)? },
        })
    }
}
