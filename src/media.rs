//! Listing photos: what a phone camera uploads, decoded under limits and re-encoded as two JPEGs
//! (a small thumbnail for lists and a detail image). The type is decided from the bytes alone;
//! orientation is applied; nothing of the original survives, so metadata such as a GPS position
//! is gone. Pure functions: the caller runs them off the async threads (`spawn_blocking`).

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};

/// The largest upload accepted, in bytes.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// The widest or tallest picture decoded, in pixels.
pub const MAX_SIDE: u32 = 12_000;
/// What a decoder may allocate at once (the decoded picture counts).
pub const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// The thumbnail's long side and its size budget.
pub const THUMB_SIDE: u32 = 320;
pub const THUMB_MAX_BYTES: usize = 25 * 1024;
/// The detail image's long side at most.
pub const DETAIL_SIDE: u32 = 1280;
const DETAIL_QUALITY: u8 = 82;

/// A photo as stored: two JPEGs without metadata, and the detail image's size.
#[derive(Debug, Clone)]
pub struct Processed {
    pub thumb: Vec<u8>,
    pub detail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Why an upload is refused; `Display` is the Indonesian message shown to the alumnus.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("Berkas foto kosong. Pilih foto yang akan diunggah.")]
    Empty,
    #[error("Foto terlalu besar: {mb} MB. Batasnya 10 MB; kirim foto dengan ukuran lebih kecil.")]
    TooLarge { mb: String },
    #[error(
        "Berkas ini bukan foto JPEG, PNG atau WebP (apa pun nama berkasnya). Pilih foto dari galeri atau kamera."
    )]
    NotAnImage,
    #[error(
        "Ukuran gambar terlalu besar untuk diproses ({width}×{height} piksel). Batasnya 12000×12000 piksel."
    )]
    TooManyPixels { width: u32, height: u32 },
    #[error("Foto rusak atau tidak lengkap sehingga tidak dapat dibaca. Coba unggah ulang.")]
    Damaged,
    #[error("Foto tidak dapat diproses. Coba foto lain.")]
    Encode,
}

/// The photo formats accepted, recognised by their signature bytes.
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

fn megabytes(n: usize) -> String {
    let tenths = (n as u64 * 10).div_ceil(1024 * 1024);
    format!("{},{}", tenths / 10, tenths % 10)
}

fn classify(e: ImageError, width: u32, height: u32) -> PhotoError {
    match e {
        ImageError::Limits(_) => PhotoError::TooManyPixels { width, height },
        ImageError::Unsupported(_) => PhotoError::NotAnImage,
        _ => PhotoError::Damaged,
    }
}

/// Decodes (within the limits), applies the orientation, and re-encodes a thumbnail of about
/// 320 px no larger than 25 KB and a detail image of at most 1280 px.
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(PhotoError::TooLarge {
            mb: megabytes(bytes.len()),
        });
    }
    let format = sniff(bytes).ok_or(PhotoError::NotAnImage)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    // A decoder reads only the header here; a declared size over the limits stops it.
    let mut decoder = reader.into_decoder().map_err(|e| classify(e, 0, 0))?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(PhotoError::Damaged);
    }
    if width > MAX_SIDE || height > MAX_SIDE || decoder.total_bytes() > MAX_ALLOC {
        return Err(PhotoError::TooManyPixels { width, height });
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut picture =
        DynamicImage::from_decoder(decoder).map_err(|e| classify(e, width, height))?;
    picture.apply_orientation(orientation);
    let rgb = flatten(picture);
    let detail_image = fit(&rgb, DETAIL_SIDE);
    let detail = encode(&detail_image, DETAIL_QUALITY)?;
    let thumb = thumbnail(&detail_image)?;
    Ok(Processed {
        thumb,
        detail,
        width: detail_image.width(),
        height: detail_image.height(),
    })
}

