//! The in-memory catalog index: every live listing as a document of weighted fields, an
//! inverted list per word, and the facts the filters and sorts need. Pure data structure; the
//! loading from the database is in `super`.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use super::normalize::{self, Kind, Synonyms};
use crate::db::catalog::IndexRow;

pub const PER_PAGE: usize = 20;

// Fields of a document as bits of a posting's mask, and their weights.
const TITLE: u8 = 1;
const CATEGORY: u8 = 2;
const BUSINESS: u8 = 4;
const DESCRIPTION: u8 = 8;
const FIELDS: [u8; 4] = [TITLE, CATEGORY, BUSINESS, DESCRIPTION];
/// Words of a description beyond this many are not indexed.
const DESCRIPTION_WORDS: usize = 120;

fn field_weight(mask: u8) -> u16 {
    if mask & TITLE != 0 {
        8
    } else if mask & CATEGORY != 0 {
        4
    } else if mask & BUSINESS != 0 {
        2
    } else if mask & DESCRIPTION != 0 {
        1
    } else {
        0
    }
}

/// What a search result shows and sorts by; shared, never copied per query.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub listing_id: i64,
    pub business_id: i64,
    pub kind: String,
    pub title: String,
    pub category_id: i64,
    pub category: String,
    pub trade_id: i64,
    pub trade: String,
    pub price_kind: String,
    pub price: Option<i64>,
    pub unit: String,
    pub business_name: String,
    pub kecamatan_code: Option<String>,
    pub kecamatan_name: String,
    pub verified: bool,
    pub rating_count: i64,
    pub rating_sum: i64,
    pub created_at: i64,
}

impl Card {
    pub fn rating_avg(&self) -> Option<f64> {
        (self.rating_count > 0).then(|| self.rating_sum as f64 / self.rating_count as f64)
    }
}

/// What filters and sorts read, per slot, in one contiguous array: a search over thousands of
/// candidates reads these instead of following each document's pointers.
#[derive(Debug, Clone, Copy, Default)]
struct Facts {
    live: bool,
    verified: bool,
    /// Average stars × 1000, −1 without reviews.
    rating_milli: i32,
    rating_count: i32,
    listing_id: i64,
    created_at: i64,
    trade_id: i64,
    category_id: i64,
    price: Option<i64>,
    /// Places (kecamatan numbers below 64) served, as bits; higher numbers are in `Doc::serves`.
    serves: u64,
}

impl Facts {
    fn serves(&self, doc: Option<&Doc>, place: u16) -> bool {
        if place < 64 {
            self.serves & (1u64 << place) != 0
        } else {
            doc.is_some_and(|d| d.serves.contains(&place))
        }
    }
}

/// A term's alternatives: phrases as word numbers, and how each matched the query.
type Alternatives = Vec<(Vec<u32>, Kind)>;

/// A candidate being ranked.
#[derive(Clone, Copy)]
struct Candidate {
    slot: u32,
    near: bool,
    score: u16,
    f: Facts,
}

struct Doc {
    card: Arc<Card>,
    fields: [Vec<u32>; 4],
    /// Kecamatan (as place numbers) the listing is located in or serves.
    serves: Vec<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    PriceAsc,
    PriceDesc,
    Rating,
}

impl Sort {
    pub const ALL: [(Sort, &'static str, &'static str); 5] = [
        (Sort::Relevance, "relevan", "Paling sesuai"),
        (Sort::Newest, "terbaru", "Terbaru"),
        (Sort::PriceAsc, "termurah", "Harga terendah"),
        (Sort::PriceDesc, "termahal", "Harga tertinggi"),
        (Sort::Rating, "rating", "Rating tertinggi"),
    ];

    pub fn parse(code: &str) -> Sort {
        Sort::ALL
            .iter()
            .find(|(_, c, _)| *c == code)
            .map_or(Sort::Relevance, |(s, _, _)| *s)
    }

