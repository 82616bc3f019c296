//! Attachments: uploaded first, then named by key when a report, answer or reply is
//! saved. The type is judged from the content, never from the file name, and photos are
//! decoded and encoded again before they are kept, so that no EXIF or other embedded
//! metadata survives (GPS included, docs/DOMAIN.md §9): see [`crate::images`].

use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::secrets::new_secret;
use aduan_domain::Refusal;
use aduan_domain::event::Event;
use aduan_domain::ids::ReportId;
use aduan_domain::permission::Actor;
use aduan_domain::report::AttachmentMeta;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// What may be attached: photos, PDF and short videos.
pub const ACCEPTED_TYPES: [&str; 8] = [
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/pdf",
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/3gpp",
];

/// An upload as kept beside its bytes: the metadata plus who uploaded it, so that only
/// they can attach it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Upload {
    pub meta: AttachmentMeta,
    pub uploader: String,
}

impl App {
    /// Checks and keeps an upload for `uploader` (a caller key); returns its metadata.
    pub async fn upload(&self, uploader: &str, file_name: &str, bytes: Vec<u8>) -> AppResult<AttachmentMeta> {
        let dir = self.attachment_dir()?;
        let max = self.options().max_upload_bytes;
        if bytes.len() as u64 > max {
            return Err(AppError::TooLarge(format!("a file may be at most {} MB", max / (1024 * 1024))));
        }
        if bytes.is_empty() {
            return Err(Refusal::invalid("file", "is empty").into());
        }
        let content_type = detect(&bytes)?;
        // Photos are kept as encoded again here; size and digest are those of what is kept.
        let bytes = if content_type.starts_with("image/") {
            crate::images::reencode_blocking(content_type, bytes).await?
        } else {
            bytes
        };
        let key = new_secret()[..32].to_string();
        let meta = AttachmentMeta {
            key: key.clone(),
            file_name: clean_file_name(file_name),
            content_type: content_type.into(),
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(&bytes)),
        };
        let upload = Upload { meta: meta.clone(), uploader: uploader.into() };
        let sidecar = serde_json::to_vec(&upload).map_err(|e| AppError::Internal(format!("upload metadata: {e}")))?;
        write_atomically(&dir.join(&key), &bytes).await?;
        write_atomically(&dir.join(format!("{key}.json")), &sidecar).await?;
        tracing::info!(key = %key, content_type, size = meta.size, "attachment uploaded");
        Ok(meta)
    }

    /// The metadata of uploads named by key, each uploaded by `uploader`.
    pub async fn uploads(&self, uploader: &str, keys: &[String]) -> AppResult<Vec<AttachmentMeta>> {
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let unknown = || Refusal::invalid("attachments", format!("no upload {key:?} of yours"));
            let upload = self.read_upload(key).await?.ok_or_else(unknown)?;
            if upload.uploader != uploader {
                return Err(unknown().into());
            }
            out.push(upload.meta);
        }
        Ok(out)
    }

    /// The bytes of an attachment of a report, for a viewer who may see where it is
    /// attached: the report itself, or an event of its timeline they may see.
    pub async fn attachment(&self, actor: &Actor, id: ReportId, key: &str) -> AppResult<(AttachmentMeta, Vec<u8>)> {
        let view = self.view_report(actor, id).await?;
        let attached = view.report.attachments.iter().chain(view.events.iter().flat_map(Event::attachments));
        let meta = attached
            .into_iter()
            .find(|a| a.key == key)
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("attachment {key}")))?;
        let dir = self.attachment_dir()?;
        let bytes = tokio::fs::read(dir.join(&meta.key)).await.map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => AppError::NotFound(format!("attachment {key}")),
            _ => AppError::Unavailable(format!("attachment store: {e}")),
        })?;
        Ok((meta, bytes))
    }

    async fn read_upload(&self, key: &str) -> AppResult<Option<Upload>> {
        // Keys are ours: 32 hex digits. Anything else never touches the file system.
        if key.len() != 32 || !key.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Ok(None);
        }
        let path = self.attachment_dir()?.join(format!("{key}.json"));
        match tokio::fs::read(&path).await {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| AppError::Internal(format!("upload metadata {key}: {e}"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AppError::Unavailable(format!("attachment store: {e}"))),
        }
    }

    fn attachment_dir(&self) -> AppResult<PathBuf> {
        self.options()
            .attachment_dir
            .clone()
            .ok_or_else(|| AppError::Unavailable("this server keeps no attachments (no attachment directory)".into()))
    }
}

/// The content type judged from the bytes; refused unless accepted.
fn detect(bytes: &[u8]) -> AppResult<&'static str> {
    let found = infer::get(bytes).map(|t| t.mime_type());
    match found.and_then(|m| ACCEPTED_TYPES.into_iter().find(|a| *a == m)) {
        Some(t) => Ok(t),
        None => Err(AppError::Unsupported(format!(
            "{} files are not accepted; send a photo (JPEG, PNG, WebP), a PDF or a short video (MP4, MOV, WebM, 3GP)",
            found.unwrap_or("unrecognised")
        ))),
    }
}

/// A file name fit to show: the last path part, printable, at most 120 characters.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if clean.trim().is_empty() { "lampiran".into() } else { clean.trim().into() }
}

