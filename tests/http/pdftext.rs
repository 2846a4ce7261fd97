//! Text of a PDF for assertions: every page's text in content order, whitespace runs collapsed
//! to single spaces. Uses lopdf, which printpdf already depends on, so it adds no crate.

/// The text of every page, whitespace normalised. Panics when the bytes are not a readable PDF:
/// a test that calls this expects one.
#[allow(dead_code)]
pub fn text(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("not a readable PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let raw = doc
        .extract_text(&pages)
        .expect("the PDF's text cannot be extracted");
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many pages the PDF has.
#[allow(dead_code)]
pub fn pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf)
        .expect("not a readable PDF")
        .get_pages()
        .len()
}
