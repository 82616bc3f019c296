//! A report's history in words. The events come already filtered by what the reader
//! may see (internal notes and edits never reach a reporter or the public).

use super::format;
use super::lang::Lang;
use super::views::{category_name, org_name};
use aduan_domain::event::{Event, EventKind};
use aduan_domain::report::AnswerKind;
use aduan_domain::time::Zone;
use aduan_service::Reference;

/// One line of the history.
pub struct Entry {
    pub when: String,
    pub what: String,
    /// Words written by someone (an answer, a reply, a question), shown as written.
    pub text: String,
    pub attachments: Vec<(String, String)>,
    /// `answer`, `reporter` or `system`: how the entry is drawn.
    pub tone: &'static str,
}

/// The history of a report; attachment links go under `base` (`/lapor/{tracking}` or
/// `/laporan/{tracking}`) with `query` (the private link's secret, or nothing).
pub fn entries(lang: Lang, reference: &Reference, events: &[Event], zone: Zone, base: &str, query: &str) -> Vec<Entry> {
    build(lang, reference, events, zone, base, query, describe)
}

/// The whole history for staff in scope: internal notes, edits and reasons included
/// (the service has already left out what this reader may not see).
pub fn staff_entries(lang: Lang, reference: &Reference, events: &[Event], zone: Zone, base: &str) -> Vec<Entry> {
    build(lang, reference, events, zone, base, "", describe_for_staff)
}

