//! Procurement documents (Surat Pesanan, SPK, bukti pembelian, kuitansi, BAST, invoice) and the
//! alumni track record as PDF.
//!
//! Plain data in, bytes out: no SQL, no HTTP. A4 portrait with the district's letterhead, an item
//! table that flows onto further pages, totals with tax lines, the amount in words, and up to
//! three signatures side by side. Text is set in Liberation Sans (metric-compatible with
//! Helvetica, SIL OFL; `assets/fonts/`), embedded as a subset of the glyphs used, so every viewer
//! renders the same letters and every word stays extractable text.

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Line as PathLine, LinePoint, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, RawImage, RawImageData, RawImageFormat,
    Rect, Rgb, TextItem, TextMatrix, XObjectId, XObjectTransform,
};

use crate::domain::rupiah::group_thousands;

/// The district's letterhead (kop surat).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letterhead {
    /// "PEMERINTAH KABUPATEN TANJUNG JABUNG TIMUR"
    pub government: String,
    /// "DINAS TENAGA KERJA DAN TRANSMIGRASI"
    pub office: String,
    /// Street, phone, e-mail: one line, wrapped when long.
    pub address: String,
    /// A further line under the address ("Telepon … · Email … · Kode Pos …"); empty for none.
    pub contact: String,
    /// PNG (or JPEG/WebP) bytes of the district's emblem, drawn left of the text.
    pub logo_png: Option<Vec<u8>>,
}

/// One signature column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signature {
    /// "Pejabat Pengadaan"; a `\n` starts a new line.
    pub caption: String,
    pub name: String,
    pub nip: Option<String>,
    /// Printed above the caption. For the last column the document's `place_date` is used
    /// when this is `None`.
    pub place_date: Option<String>,
    /// A marked space for the stamp duty in the signing space ("Meterai Rp10.000").
    pub meterai: Option<String>,
}

/// One row of the item table. Amounts are whole Rupiah.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub unit_price: Option<i64>,
    pub total: Option<i64>,
}

/// A procurement document ready to print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub letterhead: Letterhead,
    /// "SURAT PESANAN"
    pub title: String,
    /// "027/SP/DISNAKERTRANS/XI/2026"
    pub number: String,
    /// "Muara Sabak, 28 November 2026": printed above the last signature.
    pub place_date: String,
    /// Paragraphs before the table.
    pub intro: Vec<String>,
    /// Label : value rows ("Penyedia", "Dapur Kue Siti (Karya #12)").
    pub facts: Vec<(String, String)>,
    pub lines: Vec<Line>,
    pub total: Option<i64>,
    /// "Satu juta dua ratus lima puluh ribu rupiah"
    pub amount_in_words: Option<String>,
    /// ("PPh Pasal 23 2%", 25000)
    pub tax_lines: Vec<(String, i64)>,
    pub net: Option<i64>,
    /// Paragraphs after the table.
    pub closing: Vec<String>,
    /// One to three signatures, side by side.
    pub signatures: Vec<Signature>,
    /// The reason a document was voided; printed as a red "DIBATALKAN: <reason>" banner (the
    /// prefix is not repeated when the text already starts with it) and a watermark.
    pub void_notice: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("Logo tidak dapat dibaca: {0}")]
    Logo(String),
    #[error("Dokumen memuat {0} tanda tangan; paling banyak 3.")]
    TooManySignatures(usize),
}

pub use crate::domain::rupiah::format_rupiah as rupiah;

/// Renders the document to PDF bytes.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    if doc.signatures.len() > 3 {
        return Err(PdfError::TooManySignatures(doc.signatures.len()));
    }
    let mut pdf = PdfDocument::new(format!("{} {}", doc.title, doc.number).trim_end());
    let fonts = FontIds::new();
    let logo = match &doc.letterhead.logo_png {
        Some(bytes) => {
            let (image, w, h) = decode_logo(bytes)?;
            Some((pdf.add_image(&image), w, h))
        }
        None => None,
    };

    let mut c = Canvas::new(&fonts);
    letterhead(&mut c, &doc.letterhead, logo.as_ref());
    if let Some(notice) = &doc.void_notice {
        void_banner(&mut c, notice);
    }
    title(&mut c, doc);
    for p in &doc.intro {
        c.paragraph(Face::Regular, BODY, p);
    }
    facts(&mut c, &doc.facts);
    table(&mut c, doc);
    if let Some(words) = &doc.amount_in_words {
        c.gap(4.0);
        c.paragraph(Face::Italic, BODY, &format!("Terbilang: {words}"));
    }
    if !doc.closing.is_empty() {
        c.gap(4.0);
    }
    for p in &doc.closing {
        c.paragraph(Face::Regular, BODY, p);
    }
    signatures(&mut c, doc);

    let pages = c.finish();
    let total = pages.len();
    let footer_left = if doc.number.trim().is_empty() {
        doc.title.clone()
    } else {
        format!("{} Nomor {}", doc.title, doc.number)
    };
    let pages = pages
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            let mut page = Canvas::new(&fonts);
            if doc.void_notice.is_some() {
                watermark(&mut page);
            }
            page.ops.extend(body);
            footer(&mut page, &footer_left, i + 1, total);
            page.ops
        })
        .collect::<Vec<_>>();
    Ok(save(pdf, &fonts, pages))
}

/// Embeds the fonts the pages use and writes the A4 pages out.
fn save(mut pdf: PdfDocument, fonts: &FontIds, pages: Vec<Vec<Op>>) -> Vec<u8> {
    embed_fonts(&mut pdf, fonts, &pages);
    let pages = pages
        .into_iter()
        .map(|ops| PdfPage::new(printpdf::Mm(210.0), printpdf::Mm(297.0), ops))
        .collect();
    pdf.with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}

// ---------------------------------------------------------------------------------------------
// Geometry (PDF points, origin bottom left).

const PAGE_W: f32 = 595.276;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 56.69; // 20 mm
const RIGHT: f32 = PAGE_W - 56.69;
const TOP: f32 = PAGE_H - 42.52; // 15 mm
const BOTTOM: f32 = 56.69; // body stops here; the footer sits below
const WIDTH: f32 = RIGHT - LEFT;

const BODY: f32 = 10.5;
const LEADING: f32 = 1.35;
const TABLE: f32 = 9.0;
const CELL_PAD: f32 = 4.0;

const BLACK: (f32, f32, f32) = (0.0, 0.0, 0.0);
const GREY: (f32, f32, f32) = (0.35, 0.35, 0.35);
const RED: (f32, f32, f32) = (0.78, 0.0, 0.0);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
    Italic,
}

const REGULAR_TTF: &[u8] = include_bytes!("../assets/fonts/LiberationSans-Regular.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../assets/fonts/LiberationSans-Bold.ttf");
const ITALIC_TTF: &[u8] = include_bytes!("../assets/fonts/LiberationSans-Italic.ttf");

