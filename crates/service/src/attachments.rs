//! Attachments: uploaded first, then named by key when a report, answer or reply is
//! saved. The type is judged from the content, never from the file name, and images
//! lose their EXIF and other embedded metadata (GPS included, DOMAIN.md §9) before they
//! are kept.

use crate::app::App;
use crate::error::{AppError, AppResult};
use crate::secrets::new_secret;
use aduan_domain::Refusal;
use aduan_domain::event::Event;
use aduan_domain::ids::ReportId;
use aduan_domain::permission::Actor;
use aduan_domain::report::AttachmentMeta;
use img_parts::{Bytes, ImageEXIF};
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
        let bytes = if content_type.starts_with("image/") { strip_metadata(content_type, bytes)? } else { bytes };
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

/// Removes EXIF (with its GPS position), XMP, IPTC and comments from an image, keeping
/// the pixels untouched.
fn strip_metadata(content_type: &str, bytes: Vec<u8>) -> AppResult<Vec<u8>> {
    let bad = |e: img_parts::Error| Refusal::invalid("file", format!("the image cannot be read: {e}"));
    let input = Bytes::from(bytes);
    let out = match content_type {
        "image/jpeg" => {
            use img_parts::jpeg::{Jpeg, markers};
            let mut jpeg = Jpeg::from_bytes(input).map_err(bad)?;
            for marker in [markers::APP1, markers::APP13, markers::COM] {
                jpeg.remove_segments_by_marker(marker);
            }
            jpeg.encoder().bytes()
        }
        "image/png" => {
            use img_parts::png::Png;
            let mut png = Png::from_bytes(input).map_err(bad)?;
            png.set_exif(None);
            for kind in [*b"tEXt", *b"zTXt", *b"iTXt", *b"eXIf", *b"tIME"] {
                png.remove_chunks_by_type(kind);
            }
            png.encoder().bytes()
        }
        "image/webp" => {
            use img_parts::webp::WebP;
            let mut webp = WebP::from_bytes(input).map_err(bad)?;
            webp.set_exif(None);
            webp.remove_chunks_by_id(*b"XMP ");
            webp.encoder().bytes()
        }
        _ => input,
    };
    Ok(out.to_vec())
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

    #[test]
    fn exif_leaves_a_jpeg() {
        // SOI, APP1 "Exif" with a fake GPS payload, a tiny SOS with entropy, EOI.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10];
        jpeg.extend_from_slice(b"Exif\0\0GPS-7.123");
        jpeg.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0xFF, 0xD9]);
        let clean = strip_metadata("image/jpeg", jpeg).expect("strip");
        assert!(!clean.windows(4).any(|w| w == b"Exif"), "{clean:?}");
        assert!(!clean.windows(3).any(|w| w == b"GPS"));
        assert_eq!(&clean[..2], &[0xFF, 0xD8]);
    }
}