    pub fn code(self) -> &'static str {
        Sort::ALL
            .iter()
            .find(|(s, _, _)| *s == self)
            .map_or("relevan", |(_, c, _)| c)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Query {
    pub text: String,
    pub trade_id: Option<i64>,
    pub category_id: Option<i64>,
    /// The searcher's kecamatan: listings in or serving it rank first.
    pub kecamatan: Option<String>,
    /// Only listings in or serving `kecamatan`.
    pub only_kecamatan: bool,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub verified_only: bool,
    pub sort: Sort,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub card: Arc<Card>,
    pub serves_kecamatan: bool,
    pub score: u16,
}

#[derive(Debug, Clone, Default)]
pub struct Results {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<Hit>,
}

impl Results {
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page.max(1))
    }
}

/// Kecamatan code of a region code: `15.07.10.2007` (desa) → `15.07.10`; a kecamatan is itself;
/// anything broader names no kecamatan.
pub fn kecamatan_of(code: &str) -> Option<&str> {
    let mut dots = code.match_indices('.').map(|(i, _)| i);
    let (_, _, third) = (dots.next()?, dots.next()?, dots.next());
    Some(match third {
        Some(i) => &code[..i],
        None => code,
    })
}

#[derive(Default)]
pub struct Index {
    /// Catalog revision seen (−1: nothing loaded yet).
    pub(super) revision: Option<i64>,
    /// Synonyms counter seen.
    pub(super) synonyms_stamp: Option<i64>,
    synonyms: Synonyms,
    docs: Vec<Option<Doc>>,
    facts: Vec<Facts>,
    slot_of: HashMap<i64, u32>,
    free: Vec<u32>,
    words: HashMap<String, u32>,
    word_list: Vec<String>,
    postings: Vec<Vec<(u32, u8)>>,
    places: HashMap<String, u16>,
}

impl Index {
    pub fn new() -> Index {
        Index::default()
    }

    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    pub fn set_synonyms(&mut self, synonyms: Synonyms) {
        self.synonyms = synonyms;
    }

    /// Replaces, adds or removes each row's listing.
    pub fn apply(&mut self, rows: impl IntoIterator<Item = IndexRow>) {
        for row in rows {
            self.remove(row.listing_id);
            if row.live {
                self.insert(row);
            }
        }
    }

    fn word(&mut self, w: String) -> u32 {
        if let Some(&id) = self.words.get(&w) {
            return id;
        }
        let id = self.word_list.len() as u32;
        self.word_list.push(w.clone());
        self.words.insert(w, id);
        self.postings.push(Vec::new());
        id
    }

    fn place(&mut self, code: &str) -> u16 {
        if let Some(&p) = self.places.get(code) {
            return p;
        }
        let p = self.places.len() as u16;
        self.places.insert(code.to_owned(), p);
        p
    }