type Describe = fn(Lang, &Reference, &EventKind) -> Option<(String, String, &'static str)>;

fn build(
    lang: Lang,
    reference: &Reference,
    events: &[Event],
    zone: Zone,
    base: &str,
    query: &str,
    describe: Describe,
) -> Vec<Entry> {
    events
        .iter()
        .filter_map(|e| {
            let (what, text, tone) = describe(lang, reference, &e.kind)?;
            Some(Entry {
                when: format::moment(lang, e.at, zone),
                what,
                text,
                attachments: e
                    .attachments()
                    .iter()
                    .map(|a| (format!("{base}/lampiran/{}{query}", a.key), a.file_name.clone()))
                    .collect(),
                tone,
            })
        })
        .collect()
}

fn describe(lang: Lang, reference: &Reference, kind: &EventKind) -> Option<(String, String, &'static str)> {
    let t = |id: &str, en: &str| lang.t(id, en).to_string();
    let org = |id| org_name(reference, id);
    Some(match kind {
        EventKind::Submitted { .. } => (t("Laporan diterima", "Report received"), String::new(), "system"),
        EventKind::Verified { instansi, category, .. } => {
            let cat = category_name(lang, reference, *category);
            let what = lang.pick(
                format!("Diverifikasi dan diteruskan ke {}", org(*instansi)),
                format!("Verified and forwarded to {}", org(*instansi)),
            );
            let text = if cat.is_empty() { String::new() } else { format!("{}: {cat}", t("Kategori", "Category")) };
            (what, text, "system")
        }
        EventKind::InfoRequested { question } => {
            (t("Petugas meminta kelengkapan", "More information requested"), question.as_str().into(), "answer")
        }
        EventKind::InfoProvided { text, .. } => {
            (t("Pelapor melengkapi laporan", "The reporter added information"), text.as_str().into(), "reporter")
        }
        EventKind::Archived { reason, note } => (
            lang.pick(format!("Diarsipkan: {}", reason.label_id()), format!("Archived: {}", archive_reason_en(reason))),
            note.as_ref().map(|n| n.as_str().to_string()).unwrap_or_default(),
            "system",
        ),
        EventKind::Restored { .. } => {
            (t("Dipulihkan dari arsip", "Restored from the archive"), String::new(), "system")
        }
        EventKind::ReturnedNotAuthority { instansi, .. } => (
            lang.pick(
                format!("{} menyatakan bukan kewenangannya; laporan kembali ke verifikator", org(*instansi)),
                format!("{} said it is not theirs; the report went back to the screening desk", org(*instansi)),
            ),
            String::new(),
            "system",
        ),
        EventKind::Disposed { units, .. } => {
            let names: Vec<String> = units.iter().map(|u| org(*u)).collect();
            (
                lang.pick(format!("Didisposisikan ke {}", names.join(", ")), format!("Handed to {}", names.join(", "))),
                String::new(),
                "system",
            )
        }
        EventKind::HandedBack { .. } => (
            t("Dikembalikan ke koordinator instansi", "Handed back to the agency coordinator"),
            String::new(),
            "system",
        ),
        EventKind::Answered { by, answer, text, .. } => {
            let what = match answer {
                AnswerKind::Progress => {
                    lang.pick(format!("Perkembangan dari {}", org(*by)), format!("Progress update from {}", org(*by)))
                }
                AnswerKind::Final => {
                    lang.pick(format!("Tindak lanjut dari {}", org(*by)), format!("Answer from {}", org(*by)))
                }
            };
            (what, text.as_str().into(), "answer")
        }
        EventKind::ReporterReplied { text, reopened, .. } => (
            if *reopened {
                t("Pelapor menanggapi; laporan dibuka kembali", "The reporter replied; the report is reopened")
            } else {
                t("Pelapor menanggapi", "The reporter replied")
            },
            text.as_str().into(),
            "reporter",
        ),
        EventKind::Accepted => {
            (t("Pelapor menerima jawaban", "The reporter accepted the answer"), String::new(), "reporter")
        }
        EventKind::AutoClosed => {
            (t("Selesai otomatis (tidak ada tanggapan)", "Closed automatically (no reply)"), String::new(), "system")
        }
        EventKind::ClosedOutside { reason } => (
            t("Ditutup: ditangani di luar sistem", "Closed: handled outside the system"),
            reason.as_str().into(),
            "system",
        ),
        EventKind::Rated { stars, comment } => (
            lang.pick(format!("Penilaian pelapor: {stars} dari 5"), format!("Reporter's rating: {stars} of 5")),
            comment.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default(),
            "reporter",
        ),
        EventKind::Appealed { reason } => {
            (t("Pelapor mengajukan banding", "The reporter appealed"), reason.as_str().into(), "reporter")
        }
        EventKind::DeadlineMissed { clock, .. } => (
            lang.pick(
                format!("Batas waktu terlewati: {}", clock.label_id()),
                format!("Deadline missed: {}", clock.label_en()),
            ),
            String::new(),
            "system",
        ),
        EventKind::OmbudsmanFlagged => {
            (t("Ditandai untuk Ombudsman", "Flagged for the Ombudsman"), String::new(), "system")
        }
        // Internal: never reaches a page for reporters or the public (the service already
        // filters them; this is the second lock).
        EventKind::Edited { .. } | EventKind::InternalNote { .. } => return None,
    })
}

fn describe_for_staff(lang: Lang, reference: &Reference, kind: &EventKind) -> Option<(String, String, &'static str)> {
    let t = |id: &str, en: &str| lang.t(id, en).to_string();
    match kind {
        EventKind::InternalNote { text } => {
            Some((t("Catatan internal", "Internal note"), text.as_str().into(), "internal"))
        }
        EventKind::Edited { changes } => {
            let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
            Some((
                lang.pick(format!("Disunting: {}", fields.join(", ")), format!("Edited: {}", fields.join(", "))),
                changes
                    .iter()
                    .map(|c| {
                        format!(
                            "{}: {} → {}",
                            c.field,
                            c.before.as_deref().unwrap_or("–"),
                            c.after.as_deref().unwrap_or("–")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                "internal",
            ))
        }
        EventKind::ReturnedNotAuthority { reason, .. } | EventKind::HandedBack { reason, .. } => {
            describe(lang, reference, kind).map(|(what, _, tone)| (what, reason.as_str().to_string(), tone))
        }
        _ => describe(lang, reference, kind),
    }
}

fn archive_reason_en(reason: &aduan_domain::report::ArchiveReason) -> &'static str {
    use aduan_domain::report::ArchiveReason::*;
    match reason {
        Spam => "spam",
        Incomplete => "incomplete",
        OutOfScope => "outside public-service matters",
        Duplicate { .. } => "duplicate of another report",
        NoReply => "no reply from the reporter",
    }
}