/// The three faces, parsed once from the bundled TrueType files: their glyph map and advance
/// widths measure and place the text.
struct Faces {
    regular: ParsedFont,
    bold: ParsedFont,
    italic: ParsedFont,
}

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| {
        let parse = |bytes: &[u8]| {
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
                .expect("the bundled Liberation Sans files parse")
        };
        Faces {
            regular: parse(REGULAR_TTF),
            bold: parse(BOLD_TTF),
            italic: parse(ITALIC_TTF),
        }
    })
}

/// The font resource names the pages refer to; the fonts themselves are added once the pages
/// are drawn ([`embed_fonts`]), as subsets of the glyphs they use.
#[derive(Clone)]
struct FontIds {
    regular: FontId,
    bold: FontId,
    italic: FontId,
}

impl FontIds {
    fn new() -> FontIds {
        FontIds {
            regular: FontId("KaryaSans".into()),
            bold: FontId("KaryaSansBold".into()),
            italic: FontId("KaryaSansItalic".into()),
        }
    }

    fn get(&self, face: Face) -> PdfFontHandle {
        PdfFontHandle::External(match face {
            Face::Regular => self.regular.clone(),
            Face::Bold => self.bold.clone(),
            Face::Italic => self.italic.clone(),
        })
    }
}

/// Adds each face the pages use to the document, cut down to the glyphs they show (a few
/// kilobytes instead of 400). Should subsetting fail, the whole face is embedded.
fn embed_fonts(pdf: &mut PdfDocument, ids: &FontIds, pages: &[Vec<Op>]) {
    use std::collections::{BTreeMap, BTreeSet};
    let mut used: BTreeMap<String, BTreeSet<char>> = BTreeMap::new();
    for ops in pages {
        let mut current: Option<String> = None;
        for op in ops {
            match op {
                Op::SetFont {
                    font: PdfFontHandle::External(id),
                    ..
                } => current = Some(id.0.clone()),
                Op::ShowText { items } => {
                    if let Some(id) = &current {
                        let set = used.entry(id.clone()).or_default();
                        for item in items {
                            if let TextItem::Text(t) = item {
                                set.extend(t.chars());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for (id, face, bytes) in [
        (&ids.regular, Face::Regular, REGULAR_TTF),
        (&ids.bold, Face::Bold, BOLD_TTF),
        (&ids.italic, Face::Italic, ITALIC_TTF),
    ] {
        let Some(chars) = used.get(&id.0) else {
            continue;
        };
        let full = face.parsed();
        let mut glyphs: Vec<u16> = chars
            .iter()
            .filter_map(|c| full.lookup_glyph_index(*c as u32))
            .filter(|g| *g != 0)
            .collect();
        glyphs.sort_unstable();
        glyphs.dedup();
        glyphs.insert(0, 0);
        let font = subset(bytes, &glyphs)
            .and_then(|b| ParsedFont::from_bytes(&b, 0, &mut Vec::new()))
            .unwrap_or_else(|| full.clone());
        pdf.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::PdfFont::new(font));
    }
}

/// The TrueType font cut down to `glyphs` (the first being .notdef), with a Unicode cmap.
fn subset(bytes: &[u8], glyphs: &[u16]) -> Option<Vec<u8>> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{CmapTarget, SubsetProfile};
    let data = ReadScope::new(bytes).read::<FontData<'_>>().ok()?;
    let provider = data.table_provider(0).ok()?;
    allsorts::subset::subset(&provider, glyphs, &SubsetProfile::Pdf, CmapTarget::Unicode).ok()
}

impl Face {
    fn parsed(self) -> &'static ParsedFont {
        let f = faces();
        match self {
            Face::Regular => &f.regular,
            Face::Bold => &f.bold,
            Face::Italic => &f.italic,
        }
    }
}

/// The character as drawn: a non-breaking space as a space, one the face has no glyph for as
/// `?`.
fn drawable(face: Face, ch: char) -> char {
    if ch == '\u{a0}' {
        ' '
    } else if face.parsed().lookup_glyph_index(ch as u32).is_some() {
        ch
    } else {
        '?'
    }
}

/// Width of `s` in points, from the embedded face's advance widths.
fn text_width(face: Face, size: f32, s: &str) -> f32 {
    let font = face.parsed();
    let units: u32 = s
        .chars()
        .map(|ch| {
            font.lookup_glyph_index(drawable(face, ch) as u32)
                .and_then(|gid| font.get_glyph_width(gid))
                .map_or(0, u32::from)
        })
        .sum();
    units as f32 * size / f32::from(font.units_per_em.max(1))
}

/// Control characters other than `\n` become spaces so they do not print as `?`; `\r\n`
/// becomes `\n`. `wrap` breaks lines at `\n`.
fn clean(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

/// For text that must stay on one line: every control character becomes a space.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Greedy word wrap; `\n` forces a break, a word wider than the box is cut. A non-breaking
/// space (U+00A0) joins words that must stay on one line, such as a date.
fn wrap(face: Face, size: f32, text: &str, max: f32) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para
            .split(|c: char| c.is_whitespace() && c != '\u{a0}')
            .filter(|w| !w.is_empty())
        {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if text_width(face, size, &candidate) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            // The word alone: cut it if it is still too wide.
            let mut piece = String::new();
            for ch in word.chars() {
                piece.push(ch);
                if text_width(face, size, &piece) > max && piece.chars().count() > 1 {
                    piece.pop();
                    out.push(std::mem::take(&mut piece));
                    piece.push(ch);
                }
            }
            line = piece;
        }
        out.push(line);
    }
    out
}

/// The largest size up to `max` at which `s` fits in `width`.
fn fit(face: Face, max: f32, s: &str, width: f32) -> f32 {
    let w = text_width(face, max, s);
    if w <= width || w == 0.0 {
        max
    } else {
        (max * width / w).max(6.0)
    }
}

fn rgb((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

/// Page content being laid out top to bottom; `y` is the top of the next block.
struct Canvas {
    done: Vec<Vec<Op>>,
    ops: Vec<Op>,
    y: f32,
    fonts: FontIds,
}

impl Canvas {
    fn new(fonts: &FontIds) -> Self {
        Canvas {
            done: Vec::new(),
            ops: Vec::new(),
            y: TOP,
            fonts: fonts.clone(),
        }
    }

    fn finish(mut self) -> Vec<Vec<Op>> {
        self.done.push(self.ops);
        self.done
    }

    fn new_page(&mut self) {
        self.done.push(std::mem::take(&mut self.ops));
        self.y = TOP;
    }

    /// Starts a new page unless `height` still fits above the bottom margin.
    fn ensure(&mut self, height: f32) -> bool {
        if self.y - height < BOTTOM && self.y < TOP {
            self.new_page();
            true
        } else {
            false
        }
    }

    fn gap(&mut self, h: f32) {
        self.y -= h;
    }

    fn text_colored(
        &mut self,
        x: f32,
        baseline: f32,
        face: Face,
        size: f32,
        s: &str,
        color: (f32, f32, f32),
    ) {
        if s.is_empty() {
            return;
        }
        let s: String = s.chars().map(|ch| drawable(face, ch)).collect();
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: self.fonts.get(face),
                size: Pt(size),
            },
            Op::SetFillColor { col: rgb(color) },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(x),
                    y: Pt(baseline),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(s)],
            },
            Op::EndTextSection,
        ]);
    }

    fn text(&mut self, x: f32, baseline: f32, face: Face, size: f32, s: &str) {
        self.text_colored(x, baseline, face, size, s, BLACK);
    }

    fn text_center(&mut self, x0: f32, x1: f32, baseline: f32, face: Face, size: f32, s: &str) {
        let w = text_width(face, size, s);
        self.text((x0 + x1 - w) / 2.0, baseline, face, size, s);
    }

    fn text_right(&mut self, x1: f32, baseline: f32, face: Face, size: f32, s: &str) {
        let w = text_width(face, size, s);
        self.text(x1 - w, baseline, face, size, s);
    }

    fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, thickness: f32) {
        self.ops.extend([
            Op::SetOutlineColor { col: rgb(BLACK) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: PathLine {
                    points: vec![
                        LinePoint {
                            p: Point {
                                x: Pt(x0),
                                y: Pt(y0),
                            },
                            bezier: false,
                        },
                        LinePoint {
                            p: Point {
                                x: Pt(x1),
                                y: Pt(y1),
                            },
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A dashed grey outline.
    fn dashed_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let dash = 3.0;
        let mut edge = |x0: f32, y0: f32, x1: f32, y1: f32| {
            let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
            let n = (len / (2.0 * dash)).floor().max(1.0) as usize;
            for i in 0..n {
                let t0 = (2 * i) as f32 * dash / len;
                let t1 = ((2 * i + 1) as f32 * dash / len).min(1.0);
                self.line(
                    x0 + (x1 - x0) * t0,
                    y0 + (y1 - y0) * t0,
                    x0 + (x1 - x0) * t1,
                    y0 + (y1 - y0) * t1,
                    0.6,
                );
            }
        };
        edge(x, y, x + w, y);
        edge(x + w, y, x + w, y + h);
        edge(x + w, y + h, x, y + h);
        edge(x, y + h, x, y);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, mode: PaintMode, color: (f32, f32, f32)) {
        self.ops.extend([
            Op::SetFillColor { col: rgb(color) },
            Op::SetOutlineColor { col: rgb(color) },
            Op::SetOutlineThickness { pt: Pt(0.5) },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(x),
                    y: Pt(y),
                    width: Pt(w),
                    height: Pt(h),
                    mode: Some(mode),
                    winding_order: None,
                },
            },
        ]);
    }

    /// A wrapped paragraph across the text width, flowing onto a new page when needed.
    fn paragraph(&mut self, face: Face, size: f32, text: &str) {
        let lead = size * LEADING;
        for line in wrap(face, size, &clean(text), WIDTH) {
            self.ensure(lead);
            self.y -= lead;
            self.text(LEFT, self.y + lead - size, face, size, &line);
        }
        self.y -= size * 0.4;
    }
}

/// The emblem drawn when the instance names no logo file: a green shield with a gold sun and
/// a white band, clearly a stand-in, as PNG bytes.
pub fn placeholder_emblem() -> Vec<u8> {
    let (w, h) = (240u32, 280u32);
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let dx = fx - 120.0;
        // Straight sides down to 60%, then tapering to a point.
        let half = if fy < 168.0 {
            116.0
        } else {
            116.0 - (fy - 168.0) * 1.04
        };
        if dx.abs() > half || fy < 4.0 {
            return image::Rgba([0, 0, 0, 0]);
        }
        let edge = dx.abs() > half - 8.0 || fy < 12.0;
        let dy = fy - 110.0;
        if edge {
            image::Rgba([200, 160, 30, 255])
        } else if dx * dx + dy * dy < 46.0 * 46.0 {
            image::Rgba([235, 185, 35, 255])
        } else if (180.0..196.0).contains(&fy) {
            image::Rgba([250, 250, 250, 255])
        } else {
            image::Rgba([22, 110, 62, 255])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    // Encoding an in-memory RGBA image as PNG cannot fail.
    let _ = img.write_to(&mut out, image::ImageFormat::Png);
    out.into_inner()
}

/// Decodes the logo and shrinks it to at most 300 px high (plenty for ~22 mm at print size).
fn decode_logo(bytes: &[u8]) -> Result<(RawImage, u32, u32), PdfError> {
    let img = image::load_from_memory(bytes).map_err(|e| PdfError::Logo(e.to_string()))?;
    let img = if img.height() > 300 {
        img.resize(u32::MAX, 300, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let (w, h) = (img.width(), img.height());
    if w == 0 || h == 0 {
        return Err(PdfError::Logo("gambar kosong".into()));
    }
    let rgba = img.to_rgba8();
    let opaque = rgba.pixels().all(|p| p.0[3] == 255);
    let (pixels, format) = if opaque {
        (img.to_rgb8().into_raw(), RawImageFormat::RGB8)
    } else {
        (rgba.into_raw(), RawImageFormat::RGBA8)
    };
    let image = RawImage {
        pixels: RawImageData::U8(pixels),
        width: w as usize,
        height: h as usize,
        data_format: format,
        tag: Vec::new(),
    };
    Ok((image, w, h))
}

fn letterhead(c: &mut Canvas, lh: &Letterhead, logo: Option<&(XObjectId, u32, u32)>) {
    const LOGO_H: f32 = 64.0;
    let mut text_left = LEFT;
    let mut logo_h = 0.0;
    let top = c.y;
    if let Some((id, w, h)) = logo {
        let (w, h) = (*w as f32, *h as f32);
        // LOGO_H high, unless that makes a wide logo wider than 72 pt.
        let width = (LOGO_H * w / h).min(72.0);
        let height = width * h / w;
        // At `dpi`, one pixel is 72/dpi points: choose it so the image is `width` wide.
        let dpi = w * 72.0 / width;
        c.ops.push(Op::UseXobject {
            id: id.clone(),
            transform: XObjectTransform {
                translate_x: Some(Pt(LEFT)),
                translate_y: Some(Pt(top - height)),
                dpi: Some(dpi),
                ..Default::default()
            },
        });
        text_left = LEFT + width + 10.0;
        logo_h = height;
    }
    let area = RIGHT - text_left;
    let gov = one_line(&lh.government);
    let office = one_line(&lh.office);
    let gov_size = fit(Face::Bold, 13.0, &gov, area);
    let office_size = fit(Face::Bold, 16.0, &office, area);
    let mut address = wrap(Face::Regular, 9.0, &clean(&lh.address), area);
    if !lh.contact.trim().is_empty() {
        address.extend(wrap(Face::Regular, 9.0, &clean(&lh.contact), area));
    }
    address.retain(|l| !l.is_empty());
    let gov_h = if gov.trim().is_empty() {
        0.0
    } else {
        gov_size * 1.3
    };
    let block = gov_h + office_size * 1.3 + address.len() as f32 * 11.5;
    let height = block.max(logo_h);
    let mut y = top - (height - block) / 2.0;
    if gov_h > 0.0 {
        y -= gov_h;
        c.text_center(
            text_left,
            RIGHT,
            y + gov_size * 0.3,
            Face::Bold,
            gov_size,
            &gov,
        );
    }
    y -= office_size * 1.3;
    c.text_center(
        text_left,
        RIGHT,
        y + office_size * 0.3,
        Face::Bold,
        office_size,
        &office,
    );
    for line in &address {
        y -= 11.5;
        c.text_center(text_left, RIGHT, y + 2.5, Face::Regular, 9.0, line);
    }
    let rule = top - height - 6.0;
    c.line(LEFT, rule, RIGHT, rule, 2.2);
    c.line(LEFT, rule - 2.8, RIGHT, rule - 2.8, 0.7);
    c.y = rule - 2.8;
}

fn void_banner(c: &mut Canvas, notice: &str) {
    let notice = clean(notice);
    let text = if notice.trim_start().to_uppercase().starts_with("DIBATALKAN") {
        notice.trim().to_string()
    } else {
        format!("DIBATALKAN: {}", notice.trim())
    };
    let size = 12.0;
    let lines = wrap(Face::Bold, size, &text, WIDTH - 16.0);
    let h = lines.len() as f32 * size * 1.3 + 10.0;
    c.y -= 10.0;
    c.rect(LEFT, c.y - h, WIDTH, h, PaintMode::Fill, (1.0, 0.92, 0.92));
    c.rect(LEFT, c.y - h, WIDTH, h, PaintMode::Stroke, RED);
    let mut y = c.y - 5.0;
    for line in &lines {
        y -= size * 1.3;
        let w = text_width(Face::Bold, size, line);
        c.text_colored(
            LEFT + (WIDTH - w) / 2.0,
            y + size * 0.3,
            Face::Bold,
            size,
            line,
            RED,
        );
    }
    c.y -= h;
}

fn watermark(c: &mut Canvas) {
    let size = 90.0;
    let word = "DIBATALKAN";
    let w = text_width(Face::Bold, size, word);
    let (sin, cos) = 50f32.to_radians().sin_cos();
    // Centre the word (baseline shifted by a third of the size) on the page centre.
    let (cx, cy) = (PAGE_W / 2.0, PAGE_H / 2.0);
    let (dx, dy) = (w / 2.0, size * 0.35);
    let x = cx - dx * cos + dy * sin;
    let y = cy - dx * sin - dy * cos;
    c.ops.extend([
        Op::StartTextSection,
        Op::SetFont {
            font: c.fonts.get(Face::Bold),
            size: Pt(size),
        },
        Op::SetFillColor {
            col: rgb((1.0, 0.86, 0.86)),
        },
        Op::SetTextMatrix {
            matrix: TextMatrix::Raw([cos, sin, -sin, cos, x, y]),
        },
        Op::ShowText {
            items: vec![TextItem::Text(word.into())],
        },
        Op::EndTextSection,
    ]);
}

fn title(c: &mut Canvas, doc: &Document) {
    let size = 13.0;
    let t = one_line(&doc.title);
    let size = fit(Face::Bold, size, &t, WIDTH);
    c.y -= 26.0;
    let w = text_width(Face::Bold, size, &t);
    let x = LEFT + (WIDTH - w) / 2.0;
    c.text(x, c.y, Face::Bold, size, &t);
    c.line(x, c.y - 2.0, x + w, c.y - 2.0, 0.8);
    c.y -= 15.0;
    // A document without a number (a report, not a letter) prints no number line.
    if !doc.number.trim().is_empty() {
        let number = format!("Nomor: {}", one_line(&doc.number));
        c.text_center(LEFT, RIGHT, c.y, Face::Regular, BODY, &number);
        c.y -= 16.0;
    }
}

fn facts(c: &mut Canvas, facts: &[(String, String)]) {
    if facts.is_empty() {
        return;
    }
    let size = BODY;
    let lead = size * LEADING;
    let label_w = facts
        .iter()
        .map(|(l, _)| text_width(Face::Regular, size, &clean(l)))
        .fold(0.0, f32::max)
        .min(WIDTH * 0.4);
    let colon_x = LEFT + label_w + 6.0;
    let value_x = colon_x + 10.0;
    for (label, value) in facts {
        let labels = wrap(Face::Regular, size, &clean(label), label_w);
        let values = wrap(Face::Regular, size, &clean(value), RIGHT - value_x);
        let rows = labels.len().max(values.len());
        c.ensure(rows as f32 * lead);
        let top = c.y;
        for (i, l) in labels.iter().enumerate() {
            c.text(
                LEFT,
                top - (i as f32 + 1.0) * lead + lead - size,
                Face::Regular,
                size,
                l,
            );
        }
        c.text(colon_x, top - size, Face::Regular, size, ":");
        for (i, v) in values.iter().enumerate() {
            c.text(
                value_x,
                top - (i as f32 + 1.0) * lead + lead - size,
                Face::Regular,
                size,
                v,
            );
        }
        c.y -= rows as f32 * lead;
    }
    c.y -= size * 0.6;
}

/// Column edges: No, Uraian, Volume, Satuan, Harga Satuan, Jumlah.
fn columns() -> [f32; 7] {
    let fixed = [22.0, 0.0, 44.0, 48.0, 82.0, 88.0];
    let flex = WIDTH - fixed.iter().sum::<f32>();
    let mut edges = [LEFT; 7];
    for i in 0..6 {
        let w = if i == 1 { flex } else { fixed[i] };
        edges[i + 1] = edges[i] + w;
    }
    edges
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Center,
    Right,
}

/// One table row: per cell its lines, face and alignment; moves `c.y` below it.
fn row(c: &mut Canvas, edges: &[f32], cells: &[(Vec<String>, Face, Align)], fill: bool) {
    row_sized(c, edges, cells, fill, TABLE);
}

/// `row` at a font size of `size`.
fn row_sized(
    c: &mut Canvas,
    edges: &[f32],
    cells: &[(Vec<String>, Face, Align)],
    fill: bool,
    size: f32,
) {
    let lead = size * LEADING;
    let h = row_height_sized(cells, size);
    let top = c.y;
    if fill {
        c.rect(
            edges[0],
            top - h,
            edges[edges.len() - 1] - edges[0],
            h,
            PaintMode::Fill,
            (0.88, 0.88, 0.88),
        );
    }
    for (i, (texts, face, align)) in cells.iter().enumerate() {
        let (x0, x1) = (edges[i], edges[i + 1]);
        for (k, t) in texts.iter().enumerate() {
            let baseline = top - CELL_PAD - size * 0.8 - k as f32 * lead;
            match align {
                Align::Left => c.text(x0 + CELL_PAD, baseline, *face, size, t),
                Align::Center => c.text_center(x0, x1, baseline, *face, size, t),
                Align::Right => c.text_right(x1 - CELL_PAD, baseline, *face, size, t),
            }
        }
    }
    // Grid: the row's bottom rule and every column edge; the top rule is the previous row's.
    let bottom = top - h;
    c.line(edges[0], bottom, edges[edges.len() - 1], bottom, 0.5);
    for &x in edges {
        c.line(x, top, x, bottom, 0.5);
    }
    c.y = bottom;
}

fn row_height(cells: &[(Vec<String>, Face, Align)]) -> f32 {
    row_height_sized(cells, TABLE)
}

fn row_height_sized(cells: &[(Vec<String>, Face, Align)], size: f32) -> f32 {
    let lead = size * LEADING;
    let lines = cells
        .iter()
        .map(|(l, _, _)| l.len())
        .max()
        .unwrap_or(1)
        .max(1);
    lines as f32 * lead + 2.0 * CELL_PAD - (lead - size) + 1.0
}

fn table_header(c: &mut Canvas, edges: &[f32; 7]) {
    c.line(edges[0], c.y, edges[6], c.y, 0.5);
    let cells: Vec<_> = ["No", "Uraian", "Volume", "Satuan", "Harga Satuan", "Jumlah"]
        .iter()
        .map(|h| (vec![h.to_string()], Face::Bold, Align::Center))
        .collect();
    row(c, edges, &cells, true);
}

fn table(c: &mut Canvas, doc: &Document) {
    let edges = columns();
    let money = |v: Option<i64>| v.map(rupiah).unwrap_or_default();
    let mut open = false;
    if !doc.lines.is_empty() {
        let head_h = row_height(&[(vec![String::new()], Face::Bold, Align::Left)]);
        c.ensure(head_h * 2.0);
        table_header(c, &edges);
        open = true;
        for (i, l) in doc.lines.iter().enumerate() {
            let desc = wrap(
                Face::Regular,
                TABLE,
                &clean(&l.description),
                edges[2] - edges[1] - 2.0 * CELL_PAD,
            );
            let unit = wrap(
                Face::Regular,
                TABLE,
                &clean(&l.unit),
                edges[4] - edges[3] - 2.0 * CELL_PAD,
            );
            let cells = vec![
                (vec![(i + 1).to_string()], Face::Regular, Align::Center),
                (desc, Face::Regular, Align::Left),
                (
                    vec![group_thousands(l.quantity)],
                    Face::Regular,
                    Align::Right,
                ),
                (unit, Face::Regular, Align::Center),
                (vec![money(l.unit_price)], Face::Regular, Align::Right),
                (vec![money(l.total)], Face::Regular, Align::Right),
            ];
            if c.ensure(row_height(&cells)) {
                table_header(c, &edges);
            }
            row(c, &edges, &cells, false);
        }
    }

    // Totals, taxes and net: a label spanning the first five columns, the amount under Jumlah.
    let mut summary: Vec<(String, i64, Face)> = Vec::new();
    if let Some(t) = doc.total {
        summary.push(("JUMLAH".into(), t, Face::Bold));
    }
    for (label, amount) in &doc.tax_lines {
        summary.push((clean(label), *amount, Face::Regular));
    }
    if let Some(n) = doc.net {
        summary.push(("JUMLAH DIBAYARKAN".into(), n, Face::Bold));
    }
    let span = [edges[0], edges[5], edges[6]];
    for (label, amount, face) in summary {
        let label = wrap(face, TABLE, &label, span[1] - span[0] - 2.0 * CELL_PAD);
        let cells = vec![
            (label, face, Align::Right),
            (vec![rupiah(amount)], face, Align::Right),
        ];
        if c.ensure(row_height(&cells)) || !open {
            c.line(span[0], c.y, span[2], c.y, 0.5);
            open = true;
        }
        row(c, &span, &cells, false);
    }
    if open {
        c.y -= 8.0;
    }
}

fn signatures(c: &mut Canvas, doc: &Document) {
    let n = doc.signatures.len();
    if n == 0 {
        return;
    }
    let size = BODY;
    let lead = size * 1.3;
    let cols: Vec<(f32, f32)> = match n {
        1 => vec![(LEFT + WIDTH / 2.0, RIGHT)],
        _ => (0..n)
            .map(|i| {
                let w = WIDTH / n as f32;
                (LEFT + i as f32 * w, LEFT + (i + 1) as f32 * w)
            })
            .collect(),
    };
    // Per column: the lines above the signing space.
    let heads: Vec<Vec<String>> = doc
        .signatures
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (x0, x1) = cols[i];
            let mut lines = Vec::new();
            let place = match &s.place_date {
                Some(p) => Some(p.clone()),
                None if i == n - 1 && !doc.place_date.trim().is_empty() => {
                    Some(doc.place_date.clone())
                }
                None => None,
            };
            if let Some(p) = place {
                lines.extend(wrap(Face::Regular, size, &clean(&p), x1 - x0 - 8.0));
            }
            lines.extend(wrap(Face::Regular, size, &clean(&s.caption), x1 - x0 - 8.0));
            lines
        })
        .collect();
    let head_lines = heads.iter().map(Vec::len).max().unwrap_or(0);
    const SPACE: f32 = 58.0;
    let height = 14.0 + head_lines as f32 * lead + SPACE + 2.0 * lead;
    c.ensure(height);
    c.y -= 14.0;
    let top = c.y;
    for (i, s) in doc.signatures.iter().enumerate() {
        let (x0, x1) = cols[i];
        // Bottom-align the heads so captions sit on one line across columns.
        let offset = (head_lines - heads[i].len()) as f32;
        for (k, l) in heads[i].iter().enumerate() {
            let baseline = top - (offset + k as f32 + 1.0) * lead + (lead - size);
            c.text_center(x0, x1, baseline, Face::Regular, size, l);
        }
        let name_base = top - head_lines as f32 * lead - SPACE;
        if let Some(label) = &s.meterai {
            // A dashed box left of centre in the signing space, where the stamp is stuck on.
            let (w, h) = (62.0, 40.0);
            let x = x0 + 6.0;
            let y = name_base + 12.0;
            c.dashed_rect(x, y, w, h);
            let words = wrap(Face::Regular, 7.0, &clean(label), w - 6.0);
            let mut baseline = y + h / 2.0 + (words.len() as f32 * 8.5) / 2.0 - 7.0;
            for l in &words {
                c.text_colored(
                    x + (w - text_width(Face::Regular, 7.0, l)) / 2.0,
                    baseline,
                    Face::Regular,
                    7.0,
                    l,
                    GREY,
                );
                baseline -= 8.5;
            }
        }
        let name = clean(&s.name);
        let name_lines = wrap(Face::Bold, size, &name, x1 - x0 - 8.0);
        let mut y = name_base;
        for l in &name_lines {
            let w = text_width(Face::Bold, size, l);
            let x = (x0 + x1 - w) / 2.0;
            c.text(x, y, Face::Bold, size, l);
            c.line(x, y - 1.8, x + w, y - 1.8, 0.7);
            y -= lead;
        }
        if let Some(nip) = &s.nip {
            c.text_center(
                x0,
                x1,
                y,
                Face::Regular,
                size,
                &format!("NIP. {}", one_line(nip)),
            );
        }
    }
    c.y = top - height;
}

fn footer(c: &mut Canvas, left: &str, page: usize, total: usize) {
    let size = 7.5;
    let y = 30.0;
    c.line(LEFT, y + 10.0, RIGHT, y + 10.0, 0.4);
    let right = format!("Halaman {page} dari {total}");
    let left = one_line(left);
    let right_w = text_width(Face::Regular, size, &right);
    let left_lines = wrap(Face::Regular, size, &left, WIDTH - right_w - 20.0);
    if let Some(first) = left_lines.first() {
        c.text_colored(LEFT, y, Face::Regular, size, first, GREY);
    }
    c.text_colored(RIGHT - right_w, y, Face::Regular, size, &right, GREY);
}

// ---------------------------------------------------------------------------------------------
// Reports: a letterhead, a title, then sections of paragraphs, a bar chart and tables with any
// number of columns that flow across pages (the header repeated).

/// Horizontal bars of whole numbers, one per item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportBars {
    pub title: String,
    pub items: Vec<(String, i64)>,
}

/// A table of text cells; the first column is the label, the others are right-aligned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportTable {
    pub title: String,
    pub note: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportSection {
    pub heading: String,
    /// Start the section on a new page.
    pub new_page: bool,
    pub paragraphs: Vec<String>,
    pub bars: Option<ReportBars>,
    pub tables: Vec<ReportTable>,
}

/// A report ready to print (A4 portrait).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub letterhead: Letterhead,
    pub title: String,
    pub subtitle: String,
    /// Left of the page number in every footer.
    pub footer: String,
    pub sections: Vec<ReportSection>,
}

/// Renders the report to PDF bytes.
pub fn render_report(report: &Report) -> Result<Vec<u8>, PdfError> {
    let mut pdf = PdfDocument::new(&report.title);
    let fonts = FontIds::new();
    let logo = match &report.letterhead.logo_png {
        Some(bytes) => {
            let (image, w, h) = decode_logo(bytes)?;
            Some((pdf.add_image(&image), w, h))
        }
        None => None,
    };
    let mut c = Canvas::new(&fonts);
    letterhead(&mut c, &report.letterhead, logo.as_ref());
    let doc = Document {
        title: report.title.clone(),
        ..Document::default()
    };
    title(&mut c, &doc);
    c.text_center(
        LEFT,
        RIGHT,
        c.y,
        Face::Regular,
        BODY,
        &one_line(&report.subtitle),
    );
    c.y -= 18.0;
    for (i, section) in report.sections.iter().enumerate() {
        if section.new_page && i > 0 {
            c.new_page();
        }
        c.ensure(60.0);
        c.y -= 14.0;
        c.text(LEFT, c.y, Face::Bold, 12.0, &one_line(&section.heading));
        c.y -= 8.0;
        for p in &section.paragraphs {
            c.paragraph(Face::Regular, BODY, p);
        }
        if let Some(bars) = &section.bars {
            report_bars(&mut c, bars);
        }
        for t in &section.tables {
            report_table(&mut c, t);
        }
    }
    let pages = c.finish();
    let total = pages.len();
    let pages = pages
        .into_iter()
        .enumerate()
        .map(|(i, body)| {
            let mut page = Canvas::new(&fonts);
            page.ops.extend(body);
            footer(&mut page, &report.footer, i + 1, total);
            page.ops
        })
        .collect::<Vec<_>>();
    Ok(save(pdf, &fonts, pages))
}

fn report_bars(c: &mut Canvas, bars: &ReportBars) {
    const ROW: f32 = 14.0;
    const LABEL: f32 = 170.0;
    c.ensure(30.0 + ROW * bars.items.len().min(4) as f32);
    c.y -= 12.0;
    c.text(LEFT, c.y, Face::Bold, BODY, &one_line(&bars.title));
    c.y -= 6.0;
    let max = bars.items.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let plot = WIDTH - LABEL - 50.0;
    for (label, value) in &bars.items {
        c.ensure(ROW);
        c.y -= ROW;
        let mut l = one_line(label);
        while text_width(Face::Regular, TABLE, &l) > LABEL - 6.0 && l.chars().count() > 4 {
            l.pop();
        }
        c.text(LEFT, c.y + 3.0, Face::Regular, TABLE, &l);
        let w = (*value).max(0) as f32 / max as f32 * plot;
        if w > 0.0 {
            c.rect(
                LEFT + LABEL,
                c.y + 1.0,
                w,
                10.0,
                PaintMode::Fill,
                (0.04, 0.43, 0.31),
            );
        }
        c.text(
            LEFT + LABEL + w + 4.0,
            c.y + 3.0,
            Face::Regular,
            TABLE,
            &group_thousands(*value),
        );
    }
    c.y -= 8.0;
}

/// Column edges sized to their contents at `size`, the first column taking what is left.
fn report_edges(t: &ReportTable, size: f32) -> Vec<f32> {
    let cols = t.header.len().max(1);
    let mut widths: Vec<f32> = (0..cols)
        .map(|j| {
            let head = t.header[j]
                .split_whitespace()
                .map(|w| text_width(Face::Bold, size, w))
                .fold(0.0, f32::max);
            let body = t
                .rows
                .iter()
                .filter_map(|r| r.get(j))
                .map(|v| text_width(Face::Regular, size, &one_line(v)))
                .fold(0.0, f32::max);
            head.max(body) + 2.0 * CELL_PAD + 1.0
        })
        .collect();
    widths[0] = widths[0].min(150.0);
    let rest: f32 = widths[1..].iter().sum();
    widths[0] = (WIDTH - rest).max(widths[0].min(WIDTH - rest));
    let mut edges = vec![LEFT];
    for w in widths {
        let last = *edges.last().unwrap_or(&LEFT);
        edges.push(last + w);
    }
    edges
}

fn report_table(c: &mut Canvas, t: &ReportTable) {
    if t.header.is_empty() {
        return;
    }
    // The largest size at which the columns other than the first leave it 90 pt.
    let mut size = TABLE;
    let mut edges = report_edges(t, size);
    while size > 5.5 && edges[edges.len() - 1] - edges[1] > WIDTH - 90.0 {
        size -= 0.5;
        edges = report_edges(t, size);
    }
    let cell = |text: &str, j: usize, face: Face| {
        let w = edges[j + 1] - edges[j] - 2.0 * CELL_PAD;
        let align = if j == 0 {
            Align::Left
        } else if face == Face::Bold {
            Align::Center
        } else {
            Align::Right
        };
        (wrap(face, size, &clean(text), w), face, align)
    };
    let header: Vec<_> = t
        .header
        .iter()
        .enumerate()
        .map(|(j, h)| cell(h, j, Face::Bold))
        .collect();
    let head_h = row_height_sized(&header, size);
    c.ensure(30.0 + head_h * 2.0);
    c.y -= 12.0;
    c.text(LEFT, c.y, Face::Bold, BODY, &one_line(&t.title));
    c.y -= 4.0;
    if !t.note.is_empty() {
        c.paragraph(Face::Italic, 8.0, &t.note);
    }
    let last = edges[edges.len() - 1];
    c.line(edges[0], c.y, last, c.y, 0.5);
    row_sized(c, &edges, &header, true, size);
    if t.rows.is_empty() {
        let empty = vec![(
            vec!["Belum ada data.".to_string()],
            Face::Italic,
            Align::Left,
        )];
        row_sized(c, &[edges[0], last], &empty, false, size);
    }
    for r in &t.rows {
        let cells: Vec<_> = (0..t.header.len())
            .map(|j| cell(r.get(j).map(String::as_str).unwrap_or(""), j, Face::Regular))
            .collect();
        if c.ensure(row_height_sized(&cells, size)) {
            c.line(edges[0], c.y, last, c.y, 0.5);
            row_sized(c, &edges, &header, true, size);
        }
        row_sized(c, &edges, &cells, false, size);
    }
    c.y -= 6.0;
}

#[cfg(test)]
#[path = "../tests/http/pdftext.rs"]
mod pdftext;

#[cfg(test)]
mod tests {
    use super::*;

    /// A small emblem with transparency, made here so the tests need no asset.
    fn logo() -> Vec<u8> {
        placeholder_emblem()
    }

    fn surat_pesanan() -> Document {
        Document {
            letterhead: Letterhead {
                government: "PEMERINTAH KABUPATEN TANJUNG JABUNG TIMUR".into(),
                office: "DINAS TENAGA KERJA DAN TRANSMIGRASI".into(),
                address: "Jl. Lintas Timur, Rano, Muara Sabak Barat, Tanjung Jabung Timur, Jambi 36761 · Telp. (0741) 570123 · disnakertrans@tanjabtimkab.go.id".into(),
                contact: String::new(),
                logo_png: Some(logo()),
            },
            title: "SURAT PESANAN".into(),
            number: "027/SP/DISNAKERTRANS/XI/2026".into(),
            place_date: "Muara Sabak, 28 November 2026".into(),
            intro: vec!["Yang bertanda tangan di bawah ini, Pejabat Pengadaan Dinas Tenaga Kerja dan Transmigrasi Kabupaten Tanjung Jabung Timur, memesan barang/jasa berikut kepada penyedia:".into()],
            facts: vec![
                ("Penyedia".into(), "Dapur Kue Siti (Karya #12)".into()),
                ("Alamat penyedia".into(), "RT 04, Kel. Nibung Putih, Kec. Muara Sabak Timur".into()),
                ("Tempat penyerahan".into(), "Aula Dinas Tenaga Kerja dan Transmigrasi".into()),
                ("Waktu penyerahan".into(), "2 Desember 2026, pukul 08.00 WIB".into()),
            ],
            lines: vec![
                Line {
                    description: "Kotak kue rapat isi tiga (lemper, risoles, bolu pandan) dengan air mineral 330 ml".into(),
                    quantity: 50,
                    unit: "kotak".into(),
                    unit_price: Some(20_000),
                    total: Some(1_000_000),
                },
                Line {
                    description: "Nasi kotak ayam bakar".into(),
                    quantity: 10,
                    unit: "kotak".into(),
                    unit_price: Some(25_000),
                    total: Some(250_000),
                },
            ],
            total: Some(1_250_000),
            amount_in_words: Some("Satu juta dua ratus lima puluh ribu rupiah".into()),
            tax_lines: vec![("PPh Pasal 22 Final UMKM 0,5%".into(), 6_250)],
            net: Some(1_243_750),
            closing: vec!["Barang diserahkan dalam keadaan baik dan sesuai pesanan. Pembayaran dilakukan setelah Berita Acara Serah Terima ditandatangani.".into()],
            signatures: vec![
                Signature {
                    caption: "Penyedia\nDapur Kue Siti".into(),
                    name: "Siti Aminah".into(),
                    nip: None,
                    place_date: None,
                    meterai: None,
                },
                Signature {
                    caption: "Pejabat Pengadaan".into(),
                    name: "Drs. Ahmad Yani, M.Si.".into(),
                    nip: Some("19700101 199803 1 005".into()),
                    place_date: None,
                    meterai: None,
                },
            ],
            void_notice: None,
        }
    }

    #[test]
    fn surat_pesanan_text_is_extractable() {
        let pdf = render(&surat_pesanan()).unwrap();
        assert!(pdf.starts_with(b"%PDF"), "not a PDF header");
        let text = pdftext::text(&pdf);
        for needle in [
            "027/SP/DISNAKERTRANS/XI/2026",
            "Rp1.250.000",
            "Rp1.243.750",
            "Rp6.250",
            "Terbilang: Satu juta dua ratus lima puluh ribu rupiah",
            "DINAS TENAGA KERJA DAN TRANSMIGRASI",
            "PEMERINTAH KABUPATEN TANJUNG JABUNG TIMUR",
            "Dapur Kue Siti (Karya #12)",
            "NIP. 19700101 199803 1 005",
            "Muara Sabak, 28 November 2026",
            "Halaman 1 dari 1",
        ] {
            assert!(text.contains(needle), "{needle:?} missing from {text}");
        }
        // A wrapped description reads back whole.
        assert!(
            text.contains(
                "Kotak kue rapat isi tiga (lemper, risoles, bolu pandan) dengan air mineral 330 ml"
            ),
            "{text}"
        );
        assert!(!text.contains("DIBATALKAN"), "{text}");
        assert_eq!(pdftext::pages(&pdf), 1);
        save_sample("sample-sp.pdf", &pdf);
    }

    /// `KARYA_PDF_SAMPLES=/some/dir cargo test --lib pdf` keeps the rendered documents there
    /// for a look.
    fn save_sample(name: &str, pdf: &[u8]) {
        if let Some(dir) = std::env::var_os("KARYA_PDF_SAMPLES") {
            std::fs::write(std::path::Path::new(&dir).join(name), pdf).unwrap();
        }
    }

    #[test]
    fn forty_lines_flow_onto_a_second_page() {
        let mut doc = surat_pesanan();
        doc.lines = (1..=40)
            .map(|i| Line {
                description: format!("Barang nomor {i} untuk rapat koordinasi"),
                quantity: i,
                unit: "buah".into(),
                unit_price: Some(1_000),
                total: Some(i * 1_000),
            })
            .collect();
        let pdf = render(&doc).unwrap();
        let pages = pdftext::pages(&pdf);
        assert!(pages >= 2, "{pages} page(s)");
        let text = pdftext::text(&pdf);
        assert!(
            text.contains("Barang nomor 40 untuk rapat koordinasi"),
            "{text}"
        );
        assert!(text.contains(&format!("Halaman 2 dari {pages}")), "{text}");
        // The header is repeated on the continuation page.
        assert_eq!(text.matches("Harga Satuan").count(), pages, "{text}");
        assert!(text.contains("Rp40.000"), "{text}");
        save_sample("sample-40-lines.pdf", &pdf);
    }

    #[test]
    fn a_report_table_flows_across_pages_with_its_header() {
        let report = Report {
            letterhead: surat_pesanan().letterhead,
            title: "LAPORAN UJI".into(),
            subtitle: "Tahun 2026".into(),
            footer: "Laporan uji 2026".into(),
            sections: vec![ReportSection {
                heading: "Menurut angkatan".into(),
                new_page: false,
                paragraphs: vec!["Ringkasan singkat.".into()],
                bars: Some(ReportBars {
                    title: "Lulusan".into(),
                    items: vec![("Tata Boga".into(), 12), ("Las".into(), 0)],
                }),
                tables: vec![ReportTable {
                    title: "Angkatan".into(),
                    note: "Catatan tabel.".into(),
                    header: vec![
                        "Angkatan".into(),
                        "Peserta".into(),
                        "Pendapatan umum".into(),
                    ],
                    rows: (1..=120)
                        .map(|i| {
                            vec![
                                format!("Angkatan uji {i}"),
                                i.to_string(),
                                rupiah(i * 1_000_000),
                            ]
                        })
                        .collect(),
                }],
            }],
        };
        let pdf = render_report(&report).unwrap();
        let pages = pdftext::pages(&pdf);
        assert!(pages >= 3, "{pages} page(s)");
        let text = pdftext::text(&pdf);
        assert!(
            text.contains("Angkatan uji 120 120 Rp120.000.000"),
            "{text}"
        );
        assert_eq!(text.matches("Pendapatan umum").count(), pages, "{text}");
        assert!(text.contains(&format!("Halaman {pages} dari {pages}")));
        save_sample("sample-report.pdf", &pdf);
    }

    #[test]
    fn voided_document_carries_the_banner() {
        let mut doc = surat_pesanan();
        doc.void_notice = Some("salah harga satuan, diganti 028/SP/DISNAKERTRANS/XI/2026".into());
        let pdf = render(&doc).unwrap();
        save_sample("sample-void.pdf", &pdf);
        let text = pdftext::text(&pdf);
        assert!(
            text.contains("DIBATALKAN: salah harga satuan, diganti 028/SP/DISNAKERTRANS/XI/2026"),
            "{text}"
        );
        // A notice that already says so is not prefixed twice.
        doc.void_notice = Some("DIBATALKAN: dobel".into());
        let text = pdftext::text(&render(&doc).unwrap());
        assert!(text.contains("DIBATALKAN: dobel"), "{text}");
        assert!(!text.contains("DIBATALKAN: DIBATALKAN"), "{text}");
    }

    #[test]
    fn bad_input_is_refused() {
        let mut doc = surat_pesanan();
        doc.letterhead.logo_png = Some(b"not an image".to_vec());
        assert!(matches!(render(&doc), Err(PdfError::Logo(_))));
        let mut doc = surat_pesanan();
        doc.signatures = vec![Signature::default(); 4];
        assert!(matches!(render(&doc), Err(PdfError::TooManySignatures(4))));
    }

    #[test]
    fn the_font_is_embedded_as_a_subset() {
        let pdf = render(&surat_pesanan()).unwrap();
        let raw = String::from_utf8_lossy(&pdf);
        assert!(
            raw.contains("/FontFile2"),
            "the TrueType program is embedded"
        );
        assert!(
            !raw.contains("/Helvetica"),
            "no viewer-supplied face is named"
        );
        // A subset: far smaller than the three 400 KB faces.
        assert!(pdf.len() < 100_000, "{} bytes", pdf.len());
        let text = pdftext::text(&pdf);
        assert!(
            text.contains("DINAS TENAGA KERJA DAN TRANSMIGRASI"),
            "{text}"
        );
    }

    #[test]
    fn a_place_and_date_break_only_after_the_comma() {
        let date = format!("Muara Sabak Barat, 7{0}Desember{0}2026", '\u{a0}');
        // A column too narrow for the whole line.
        let lines = wrap(Face::Regular, BODY, &date, 150.0);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[1], format!("7{0}Desember{0}2026", '\u{a0}'));
        // Drawn, the non-breaking spaces are spaces.
        assert_eq!(drawable(Face::Regular, '\u{a0}'), ' ');
        let mut doc = surat_pesanan();
        doc.place_date = date;
        doc.signatures[1].meterai = Some("Meterai Rp10.000".into());
        let text = pdftext::text(&render(&doc).unwrap());
        assert!(text.contains("7 Desember 2026"), "{text}");
        assert!(text.contains("Meterai Rp10.000"), "{text}");
    }

    #[test]
    fn a_provider_heading_has_no_government_line() {
        let mut doc = surat_pesanan();
        doc.letterhead = Letterhead {
            government: String::new(),
            office: "DAPUR KUE SITI".into(),
            address: "Jl. Pelabuhan 3, Kecamatan Muara Sabak Timur".into(),
            contact: "Rekening BRI 1234 a.n. Siti Aminah · NPWP 012345678901000".into(),
            logo_png: None,
        };
        let text = pdftext::text(&render(&doc).unwrap());
        assert!(text.starts_with("DAPUR KUE SITI"), "{text}");
        assert!(text.contains("NPWP 012345678901000"), "{text}");
        assert!(!text.contains("PEMERINTAH"), "{text}");
    }

    #[test]
    fn widths_and_wrapping_follow_the_metrics() {
        // "Rp" in Helvetica: R 722 + p 556 = 1278 units.
        // Liberation Sans keeps Helvetica's advance widths (2048 units to the em).
        assert!((text_width(Face::Regular, 10.0, "Rp") - 12.78).abs() < 0.01);
        assert!((text_width(Face::Bold, 10.0, "Rp") - 13.33).abs() < 0.01);
        let lines = wrap(Face::Regular, 10.0, "satu dua tiga empat lima", 60.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(
            lines
                .iter()
                .all(|l| text_width(Face::Regular, 10.0, l) <= 60.0)
        );
        assert_eq!(lines.join(" "), "satu dua tiga empat lima");
        assert_eq!(
            wrap(Face::Regular, 10.0, &clean("Penyedia\r\nDapur Kue"), 300.0),
            ["Penyedia", "Dapur Kue"]
        );
        assert_eq!(one_line("a\nb\tc"), "a b c");
        assert_eq!(rupiah(1_250_000), "Rp1.250.000");
        assert_eq!(rupiah(-5_000), "-Rp5.000");
    }
}