    fn insert(&mut self, row: IndexRow) {
        let texts = [
            normalize::tokens(&row.title),
            normalize::tokens(&format!("{} {}", row.category, row.trade)),
            normalize::tokens(&row.business_name),
            normalize::tokens(&row.description)
                .into_iter()
                .take(DESCRIPTION_WORDS)
                .collect(),
        ];
        let mut fields: [Vec<u32>; 4] = Default::default();
        for (i, words) in texts.into_iter().enumerate() {
            fields[i] = words.into_iter().map(|w| self.word(w)).collect();
        }
        let mut masks: Vec<(u32, u8)> = Vec::new();
        for (i, ids) in fields.iter().enumerate() {
            for &w in ids {
                match masks.iter_mut().find(|(x, _)| *x == w) {
                    Some(m) => m.1 |= FIELDS[i],
                    None => masks.push((w, FIELDS[i])),
                }
            }
        }
        let mut serves: Vec<u16> = Vec::new();
        let located = row.kecamatan_code.clone();
        for code in located.iter().chain(row.areas.iter()) {
            if let Some(k) = kecamatan_of(code) {
                let p = self.place(k);
                if !serves.contains(&p) {
                    serves.push(p);
                }
            }
        }
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.docs.push(None);
                self.facts.push(Facts::default());
                (self.docs.len() - 1) as u32
            }
        };
        self.facts[slot as usize] = Facts {
            live: true,
            verified: row.verified,
            rating_milli: if row.rating_count > 0 {
                (row.rating_sum * 1000 / row.rating_count) as i32
            } else {
                -1
            },
            rating_count: row.rating_count as i32,
            listing_id: row.listing_id,
            created_at: row.created_at,
            trade_id: row.trade_id,
            category_id: row.category_id,
            price: row.price,
            serves: serves
                .iter()
                .filter(|&&p| p < 64)
                .fold(0u64, |m, &p| m | (1u64 << p)),
        };
        for (w, mask) in masks {
            self.postings[w as usize].push((slot, mask));
        }
        self.slot_of.insert(row.listing_id, slot);
        self.docs[slot as usize] = Some(Doc {
            card: Arc::new(Card {
                listing_id: row.listing_id,
                business_id: row.business_id,
                kind: row.kind,
                title: row.title,
                category_id: row.category_id,
                category: row.category,
                trade_id: row.trade_id,
                trade: row.trade,
                price_kind: row.price_kind,
                price: row.price,
                unit: row.unit,
                business_name: row.business_name,
                kecamatan_code: row.kecamatan_code,
                kecamatan_name: row.kecamatan_name,
                verified: row.verified,
                rating_count: row.rating_count,
                rating_sum: row.rating_sum,
                created_at: row.created_at,
            }),
            fields,
            serves,
        });
    }

    fn remove(&mut self, listing_id: i64) {
        let Some(slot) = self.slot_of.remove(&listing_id) else {
            return;
        };
        self.facts[slot as usize].live = false;
        if let Some(doc) = self.docs[slot as usize].take() {
            let mut words: Vec<u32> = doc.fields.iter().flatten().copied().collect();
            words.sort_unstable();
            words.dedup();
            for w in words {
                self.postings[w as usize].retain(|&(s, _)| s != slot);
            }
        }
        self.free.push(slot);
    }

    /// The card of a listing in the index.
    pub fn card(&self, listing_id: i64) -> Option<Arc<Card>> {
        let slot = *self.slot_of.get(&listing_id)?;
        self.docs[slot as usize].as_ref().map(|d| d.card.clone())
    }

    fn known(&self, word: &str) -> bool {
        self.words
            .get(word)
            .is_some_and(|&w| !self.postings[w as usize].is_empty())
    }

    /// The query's terms, each alternative as word numbers; `None` when some term cannot match.
    fn resolve(&self, text: &str) -> Option<Vec<Alternatives>> {
        let terms = normalize::parse_query(
            text,
            &self.synonyms,
            |w| self.known(w),
            || {
                Box::new(
                    self.word_list
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| !self.postings[*i].is_empty())
                        .map(|(_, w)| w.as_str()),
                )
            },
        );
        let mut out = Vec::with_capacity(terms.len());
        for term in terms {
            let alternatives: Vec<(Vec<u32>, Kind)> = term
                .alternatives
                .iter()
                .filter_map(|a| {
                    let ids: Option<Vec<u32>> = a
                        .phrase
                        .iter()
                        .map(|w| self.words.get(w).copied())
                        .collect();
                    ids.map(|ids| (ids, a.kind))
                })
                .collect();
            if alternatives.is_empty() {
                return None;
            }
            out.push(alternatives);
        }
        Some(out)
    }

    /// Fields of a document holding the phrase as consecutive words.
    fn phrase_mask(doc: &Doc, phrase: &[u32]) -> u8 {
        let mut mask = 0;
        for (i, field) in doc.fields.iter().enumerate() {
            if field.windows(phrase.len()).any(|w| w == phrase) {
                mask |= FIELDS[i];
            }
        }
        mask
    }

    /// Slots matching every term, with their scores (all, with score 0, for an empty query).
    fn matching(&self, text: &str) -> Vec<(u32, u16)> {
        let Some(terms) = self.resolve(text) else {
            return Vec::new();
        };
        if terms.is_empty() {
            return self
                .facts
                .iter()
                .enumerate()
                .filter(|(_, f)| f.live)
                .map(|(i, _)| (i as u32, 0))
                .collect();
        }
        let n = self.docs.len();
        let mut matched = vec![0u8; n];
        let mut total = vec![0u16; n];
        let mut best = vec![0u16; n];
        let mut touched: Vec<u32> = Vec::new();
        for (t, alternatives) in terms.iter().enumerate() {
            touched.clear();
            for (phrase, kind) in alternatives {
                for &(slot, mask) in &self.postings[phrase[0] as usize] {
                    let s = slot as usize;
                    if matched[s] as usize != t {
                        continue;
                    }
                    let mask = if phrase.len() == 1 {
                        mask
                    } else {
                        match &self.docs[s] {
                            Some(doc) => Index::phrase_mask(doc, phrase),
                            None => 0,
                        }
                    };
                    let w = field_weight(mask) * kind.weight() as u16;
                    if w == 0 {
                        continue;
                    }
                    if best[s] == 0 {
                        touched.push(slot);
                    }
                    best[s] = best[s].max(w);
                }
            }
            for &slot in &touched {
                let s = slot as usize;
                matched[s] += 1;
                total[s] += best[s];
                best[s] = 0;
            }
        }
        touched
            .into_iter()
            .map(|s| (s, total[s as usize]))
            .collect()
    }

    pub fn search(&self, q: &Query) -> Results {
        let per_page = if q.per_page == 0 {
            PER_PAGE
        } else {
            q.per_page
        };
        let page = q.page.max(1);
        let near: Option<u16> = q
            .kecamatan
            .as_deref()
            .and_then(|k| self.places.get(k).copied());
        let wants_near = q.kecamatan.as_deref().is_some_and(|k| !k.is_empty());
        let only_near = q.only_kecamatan && wants_near;
        let mut hits: Vec<Candidate> = self
            .matching(&q.text)
            .into_iter()
            .filter_map(|(slot, score)| {
                let f = self.facts[slot as usize];
                let serves = near.is_some_and(|p| f.serves(self.docs[slot as usize].as_ref(), p));
                let keep = f.live
                    && q.trade_id.is_none_or(|t| f.trade_id == t)
                    && q.category_id.is_none_or(|t| f.category_id == t)
                    && (!q.verified_only || f.verified)
                    && (!only_near || serves)
                    && q.min_price.is_none_or(|m| f.price.is_some_and(|p| p >= m))
                    && q.max_price.is_none_or(|m| f.price.is_some_and(|p| p <= m));
                keep.then_some(Candidate {
                    slot,
                    near: serves,
                    score,
                    f,
                })
            })
            .collect();
        let total = hits.len();
        let sort = q.sort;
        let cmp = |a: &Candidate, b: &Candidate| -> Ordering {
            let (fa, fb) = (&a.f, &b.f);
            let newest = fb
                .created_at
                .cmp(&fa.created_at)
                .then(fb.listing_id.cmp(&fa.listing_id));
            let rating = || {
                fb.rating_milli
                    .cmp(&fa.rating_milli)
                    .then(fb.rating_count.cmp(&fa.rating_count))
            };
            // Listings without a price (by quote) come last in a price order.
            let priced = fa.price.is_none().cmp(&fb.price.is_none());
            match sort {
                Sort::Relevance => b
                    .near
                    .cmp(&a.near)
                    .then(b.score.cmp(&a.score))
                    .then(fb.verified.cmp(&fa.verified))
                    .then_with(rating)
                    .then(newest),
                Sort::Newest => newest,
                Sort::PriceAsc => priced.then(fa.price.cmp(&fb.price)).then(newest),
                Sort::PriceDesc => priced.then(fb.price.cmp(&fa.price)).then(newest),
                Sort::Rating => rating().then(newest),
            }
        };
        let end = (page * per_page).min(total);
        let start = ((page - 1) * per_page).min(end);
        if end > 0 && end < total {
            hits.select_nth_unstable_by(end - 1, cmp);
            hits.truncate(end);
        }
        hits.sort_unstable_by(cmp);
        Results {
            total,
            page,
            per_page,
            hits: hits[start..end]
                .iter()
                .filter_map(|c| {
                    Some(Hit {
                        card: self.docs[c.slot as usize].as_ref()?.card.clone(),
                        serves_kecamatan: c.near,
                        score: c.score,
                    })
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MUARA_SABAK_TIMUR: &str = "15.07.01";
    const NIPAH_PANJANG: &str = "15.07.03";
    const DESA_NIPAH: &str = "15.07.03.2001";

    struct Fixture {
        index: Index,
    }

    #[allow(clippy::too_many_arguments)]
    fn row(
        id: i64,
        title: &str,
        category: &str,
        trade: &str,
        business: &str,
        description: &str,
        kecamatan: &str,
        price: Option<i64>,
    ) -> IndexRow {
        IndexRow {
            listing_id: id,
            business_id: id * 10,
            kind: "product".into(),
            title: title.into(),
            description: description.into(),
            category_id: id % 3,
            category: category.into(),
            trade_id: if trade == "Tata Boga" { 1 } else { 2 },
            trade: trade.into(),
            price_kind: if price.is_some() { "fixed" } else { "quote" }.into(),
            price,
            unit: "unit".into(),
            created_at: 1000 + id,
            live: true,
            business_name: business.into(),
            kecamatan_code: Some(kecamatan.into()),
            kecamatan_name: String::new(),
            verified: id % 2 == 0,
            rating_count: 0,
            rating_sum: 0,
            areas: Vec::new(),
        }
    }

    fn fixture() -> Fixture {
        let mut index = Index::new();
        index.set_synonyms(Synonyms::new([
            "servis, service, perbaikan, reparasi",
            "ac, pendingin ruangan, air conditioner",
            "ultah, ulang tahun, ulangtahun, birthday",
            "kue, roti, snack, jajanan",
            "jahit, menjahit, penjahit, jahitan",
        ]));
        let pendingin = "Teknik Pendingin dan Tata Udara";
        index.apply([
            row(
                1,
                "Service AC split",
                "Servis AC",
                pendingin,
                "Dingin Jaya",
                "Cuci dan isi freon",
                MUARA_SABAK_TIMUR,
                Some(150_000),
            ),
            row(
                2,
                "Kue Ulang Tahun Cokelat",
                "Kue ulang tahun",
                "Tata Boga",
                "Dapur Bu Sari",
                "Kue tart untuk ulang tahun anak",
                MUARA_SABAK_TIMUR,
                Some(250_000),
            ),
            row(
                3,
                "Jahit seragam sekolah",
                "Jahit pakaian",
                "Menjahit",
                "Rina Jahit",
                "Seragam SD sampai SMA",
                NIPAH_PANJANG,
                None,
            ),
            row(
                4,
                "Bolu pandan",
                "Kue kering dan basah",
                "Tata Boga",
                "Rumah Kue Nipah",
                "Bolu lembut",
                NIPAH_PANJANG,
                Some(60_000),
            ),
            row(
                5,
                "Pasang AC baru",
                "Instalasi AC",
                pendingin,
                "Sejuk Teknik",
                "Pemasangan unit AC",
                NIPAH_PANJANG,
                Some(350_000),
            ),
            row(
                6,
                "Bolu pandan",
                "Kue kering dan basah",
                "Tata Boga",
                "Rumah Kue Sabak",
                "Bolu lembut",
                MUARA_SABAK_TIMUR,
                Some(60_000),
            ),
            row(
                7,
                "Nasi kotak",
                "Katering",
                "Tata Boga",
                "Warung Snack Ani",
                "Lauk lengkap",
                MUARA_SABAK_TIMUR,
                Some(25_000),
            ),
        ]);
        Fixture { index }
    }

    fn ids(f: &Fixture, q: Query) -> Vec<i64> {
        f.index
            .search(&q)
            .hits
            .iter()
            .map(|h| h.card.listing_id)
            .collect()
    }

    fn text(f: &Fixture, text: &str) -> Vec<i64> {
        ids(
            f,
            Query {
                text: text.into(),
                ..Query::default()
            },
        )
    }

    #[test]
    fn synonyms_find_what_the_listing_calls_otherwise() {
        let f = fixture();
        assert_eq!(text(&f, "servis ac"), [1]);
        // "pendingin ruangan" is a phrase synonym of "ac".
        let cooling = text(&f, "pendingin ruangan");
        assert!(cooling.contains(&1) && cooling.contains(&5), "{cooling:?}");
        assert_eq!(text(&f, "kue ultah"), [2]);
        assert_eq!(text(&f, "menjahit"), [3]);
    }

    #[test]
    fn phrases_need_consecutive_words() {
        let f = fixture();
        // "ulang tahun" as a phrase is in listing 2; "tahun ulang" is not a phrase but both
        // words are there, in any order.
        assert_eq!(text(&f, "tahun ulang"), [2]);
        // "pendingin ruangan" must not match "Teknik Pendingin ..." without "ruangan".
        let mut f2 = Index::new();
        f2.set_synonyms(Synonyms::new(["xx, pendingin ruangan"]));
        f2.apply([row(
            9,
            "Pendingin ikan",
            "Lain",
            "Lain",
            "A",
            "ruangan besar",
            NIPAH_PANJANG,
            None,
        )]);
        assert!(
            f2.search(&Query {
                text: "pendingin ruangan".into(),
                ..Query::default()
            })
            .hits
            .is_empty()
        );
    }

    #[test]
    fn words_in_any_order_and_every_word_must_match() {
        let f = fixture();
        assert_eq!(text(&f, "ac servis"), [1]);
        assert_eq!(text(&f, "AC, split!"), [1]);
        assert!(text(&f, "servis kue").is_empty());
        assert!(text(&f, "zzzz").is_empty());
    }

    #[test]
    fn one_typo_in_a_long_word() {
        let f = fixture();
        assert_eq!(text(&f, "servce ac"), [1]);
        assert_eq!(text(&f, "jahitn seragam"), [3]);
        assert_eq!(text(&f, "seragma"), [3]);
        // Short words must be right: "bolo" is not "bolu".
        assert!(text(&f, "bolo").is_empty());
        // Two typos are too many.
        assert!(text(&f, "srvce ac").is_empty());
    }

    #[test]
    fn exact_words_and_titles_rank_above_synonyms_and_descriptions() {
        let f = fixture();
        // "kue" is in the titles of 2 and in the category of 4 and 6; "snack" (a synonym) only
        // in the business name of 7.
        let r = text(&f, "kue");
        assert_eq!(r[0], 2);
        assert_eq!(*r.last().unwrap(), 7);
        assert_eq!(r.len(), 4);
    }

    #[test]
    fn the_chosen_kecamatan_ranks_first_and_can_filter() {
        let f = fixture();
        // Listings 4 and 6 are the same bolu; the one in the searcher's kecamatan comes first.
        let near = |k: &str| {
            ids(
                &f,
                Query {
                    text: "bolu".into(),
                    kecamatan: Some(k.into()),
                    ..Query::default()
                },
            )
        };
        assert_eq!(near(NIPAH_PANJANG), [4, 6]);
        assert_eq!(near(MUARA_SABAK_TIMUR), [6, 4]);
        let only = ids(
            &f,
            Query {
                kecamatan: Some(NIPAH_PANJANG.into()),
                only_kecamatan: true,
                ..Query::default()
            },
        );
        let mut only_sorted = only.clone();
        only_sorted.sort();
        assert_eq!(only_sorted, [3, 4, 5]);
    }

    #[test]
    fn a_listing_serves_the_kecamatan_of_its_areas() {
        let mut f = fixture();
        let mut r = row(
            8,
            "Bolu pandan",
            "Kue kering dan basah",
            "Tata Boga",
            "Bolu Keliling",
            "",
            MUARA_SABAK_TIMUR,
            Some(60_000),
        );
        r.areas = vec![DESA_NIPAH.into()];
        r.created_at = 0;
        f.index.apply([r]);
        let found = ids(
            &f,
            Query {
                text: "bolu".into(),
                kecamatan: Some(NIPAH_PANJANG.into()),
                only_kecamatan: true,
                ..Query::default()
            },
        );
        let mut found_sorted = found.clone();
        found_sorted.sort();
        assert_eq!(found_sorted, [4, 8]);
    }

    #[test]
    fn filters_and_sorts() {
        let f = fixture();
        let q = |sort, min, max| {
            ids(
                &f,
                Query {
                    trade_id: Some(1),
                    sort,
                    min_price: min,
                    max_price: max,
                    ..Query::default()
                },
            )
        };
        assert_eq!(q(Sort::PriceAsc, None, None), [7, 6, 4, 2]);
        assert_eq!(q(Sort::PriceDesc, None, None), [2, 6, 4, 7]);
        assert_eq!(q(Sort::Newest, None, None), [7, 6, 4, 2]);
        assert_eq!(q(Sort::PriceAsc, Some(50_000), Some(100_000)), [6, 4]);
        // By quote: no price, so out of any price range, last in a price order.
        let all = ids(
            &f,
            Query {
                sort: Sort::PriceAsc,
                ..Query::default()
            },
        );
        assert_eq!(*all.last().unwrap(), 3);
        let verified = ids(
            &f,
            Query {
                verified_only: true,
                sort: Sort::Newest,
                ..Query::default()
            },
        );
        assert_eq!(verified, [6, 4, 2]);
    }

    #[test]
    fn pages_of_results() {
        let f = fixture();
        let r = f.index.search(&Query {
            per_page: 3,
            page: 3,
            sort: Sort::Newest,
            ..Query::default()
        });
        assert_eq!(r.total, 7);
        assert_eq!(r.pages(), 3);
        assert_eq!(
            r.hits.iter().map(|h| h.card.listing_id).collect::<Vec<_>>(),
            [1]
        );
        let beyond = f.index.search(&Query {
            per_page: 3,
            page: 9,
            ..Query::default()
        });
        assert!(beyond.hits.is_empty());
        assert_eq!(beyond.total, 7);
    }

    #[test]
    fn paused_or_changed_listings_leave_the_index() {
        let mut f = fixture();
        let mut paused = row(
            1,
            "Service AC split",
            "Servis AC",
            "x",
            "Dingin Jaya",
            "",
            MUARA_SABAK_TIMUR,
            None,
        );
        paused.live = false;
        f.index.apply([paused]);
        assert!(text(&f, "servis ac").is_empty());
        assert_eq!(f.index.len(), 6);
        // Renamed: the old words no longer find it.
        f.index.apply([row(
            3,
            "Permak celana",
            "Jahit pakaian",
            "Menjahit",
            "Rina",
            "",
            NIPAH_PANJANG,
            None,
        )]);
        assert!(text(&f, "seragam").is_empty());
        assert_eq!(text(&f, "permak"), [3]);
        // A free slot is reused.
        f.index.apply([row(
            11,
            "Roti tawar",
            "Roti",
            "Tata Boga",
            "B",
            "",
            NIPAH_PANJANG,
            Some(15_000),
        )]);
        assert_eq!(f.index.len(), 7);
        assert_eq!(text(&f, "roti tawar"), [11]);
    }

    #[test]
    fn kecamatan_codes() {
        assert_eq!(kecamatan_of("15.07.03.2001"), Some("15.07.03"));
        assert_eq!(kecamatan_of("15.07.03"), Some("15.07.03"));
        assert_eq!(kecamatan_of("15.07"), None);
    }
}
