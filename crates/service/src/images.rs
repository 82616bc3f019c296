//! Photos are decoded and encoded again before they are kept, so that nothing but the
//! pixels survives: no EXIF (GPS position, camera, time), XMP, IPTC, comments, ICC
//! profile or any other embedded chunk (docs/DOMAIN.md §9). The EXIF orientation is applied
//! to the pixels first, so the photo still looks the way it was taken; very large
//! photos are scaled down.
//!
//! Decoding is bounded: an image of more than [`MAX_PIXELS`], or whose pixels would need
//! more than [`MAX_DECODE_BYTES`], is refused from its header alone, before anything is
//! allocated for it (a "decompression bomb" is a clear refusal, not an outage).

use crate::error::{AppError, AppResult};
use aduan_domain::Refusal;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The most pixels a photo may have (width × height).
pub(crate) const MAX_PIXELS: u64 = 40_000_000;
/// The longest side a photo may have, whatever its area.
pub(crate) const MAX_SIDE: u32 = 40_000;
/// The most memory the decoded pixels of one photo may take.
pub(crate) const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// Photos longer than this on their longest side are scaled down to it.
pub(crate) const MAX_EDGE: u32 = 2560;
/// The quality JPEG photos are encoded with again.
pub(crate) const JPEG_QUALITY: u8 = 85;

/// How many photos are decoded and encoded at once: each may hold a few hundred MB.
static REENCODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// [`reencode`] off the async workers, a few at a time.
pub(crate) async fn reencode_blocking(content_type: &'static str, bytes: Vec<u8>) -> AppResult<Vec<u8>> {
    let _permit =
        REENCODING.acquire().await.map_err(|e| AppError::Internal(format!("image re-encoding closed: {e}")))?;
    tokio::task::spawn_blocking(move || reencode(content_type, &bytes))
        .await
        .map_err(|e| AppError::Internal(format!("image re-encoding failed: {e}")))?
}

/// Decodes an image of `content_type` (JPEG, PNG or WebP) and encodes its pixels again in
/// the same format, upright, at most [`MAX_EDGE`] pixels long, without any metadata.
pub(crate) fn reencode(content_type: &str, bytes: &[u8]) -> AppResult<Vec<u8>> {
    let format = match content_type {
        "image/jpeg" => ImageFormat::Jpeg,
        "image/png" => ImageFormat::Png,
        "image/webp" => ImageFormat::WebP,
        other => return Err(AppError::Unsupported(format!("{other} is not a photo format"))),
    };
    let mut image = decode(format, bytes)?;
    let (width, height) = (image.width(), image.height());
    if width.max(height) > MAX_EDGE {
        // An area average: it allocates only the result (a filtered resize would need a
        // float copy of the whole photo) and is sharp enough for photos of evidence.
        image = image.thumbnail(MAX_EDGE, MAX_EDGE);
    }
    encode(format, &image)
}

fn limits(max_alloc: u64) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(max_alloc);
    limits
}

/// The upright pixels of a photo, checked against the limits before they are decoded.
fn decode(format: ImageFormat, bytes: &[u8]) -> AppResult<DynamicImage> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits(MAX_DECODE_BYTES));
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    // The JPEG decoder is lenient: a photo cut short is filled with grey, so it is refused here.
    if format == ImageFormat::Jpeg && !jpeg_has_an_end(bytes) {
        return Err(Refusal::invalid("file", "the image cannot be read: the JPEG is cut short (it has no end)").into());
    }
    let (width, height) = decoder.dimensions();
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(AppError::TooLarge(format!(
            "the photo is {width}×{height} pixels; at most {} megapixels are accepted",
            MAX_PIXELS / 1_000_000
        )));
    }
    let needed = decoder.total_bytes();
    if needed > MAX_DECODE_BYTES {
        return Err(AppError::TooLarge(format!(
            "the photo ({width}×{height} pixels, {} bits a pixel) is too large to process",
            u64::from(decoder.color_type().bits_per_pixel())
        )));
    }
    // What is left of the budget for the decoder's own work, as `ImageReader::decode` does.
    decoder.set_limits(limits(MAX_DECODE_BYTES - needed)).map_err(unreadable)?;
    // Read before decoding: the orientation lives in the EXIF that is about to be lost.
    // A damaged EXIF block only costs the orientation, not the photo.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// The pixels alone in `format`: the encoders are given no EXIF, ICC profile or text.