/// RGB, with any transparency laid over white (JPEG has no alpha).
fn flatten(picture: DynamicImage) -> RgbImage {
    if !picture.color().has_alpha() {
        return picture.into_rgb8();
    }
    let rgba = picture.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut out = RgbImage::new(w, h);
    for (src, dst) in rgba.pixels().zip(out.pixels_mut()) {
        let a = u32::from(src[3]);
        for c in 0..3 {
            dst[c] = ((u32::from(src[c]) * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
    out
}

/// The picture scaled down so its long side is at most `side` (never scaled up).
fn fit(rgb: &RgbImage, side: u32) -> RgbImage {
    let (w, h) = rgb.dimensions();
    if w.max(h) <= side {
        return rgb.clone();
    }
    let (nw, nh) = if w >= h {
        (
            side,
            ((u64::from(h) * u64::from(side)) / u64::from(w)).max(1) as u32,
        )
    } else {
        (
            ((u64::from(w) * u64::from(side)) / u64::from(h)).max(1) as u32,
            side,
        )
    };
    image::imageops::thumbnail(rgb, nw, nh)
}

fn encode(rgb: &RgbImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(rgb)
        .map_err(|_| PhotoError::Encode)?;
    Ok(out)
}

/// The thumbnail: quality lowered step by step until it fits the budget, then the size.
fn thumbnail(detail: &RgbImage) -> Result<Vec<u8>, PhotoError> {
    let mut side = THUMB_SIDE;
    loop {
        let small = fit(detail, side);
        for quality in [80u8, 70, 60, 50, 40, 30] {
            let bytes = encode(&small, quality)?;
            if bytes.len() <= THUMB_MAX_BYTES {
                return Ok(bytes);
            }
        }
        if side <= 80 {
            return encode(&small, 20);
        }
        side -= 40;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, Rgba, RgbaImage};

    /// A noisy picture (noise compresses badly, so the size budget is really exercised).
    fn noisy(w: u32, h: u32) -> RgbImage {
        let mut seed: u32 = 12345;
        RgbImage::from_fn(w, h, |x, y| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let n = (seed >> 16) as u8;
            Rgb([n, (x % 256) as u8 ^ (n / 2), (y % 256) as u8])
        })
    }

    fn jpeg(rgb: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 95)
            .encode_image(rgb)
            .unwrap();
        out
    }

    /// An EXIF APP1 segment (big-endian TIFF) with an orientation and a GPS latitude.
    fn exif_app1(orientation: u16) -> Vec<u8> {
        let mut tiff: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
        // IFD0 at 8: two entries, then the next-IFD offset; the GPS IFD follows at 38.
        tiff.extend_from_slice(&2u16.to_be_bytes());
        tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
        tiff.extend_from_slice(&orientation.to_be_bytes());
        tiff.extend_from_slice(&[0, 0]);
        tiff.extend_from_slice(&[0x88, 0x25, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 38]);
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        // GPS IFD: GPSLatitudeRef "S".
        tiff.extend_from_slice(&1u16.to_be_bytes());
        tiff.extend_from_slice(&[0x00, 0x01, 0x00, 0x02, 0, 0, 0, 2, b'S', 0, 0, 0]);
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        let mut payload = b"Exif\x00\x00".to_vec();
        payload.extend_from_slice(&tiff);
        payload.extend_from_slice(b"GPS position of the house");
        let mut seg = vec![0xFF, 0xE1];
        seg.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        seg.extend_from_slice(&payload);
        seg
    }

    fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&exif_app1(orientation));
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_camera_photo_becomes_a_thumbnail_and_a_detail_image() {
        let p = process(&jpeg(&noisy(2000, 1500))).unwrap();
        assert_eq!((p.width, p.height), (1280, 960));
        assert!(p.thumb.len() <= THUMB_MAX_BYTES, "{}", p.thumb.len());
        let thumb = image::load_from_memory(&p.thumb).unwrap();
        assert!(thumb.width().max(thumb.height()) <= THUMB_SIDE);
        assert!(thumb.width() >= 200);
        let detail = image::load_from_memory(&p.detail).unwrap();
        assert_eq!((detail.width(), detail.height()), (1280, 960));
        assert_eq!(sniff(&p.thumb), Some(ImageFormat::Jpeg));
    }

    #[test]
    fn small_pictures_are_not_enlarged() {
        let p = process(&jpeg(&noisy(200, 100))).unwrap();
        assert_eq!((p.width, p.height), (200, 100));
    }

    #[test]
    fn orientation_is_applied_and_exif_with_gps_is_gone() {
        let raw = with_exif(&jpeg(&noisy(64, 32)), 6);
        assert!(contains(&raw, b"Exif") && contains(&raw, b"GPS"));
        let p = process(&raw).unwrap();
        // Orientation 6: rotate 90° clockwise, so the wide picture stands up.
        assert_eq!((p.width, p.height), (32, 64));
        for out in [&p.thumb, &p.detail] {
            assert!(!contains(out, b"Exif"));
            assert!(!contains(out, b"GPS"));
            assert!(!contains(out, &[0xFF, 0xE1]), "an APP1 segment survived");
        }
    }

    #[test]
    fn png_and_webp_with_transparency_are_accepted() {
        let rgba = RgbaImage::from_fn(40, 30, |x, _| Rgba([200, 10, 10, (x * 6) as u8]));
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(rgba.as_raw(), 40, 30, image::ExtendedColorType::Rgba8)
            .unwrap();
        let p = process(&png).unwrap();
        assert_eq!((p.width, p.height), (40, 30));
        let mut webp = Vec::new();
        image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
            .write_image(rgba.as_raw(), 40, 30, image::ExtendedColorType::Rgba8)
            .unwrap();
        assert_eq!(sniff(&webp), Some(ImageFormat::WebP));
        assert_eq!(process(&webp).unwrap().width, 40);
    }

    #[test]
    fn what_is_not_a_photo_is_refused_whatever_its_name() {
        assert_eq!(process(b"").unwrap_err(), PhotoError::Empty);
        assert_eq!(
            process(b"ini bukan foto, hanya teks biasa").unwrap_err(),
            PhotoError::NotAnImage
        );
        // A GIF is an image, but not one of the accepted kinds.
        assert_eq!(
            process(b"GIF89a\x01\x00\x01\x00").unwrap_err(),
            PhotoError::NotAnImage
        );
        // The right signature and then garbage.
        let mut broken = jpeg(&noisy(50, 50));
        broken.truncate(40);
        assert!(matches!(
            process(&broken),
            Err(PhotoError::Damaged | PhotoError::NotAnImage)
        ));
        assert!(PhotoError::NotAnImage.to_string().contains("bukan foto"));
    }

    #[test]
    fn an_upload_over_ten_megabytes_is_refused_before_decoding() {
        let mut big = vec![0u8; MAX_BYTES + 1];
        big[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
        let e = process(&big).unwrap_err();
        assert!(matches!(e, PhotoError::TooLarge { .. }));
        assert!(e.to_string().contains("10 MB"), "{e}");
    }

    /// A PNG header declaring 50000×50000 pixels (10 GB decoded) is refused at once.
    #[test]
    fn a_decompression_bomb_is_refused_quickly() {
        let bomb = png_bomb(50_000, 50_000);
        let started = std::time::Instant::now();
        let e = process(&bomb).unwrap_err();
        assert!(matches!(e, PhotoError::TooManyPixels { .. }), "{e:?}");
        assert!(started.elapsed().as_secs() < 2);
        // Inside the side limit but over the memory budget.
        assert!(matches!(
            process(&png_bomb(11_000, 11_000)),
            Err(PhotoError::TooManyPixels { .. })
        ));
    }

    /// A PNG that declares a huge size: the header, and one IDAT of compressed zero rows.
    pub(crate) fn png_bomb(w: u32, h: u32) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            out.extend_from_slice(&body);
            out.extend_from_slice(&crc32(&body).to_be_bytes());
        }
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(&mut out, b"IHDR", &ihdr);
        // A stored (uncompressed) zlib block of zeros is enough to look like a start.
        chunk(
            &mut out,
            b"IDAT",
            &[0x78, 0x01, 0x01, 0x00, 0x01, 0xFF, 0xFE, 0x00],
        );
        chunk(&mut out, b"IEND", &[]);
        out
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}

/// A QR code as a PNG to save on a phone (a payment app reads it from the gallery): black
/// modules of `module` pixels on white, with the 4-module quiet zone. `None` if the text does
/// not fit a QR code or the image cannot be encoded.
pub fn qr_png(text: &str, module: u32) -> Option<Vec<u8>> {
    use qrcode::{Color, EcLevel, QrCode};
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    const QUIET: u32 = 4;
    let width = u32::try_from(code.width()).ok()?;
    let side = (width + 2 * QUIET) * module;
    let colors = code.to_colors();
    let image = image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / module, y / module);
        let dark = mx >= QUIET
            && my >= QUIET
            && mx < QUIET + width
            && my < QUIET + width
            && colors[((my - QUIET) * width + (mx - QUIET)) as usize] == Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).ok()?;
    Some(out.into_inner())
}

#[cfg(test)]
mod qr_tests {
    #[test]
    fn a_qr_png_is_a_png_with_its_quiet_zone() {
        let png = super::qr_png("00020101021126", 4).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        let image = image::load_from_memory(&png).unwrap().to_luma8();
        assert_eq!(image.width(), image.height());
        assert_eq!(image.get_pixel(0, 0).0, [255]);
        // The finder pattern's corner, just inside the quiet zone, is dark.
        assert_eq!(image.get_pixel(16, 16).0, [0]);
    }
}
