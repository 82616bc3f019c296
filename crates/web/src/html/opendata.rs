//! `GET /data`: what the open-data feed (`crate::export::feed`) holds, how to page
//! through it, its licence and its limits — for the people who will write programs
//! against it.

use super::session::Visitor;
use super::{Chrome, PageResult, render};
use crate::AppState;
use crate::export::feed::{DEFAULT_LIMIT, LICENCE_NAME, LICENCE_URL};
use aduan_store::PageRequest;
use askama::Template;
use axum::extract::State;

/// Each field of the feed with its meaning in Bahasa Indonesia and English, in the order
/// of [`aduan_service::OpenReport::FIELDS`] (a test holds them together).
const FIELD_DOCS: [(&str, &str, &str); 20] = [
    ("tracking", "Nomor laporan, mis. K7M-P9Q-X4T", "Tracking number, e.g. K7M-P9Q-X4T"),
    ("kind", "Jenis: pengaduan, aspirasi, permintaan_informasi", "Type: pengaduan, aspirasi, permintaan_informasi"),
    ("title", "Judul", "Title"),
    ("description", "Uraian seperti yang terbit di halaman publik", "Description as published on the public page"),
    (
        "status",
        "Kode status: forwarded, in_progress, responded, closed",
        "Status code: forwarded, in_progress, responded, closed",
    ),
    ("status_label_id", "Status dalam Bahasa Indonesia", "Status in Bahasa Indonesia"),
    ("status_label_en", "Status dalam bahasa Inggris", "Status in English"),
    ("category", "Kode kategori, mis. pupr.jalan", "Category code, e.g. pupr.jalan"),
    ("category_name_id", "Nama kategori (Indonesia)", "Category name (Indonesian)"),
    ("category_name_en", "Nama kategori (Inggris)", "Category name (English)"),
    ("region", "Kode wilayah Kemendagri", "Kemendagri region code"),
    ("region_name", "Nama wilayah dengan induknya", "Region name with its parents"),
    ("instansi", "Kode instansi yang menangani", "Code of the agency handling it"),
    ("instansi_name", "Nama instansi", "Agency name"),
    ("submitted_at", "Waktu masuk (UTC, RFC 3339)", "Submitted (UTC, RFC 3339)"),
    ("verified_at", "Waktu diverifikasi (UTC)", "Verified (UTC)"),
    ("closed_at", "Waktu selesai (UTC), kosong bila belum", "Closed (UTC), empty while open"),
    ("support_count", "Jumlah dukungan warga", "Number of citizens supporting it"),
    ("lat", "Lintang titik lokasi, bila pelapor memberi titik", "Latitude of the pin, when the reporter placed one"),
    ("long", "Bujur titik lokasi", "Longitude of the pin"),
];

pub struct FieldDoc {
    pub name: &'static str,
    pub meaning: &'static str,
}

#[derive(Template)]
#[template(path = "data.html")]
struct DataPage {
    c: Chrome,
    fields: Vec<FieldDoc>,
    licence_name: &'static str,
    licence_url: &'static str,
    default_limit: u32,
    max_limit: u32,
    per_minute: u32,
}

/// `GET /data`.
pub async fn page(State(state): State<AppState>, v: Visitor) -> PageResult {
    let fields = FIELD_DOCS.iter().map(|(name, id, en)| FieldDoc { name, meaning: v.lang.t(id, en) }).collect();
    let page = DataPage {
        c: v.chrome(v.t("Data terbuka", "Open data"), "data"),
        fields,
        licence_name: LICENCE_NAME,
        licence_url: LICENCE_URL,
        default_limit: DEFAULT_LIMIT,
        max_limit: PageRequest::MAX_LIMIT,
        per_minute: state.settings.read_per_minute,
    };
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aduan_service::OpenReport;

    #[test]
    fn every_field_of_the_feed_is_documented_in_order() {
        let documented: Vec<&str> = FIELD_DOCS.iter().map(|(name, _, _)| *name).collect();
        assert_eq!(documented, OpenReport::FIELDS.to_vec());
    }
}