fn encode(format: ImageFormat, image: &DynamicImage) -> AppResult<Vec<u8>> {
    let mut out = Vec::new();
    let written = match format {
        ImageFormat::Jpeg => image.write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)),
        ImageFormat::Png => image.write_with_encoder(PngEncoder::new(&mut out)),
        // The only WebP encoder at hand is lossless: pixels are kept exactly, files grow.
        ImageFormat::WebP => image.write_with_encoder(WebPEncoder::new_lossless(&mut out)),
        other => return Err(AppError::Internal(format!("no encoder for {other:?}"))),
    };
    written.map_err(|e| AppError::Internal(format!("the photo could not be encoded again: {e}")))?;
    Ok(out)
}

/// Whether a JPEG has an end-of-image marker after its first scan begins. Segments before
/// the scan are skipped by their length (an EXIF thumbnail has an end of its own); in the
/// scan data, 0xFF is always escaped, so 0xFF 0xD9 there is the marker.
fn jpeg_has_an_end(jpeg: &[u8]) -> bool {
    let mut at = 2;
    loop {
        // Like the decoder, step over fill bytes and stray bytes between segments.
        while jpeg.get(at).is_some_and(|&b| b != 0xFF) || jpeg.get(at..at + 2) == Some(&[0xFF, 0xFF]) {
            at += 1;
        }
        let (Some(0xFF), Some(&marker), Some(&[high, low])) =
            (jpeg.get(at), jpeg.get(at + 1), jpeg.get(at + 2..at + 4))
        else {
            return false;
        };
        at += 2 + usize::from(u16::from_be_bytes([high, low]));
        if marker == 0xDA {
            break;
        }
    }
    jpeg.get(at..).is_some_and(|scan| scan.windows(2).any(|w| w == [0xFF, 0xD9]))
}

/// A decoding error as an answer: limits are "too large", anything else "cannot be read".
fn unreadable(e: ImageError) -> AppError {
    match e {
        ImageError::Limits(e) => AppError::TooLarge(format!(
            "the photo is too large to process ({e}); at most {} megapixels are accepted",
            MAX_PIXELS / 1_000_000
        )),
        e => Refusal::invalid("file", format!("the image cannot be read: {e}")).into(),
    }
}

/// Photos made in memory, and the metadata to hide in them.
#[cfg(test)]
pub(super) mod samples {
    use image::codecs::jpeg::JpegEncoder;
    use image::codecs::png::PngEncoder;
    use image::codecs::webp::WebPEncoder;
    use image::{DynamicImage, ImageEncoder, Rgb, RgbImage};

    /// Strings hidden in the metadata of the samples; none may survive.
    pub const SECRETS: [&[u8]; 6] =
        [b"Exif", b"KAMERA-RAHASIA", b"GPS -0.5012", b"xmpmeta", b"ICC_PROFILE", b"ICC-RAHASIA"];