/// Writes beside the target, then renames, so a reader never sees half a file.
async fn write_atomically(path: &Path, bytes: &[u8]) -> AppResult<()> {
    let unavailable = |e: std::io::Error| AppError::Unavailable(format!("attachment store: {e}"));
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await.map_err(unavailable)?;
    }
    let tmp = path.with_extension("partial");
    tokio::fs::write(&tmp, bytes).await.map_err(unavailable)?;
    tokio::fs::rename(&tmp, path).await.map_err(unavailable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\foto\\jalan.jpg"), "jalan.jpg");
        assert_eq!(clean_file_name("  "), "lampiran");
    }

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(detect(b"%PDF-1.7\n%....").ok(), Some("application/pdf"));
        assert!(matches!(detect(b"<html><script>alert(1)</script>"), Err(AppError::Unsupported(_))));
        assert!(matches!(detect(b"MZ\x90\x00\x03"), Err(AppError::Unsupported(_))));
    }

    use crate::app::AppOptions;
    use crate::images::samples::{SECRETS, jpeg_segments, jpeg_with_metadata, photo, png_bomb};
    use aduan_domain::sla::Limits;
    use aduan_domain::time::SystemClock;
    use aduan_store::Store;
    use aduan_store_sqlite::SqliteStore;
    use std::sync::Arc;

    /// An application on a fresh SQLite database, keeping attachments in its temp dir.
    async fn app() -> (App, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("aduan.db").display().to_string();
        let store = Arc::new(SqliteStore::connect(&db).await.expect("open"));
        store.migrate().await.expect("migrate");
        let options = AppOptions { attachment_dir: Some(dir.path().join("attachments")), ..AppOptions::default() };
        let app = App::open_with(store, Arc::new(SystemClock), Limits::default(), options).await.expect("app");
        (app, dir)
    }

    /// The names of the files in the attachment dir (none if it was never made).
    fn kept(dir: &tempfile::TempDir) -> Vec<String> {
        match std::fs::read_dir(dir.path().join("attachments")) {
            Ok(entries) => entries.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => panic!("{e}"),
        }
    }

    #[tokio::test]
    async fn an_uploaded_photo_is_kept_upright_without_exif_or_gps() {
        let (app, dir) = app().await;
        let original = jpeg_with_metadata(&photo(80, 40), 6);
        let meta = app.upload("warga", "DSC_0001.jpg", original.clone()).await.expect("upload");
        assert_eq!(meta.content_type, "image/jpeg");
        let stored = std::fs::read(dir.path().join("attachments").join(&meta.key)).expect("stored");
        assert_ne!(stored, original, "encoded again");
        // Size and digest are those of the bytes kept, not of the bytes sent.
        assert_eq!(meta.size, stored.len() as u64);
        assert_eq!(meta.sha256, hex::encode(Sha256::digest(&stored)));
        assert!(jpeg_segments(&stored).iter().all(|(m, b)| *m != 0xE1 && !b.starts_with(b"Exif")), "no APP1 left");
        for secret in SECRETS {
            assert!(!stored.windows(secret.len()).any(|w| w == secret), "{}", String::from_utf8_lossy(secret));
        }
        let image = image::load_from_memory(&stored).expect("still a picture");
        assert_eq!((image.width(), image.height()), (40, 80), "orientation 6 applied");
        // What is served is what was kept, under the same metadata.
        let sidecar: Upload = serde_json::from_slice(
            &std::fs::read(dir.path().join("attachments").join(format!("{}.json", meta.key))).expect("json"),
        )
        .expect("sidecar");
        assert_eq!((sidecar.meta.size, sidecar.meta.sha256), (meta.size, meta.sha256));
    }

    #[tokio::test]
    async fn a_photo_that_does_not_decode_is_refused_and_not_kept() {
        let (app, dir) = app().await;
        let mut fake = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x16];
        fake.extend_from_slice(b"Exif\0\0GPS -0.5012 117");
        fake.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0x33, 0xFF, 0xD9]);
        let jpeg = jpeg_with_metadata(&photo(64, 48), 1);
        let sos = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).expect("SOS");
        // Not a picture; only headers; cut short in the middle of the picture.
        for bytes in [fake, jpeg[..sos].to_vec(), jpeg[..(sos + jpeg.len()) / 2].to_vec()] {
            match app.upload("warga", "foto.jpg", bytes).await {
                Err(AppError::Refused(Refusal::Invalid { field, message })) => {
                    assert_eq!(field, "file");
                    assert!(message.starts_with("the image cannot be read"), "{message}");
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(kept(&dir), Vec::<String>::new());
    }

    #[tokio::test]
    async fn a_decompression_bomb_is_refused_and_not_kept() {
        let (app, dir) = app().await;
        // 64 bytes that would decode to 1.2 GB of pixels.
        let bomb = png_bomb(20_000, 20_000);
        assert!(bomb.len() < 100);
        match app.upload("warga", "bom.png", bomb).await {
            Err(AppError::TooLarge(message)) => assert!(message.contains("20000×20000"), "{message}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(kept(&dir), Vec::<String>::new());
    }

    #[tokio::test]
    async fn other_files_are_kept_as_sent() {
        let (app, dir) = app().await;
        let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj << /Author (KAMERA-RAHASIA) >> endobj\n%%EOF\n".to_vec();
        let meta = app.upload("warga", "surat.pdf", pdf.clone()).await.expect("upload");
        assert_eq!(meta.content_type, "application/pdf");
        assert_eq!(std::fs::read(dir.path().join("attachments").join(&meta.key)).expect("stored"), pdf);
        assert_eq!((meta.size, meta.sha256), (pdf.len() as u64, hex::encode(Sha256::digest(&pdf))));
    }
}