    /// A photo of `width` × `height` with a red top-left corner and a blue bottom-right
    /// one on a grey-green gradient, so turns and flips can be told apart.
    pub fn photo(width: u32, height: u32) -> DynamicImage {
        let corner = (width.min(height) / 4).max(1);
        DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| {
            if x < corner && y < corner {
                Rgb([250, 0, 0])
            } else if x >= width - corner && y >= height - corner {
                Rgb([0, 0, 250])
            } else {
                Rgb([(x * 100 / width) as u8 + 60, (y * 100 / height) as u8 + 100, 90])
            }
        }))
    }

    /// A little-endian EXIF (TIFF) block: the camera, an orientation and a GPS position.
    pub fn exif(orientation: u16) -> Vec<u8> {
        fn entry(t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]) {
            t.extend(tag.to_le_bytes());
            t.extend(kind.to_le_bytes());
            t.extend(count.to_le_bytes());
            t.extend(value);
        }
        let make = b"KAMERA-RAHASIA\0";
        let mut t = b"II*\0".to_vec();
        t.extend(8u32.to_le_bytes());
        // IFD0 at 8 (3 entries, ends at 50): Make, Orientation, the GPS IFD's offset.
        t.extend(3u16.to_le_bytes());
        entry(&mut t, 0x010F, 2, make.len() as u32, 104u32.to_le_bytes());
        let [a, b] = orientation.to_le_bytes();
        entry(&mut t, 0x0112, 3, 1, [a, b, 0, 0]);
        entry(&mut t, 0x8825, 4, 1, 50u32.to_le_bytes());
        t.extend(0u32.to_le_bytes());
        // GPS IFD at 50 (2 entries, ends at 80): south, 0° 30' 12.34".
        t.extend(2u16.to_le_bytes());
        entry(&mut t, 0x0001, 2, 2, *b"S\0\0\0");
        entry(&mut t, 0x0002, 5, 3, 80u32.to_le_bytes());
        t.extend(0u32.to_le_bytes());
        for (n, d) in [(0u32, 1u32), (30, 1), (1234, 100)] {
            t.extend(n.to_le_bytes());
            t.extend(d.to_le_bytes());
        }
        t.extend(make);
        t
    }

    /// A JPEG with EXIF (orientation, GPS), an ICC profile, XMP and a comment.
    pub fn jpeg_with_metadata(image: &DynamicImage, orientation: u16) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = JpegEncoder::new_with_quality(&mut out, 95);
        encoder.set_exif_metadata(exif(orientation)).expect("exif");
        encoder.set_icc_profile(b"ICC-RAHASIA".repeat(20)).expect("icc");
        image.write_with_encoder(encoder).expect("encode");
        // XMP in a second APP1 and a comment, spliced in right after SOI.
        let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>0,30.2S</exif:GPSLatitude></x:xmpmeta>";
        let comment = b"GPS -0.5012 117.15";
        let mut spliced = out[..2].to_vec();
        for (marker, body) in [(0xE1u8, &xmp[..]), (0xFE, &comment[..])] {
            spliced.extend([0xFF, marker]);
            spliced.extend(((body.len() + 2) as u16).to_be_bytes());
            spliced.extend(body);
        }
        spliced.extend(&out[2..]);
        spliced
    }

    pub fn png(image: &DynamicImage, exif: Option<Vec<u8>>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = PngEncoder::new(&mut out);
        if let Some(exif) = exif {
            encoder.set_exif_metadata(exif).expect("exif");
        }
        image.write_with_encoder(encoder).expect("encode");
        out
    }

    pub fn webp(image: &DynamicImage, exif: Option<Vec<u8>>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = WebPEncoder::new_lossless(&mut out);
        if let Some(exif) = exif {
            encoder.set_exif_metadata(exif).expect("exif");
        }
        image.write_with_encoder(encoder).expect("encode");
        out
    }

    /// A PNG chunk: length, type, data, CRC.
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc = !0u32;
        for &byte in kind.iter().chain(data) {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { 0xEDB8_8320 ^ (crc >> 1) } else { crc >> 1 };
            }
        }
        out.extend(kind);
        out.extend(data);
        out.extend((!crc).to_be_bytes());
    }

    /// A tiny PNG that claims to be `width` × `height` RGB pixels: a decompression bomb's
    /// header (its IDAT is a valid, empty zlib stream).
    pub fn png_bomb(width: u32, height: u32) -> Vec<u8> {
        png_header(width, height, 8, 2)
    }

    /// A PNG header of `width` × `height` pixels of `bits` in PNG colour type `colour`.
    pub fn png_header(width: u32, height: u32, bits: u8, colour: u8) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = width.to_be_bytes().to_vec();
        ihdr.extend(height.to_be_bytes());
        ihdr.extend([bits, colour, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(&mut out, b"IDAT", &[0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01]);
        chunk(&mut out, b"IEND", &[]);
        out
    }

    /// A real JPEG whose frame header now claims `width` × `height`.
    pub fn jpeg_bomb(width: u16, height: u16) -> Vec<u8> {
        let mut out = Vec::new();
        photo(16, 16).write_with_encoder(JpegEncoder::new(&mut out)).expect("encode");
        let sof = out.windows(2).position(|w| w == [0xFF, 0xC0]).expect("SOF0");
        out[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
        out[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
        out
    }

    /// The segments of a JPEG before its image data, as (marker, body).
    pub fn jpeg_segments(jpeg: &[u8]) -> Vec<(u8, &[u8])> {
        assert_eq!(&jpeg[..2], [0xFF, 0xD8], "SOI");
        let mut at = 2;
        let mut out = Vec::new();
        while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
            let marker = jpeg[at + 1];
            let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
            out.push((marker, &jpeg[at + 4..at + 2 + len]));
            if marker == 0xDA {
                break;
            }
            at += 2 + len;
        }
        out
    }

    /// The chunk types of a PNG, or of a WebP's RIFF container.
    pub fn chunk_types(bytes: &[u8]) -> Vec<String> {
        let (mut at, big_endian, header) = if bytes.starts_with(b"\x89PNG") { (8, true, 4) } else { (12, false, 0) };
        let mut out = Vec::new();
        while at + 8 <= bytes.len() {
            let n: [u8; 4] = bytes[at..at + 4].try_into().expect("4 bytes");
            let len = if big_endian { u32::from_be_bytes(n) } else { u32::from_le_bytes(n) } as usize;
            let kind = if big_endian { &bytes[at + 4..at + 8] } else { &bytes[at..at + 4] };
            out.push(String::from_utf8_lossy(kind).into_owned());
            let (kind_and_len, crc) = (8, header);
            at += kind_and_len + len + crc + if big_endian { 0 } else { len % 2 };
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::samples::*;
    use super::*;
    use image::{GenericImageView, ImageReader};

    fn decoded(bytes: &[u8]) -> DynamicImage {
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().expect("guess").decode().expect("decodes")
    }

    fn assert_no_secrets(bytes: &[u8]) {
        for secret in SECRETS {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret),
                "{:?} survived",
                String::from_utf8_lossy(secret)
            );
        }
    }

    /// Red, green and blue of a pixel, each within `slack` of what is wanted (JPEG is lossy).
    fn near(image: &DynamicImage, x: u32, y: u32, want: [u8; 3]) -> bool {
        let p = image.get_pixel(x, y).0;
        (0..3).all(|i| p[i].abs_diff(want[i]) <= 40)
    }

    #[test]
    fn a_jpeg_loses_exif_gps_xmp_icc_and_comments() {
        let original = jpeg_with_metadata(&photo(64, 48), 1);
        for secret in SECRETS {
            assert!(original.windows(secret.len()).any(|w| w == secret), "{}", String::from_utf8_lossy(secret));
        }
        let clean = reencode("image/jpeg", &original).expect("re-encoded");
        assert_no_secrets(&clean);
        let markers: Vec<u8> = jpeg_segments(&clean).iter().map(|(m, _)| *m).collect();
        assert!(markers.iter().all(|m| !(0xE1..=0xEF).contains(m) && *m != 0xFE), "{markers:x?}");
        let image = decoded(&clean);
        assert_eq!(image.dimensions(), (64, 48));
        assert!(near(&image, 2, 2, [250, 0, 0]) && near(&image, 61, 45, [0, 0, 250]), "the same picture");
        let mut decoder = ImageReader::new(Cursor::new(&clean))
            .with_guessed_format()
            .expect("guess")
            .into_decoder()
            .expect("decoder");
        assert_eq!(decoder.exif_metadata().expect("read"), None);
        assert_eq!(decoder.icc_profile().expect("read"), None);
    }

    #[test]
    fn orientation_6_is_applied_to_the_pixels() {
        // 6: the camera was turned a quarter clockwise; viewers turn the picture to show it.
        let clean = reencode("image/jpeg", &jpeg_with_metadata(&photo(64, 32), 6)).expect("re-encoded");
        let image = decoded(&clean);
        assert_eq!(image.dimensions(), (32, 64), "width and height swapped");
        // Turned clockwise: the red top-left corner is now top-right, blue bottom-right now bottom-left.
        assert!(near(&image, 29, 2, [250, 0, 0]), "{:?}", image.get_pixel(29, 2));
        assert!(near(&image, 2, 61, [0, 0, 250]), "{:?}", image.get_pixel(2, 61));
        // Nothing is left to turn it a second time.
        assert_no_secrets(&clean);
    }

    #[test]
    fn png_and_webp_lose_their_exif_and_keep_their_pixels() {
        let picture = photo(40, 30);
        for (content_type, original) in
            [("image/png", png(&picture, Some(exif(1)))), ("image/webp", webp(&picture, Some(exif(1))))]
        {
            assert!(original.windows(14).any(|w| w == b"KAMERA-RAHASIA"), "{content_type} sample has EXIF");
            let clean = reencode(content_type, &original).expect("re-encoded");
            assert_no_secrets(&clean);
            let chunks = chunk_types(&clean);
            let allowed: &[&str] = if content_type == "image/png" { &["IHDR", "IDAT", "IEND"] } else { &["VP8L"] };
            assert!(chunks.iter().all(|c| allowed.contains(&c.as_str())), "{content_type}: {chunks:?}");
            // Both are lossless: the very same pixels.
            assert_eq!(decoded(&clean).to_rgb8(), picture.to_rgb8(), "{content_type}");
        }
    }

    #[test]
    fn webp_orientation_is_applied_too() {
        let clean = reencode("image/webp", &webp(&photo(40, 30), Some(exif(6)))).expect("re-encoded");
        let image = decoded(&clean);
        assert_eq!(image.dimensions(), (30, 40));
        assert!(near(&image, 28, 1, [250, 0, 0]));
    }

    #[test]
    fn large_photos_are_scaled_down_keeping_their_shape() {
        let clean = reencode("image/png", &png(&photo(3000, 1200), None)).expect("re-encoded");
        assert_eq!(decoded(&clean).dimensions(), (MAX_EDGE, 1024));
        let small = reencode("image/png", &png(&photo(2560, 100), None)).expect("re-encoded");
        assert_eq!(decoded(&small).dimensions(), (2560, 100), "at the limit: untouched");
    }

    #[test]
    fn what_does_not_decode_is_refused() {
        // SOI, an APP1 "Exif", a scan without a frame header, EOI: not a picture.
        let mut fake = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x16];
        fake.extend_from_slice(b"Exif\0\0GPS -0.5012 117");
        fake.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0x33, 0xFF, 0xD9]);
        let jpeg = jpeg_with_metadata(&photo(64, 48), 1);
        let sos = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).expect("SOS");
        let png = png(&photo(8, 8), None);
        let cases: [(&str, &[u8]); 7] = [
            ("image/jpeg", &fake),
            ("image/jpeg", &jpeg[..sos]),
            // Cut in the middle of the picture, or just before its end.
            ("image/jpeg", &jpeg[..(sos + jpeg.len()) / 2]),
            ("image/jpeg", &jpeg[..jpeg.len() - 2]),
            ("image/png", &png[..png.len() / 2]),
            ("image/png", b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR garbage garbage"),
            ("image/webp", b"RIFF\x20\0\0\0WEBPVP8 \x14\0\0\0garbage garbage garb"),
        ];
        for (content_type, bytes) in cases {
            match reencode(content_type, bytes) {
                Err(AppError::Refused(Refusal::Invalid { field, message })) => {
                    assert_eq!(field, "file");
                    assert!(message.starts_with("the image cannot be read"), "{message}");
                }
                other => panic!("{content_type} {bytes:x?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_complete_jpeg_with_trailing_bytes_is_kept() {
        // Phones append data after the end (a second picture, maker data): the photo is whole.
        let mut jpeg = jpeg_with_metadata(&photo(64, 48), 1);
        assert!(jpeg_has_an_end(&jpeg));
        jpeg.extend_from_slice(b"\xFF\xD8 trailing maker data");
        let clean = reencode("image/jpeg", &jpeg).expect("re-encoded");
        assert_eq!(decoded(&clean).dimensions(), (64, 48));
        assert!(!clean.ends_with(b"maker data"));

        // A segment one byte longer than it says (a stray byte before the next marker)
        // is stepped over, as the decoder does.
        let mut sloppy = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x16];
        sloppy.extend_from_slice(b"Exif\0\0GPS -0.5012 117");
        sloppy.extend_from_slice(&jpeg[2..]);
        assert!(jpeg_has_an_end(&sloppy));
        let clean = reencode("image/jpeg", &sloppy).expect("re-encoded");
        assert_no_secrets(&clean);
    }

    #[test]
    fn decompression_bombs_are_refused_from_their_header() {
        for bomb in [png_bomb(50_000, 50_000), png_bomb(20_000, 20_000), png_bomb(MAX_SIDE, 1001)] {
            match reencode("image/png", &bomb) {
                Err(AppError::TooLarge(message)) => assert!(message.contains("40 megapixels"), "{message}"),
                other => panic!("{other:?}"),
            }
        }
        for bomb in [jpeg_bomb(60_000, 60_000), jpeg_bomb(10_000, 10_000)] {
            assert!(matches!(reencode("image/jpeg", &bomb), Err(AppError::TooLarge(_))));
        }
        // Under 40 megapixels, but 16-bit RGBA: 288 MB of pixels.
        match reencode("image/png", &png_header(6_000, 6_000, 16, 6)) {
            Err(AppError::TooLarge(message)) => assert!(message.contains("too large to process"), "{message}"),
            other => panic!("{other:?}"),
        }
    }
}
