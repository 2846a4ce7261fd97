//! What the demo storefronts sell: per trade, the categories and the listings an alumnus of that
//! trade in Tanjung Jabung Timur would offer, with prices of the district in 2026.

use super::pictures::Motif;

/// How a demo listing is priced.
#[derive(Debug, Clone, Copy)]
pub enum Price {
    Fixed(i64),
    From(i64),
    Quote,
}

/// One listing an alumnus of the trade may offer.
#[derive(Debug, Clone, Copy)]
pub struct Offer {
    pub category: &'static str,
    pub service: bool,
    pub title: &'static str,
    pub description: &'static str,
    pub price: Price,
    /// Price for government offices (tax and paperwork included), when it differs.
    pub office_price: Option<i64>,
    pub unit: &'static str,
    pub min_order: i64,
    pub lead_days: i64,
    pub motif: Option<Motif>,
}

const fn offer(
    category: &'static str,
    service: bool,
    title: &'static str,
    description: &'static str,
    price: Price,
    unit: &'static str,
) -> Offer {
    Offer {
        category,
        service,
        title,
        description,
        price,
        office_price: None,
        unit,
        min_order: 1,
        lead_days: 0,
        motif: None,
    }
}

impl Offer {
    const fn min(mut self, n: i64) -> Offer {
        self.min_order = n;
        self
    }
    const fn lead(mut self, days: i64) -> Offer {
        self.lead_days = days;
        self
    }
    const fn office(mut self, price: i64) -> Offer {
        self.office_price = Some(price);
        self
    }
    const fn pic(mut self, motif: Motif) -> Offer {
        self.motif = Some(motif);
        self
    }
}

/// The categories and offers of a trade, by the trade's code in the demo register.
pub fn for_trade(code: &str) -> (&'static [&'static str], &'static [Offer]) {
    match code {
        "TBG" => (TBG_CATEGORIES, TBG),
        "RAC" => (RAC_CATEGORIES, RAC),
        "JHT" => (JHT_CATEGORIES, JHT),
        "TKR" => (TKR_CATEGORIES, TKR),
        "TIK" => (TIK_CATEGORIES, TIK),
        "OTO" => (OTO_CATEGORIES, OTO),
        "LIS" => (LIS_CATEGORIES, LIS),
        _ => (&[], &[]),
    }
}

const TBG_CATEGORIES: &[&str] = &["Kue ulang tahun", "Snack box", "Roti", "Kue kering"];
const TBG: &[Offer] = &[
    offer(
        "Kue ulang tahun",
        false,
        "Kue Ulang Tahun Bolu Pandan 20 cm",
        "Bolu pandan lembut dengan krim mentega, hiasan nama dan lilin. Bisa minta tema warna.",
        Price::Fixed(185_000),
        "loyang",
    )
    .lead(2)
    .pic(Motif::Cake),
    offer(
        "Kue ulang tahun",
        false,
        "Black Forest Ulang Tahun 22 cm",
        "Black forest dengan ceri dan serutan cokelat, tulisan ucapan gratis.",
        Price::Fixed(230_000),
        "loyang",
    )
    .lead(2)
    .pic(Motif::Cake),
    offer(
        "Kue ulang tahun",
        false,
        "Kue Tart Custom Karakter",
        "Tart dengan hiasan karakter pilihan anak. Harga menyesuaikan ukuran dan tingkat.",
        Price::From(275_000),
        "loyang",
    )
    .lead(3)
    .pic(Motif::Cake),
    offer(
        "Snack box",
        false,
        "Snack Box Rapat Isi 3 Kue",
        "Kotak kue untuk rapat: lemper, bolu kukus, dan risol, ditambah air mineral gelas.",
        Price::Fixed(12_000),
        "kotak",
    )
    .min(20)
    .lead(1)
    .office(13_500)
    .pic(Motif::SnackBox),
    offer(
        "Snack box",
        false,
        "Snack Box Premium Isi 5",
        "Isi lima: pastel, kue lapis, sus vla, dadar gulung, dan buah potong.",
        Price::Fixed(18_000),
        "kotak",
    )
    .min(20)
    .lead(1)
    .office(20_000)
    .pic(Motif::SnackBox),
    offer(
        "Snack box",
        false,
        "Nasi Kotak Acara Kantor",
        "Nasi, ayam bakar, sayur, sambal, kerupuk, dan buah. Untuk rapat dan syukuran.",
        Price::Fixed(28_000),
        "kotak",
    )
    .min(25)
    .lead(2)
    .office(30_000),
    offer(
        "Roti",
        false,
        "Roti Manis Isi Cokelat dan Keju",
        "Roti manis empuk isi cokelat atau keju, dibuat pagi hari.",
        Price::Fixed(4_000),
        "buah",
    )
    .min(10)
    .pic(Motif::Bread),
    offer(
        "Roti",
        false,
        "Roti Tawar Kupas",
        "Roti tawar tanpa pengawet, cocok untuk sarapan.",
        Price::Fixed(17_000),
        "bungkus",
    )
    .pic(Motif::Bread),
    offer(
        "Kue kering",
        false,
        "Nastar Lebaran 500 gram",
        "Nastar selai nanas buatan sendiri dalam toples.",
        Price::Fixed(95_000),
        "toples",
    )
    .lead(3),
    offer(
        "Snack box",
        false,
        "Kue Basah untuk Hajatan",
        "Aneka kue basah tradisional untuk hajatan dan pengajian, dihitung per biji.",
        Price::Quote,
        "paket",
    )
    .lead(3),
];

const RAC_CATEGORIES: &[&str] = &["Servis AC", "Pasang AC", "Perbaikan AC"];
const RAC: &[Offer] = &[
    offer(
        "Servis AC",
        true,
        "Servis Cuci AC Split 0,5–1 PK",
        "Cuci indoor dan outdoor, cek tekanan freon dan arus listrik. Bergaransi 14 hari.",
        Price::Fixed(75_000),
        "unit AC",
    )
    .office(85_000)
    .pic(Motif::AirConditioner),
    offer(
        "Servis AC",
        true,
        "Servis Cuci AC Split 1,5–2 PK",
        "Cuci besar unit 1,5–2 PK termasuk pembersihan saluran pembuangan.",
        Price::Fixed(95_000),
        "unit AC",
    )
    .office(105_000)
    .pic(Motif::AirConditioner),
    offer(
        "Perbaikan AC",
        true,
        "Isi Freon R32/R410A",
        "Tambah atau isi penuh freon sesuai kebutuhan, dengan pengecekan kebocoran.",
        Price::From(150_000),
        "unit AC",
    )
    .pic(Motif::AirConditioner),
    offer(
        "Pasang AC",
        true,
        "Pasang AC Baru (Pipa sampai 3 m)",
        "Pemasangan unit baru, termasuk bracket, pipa 3 meter, dan vakum.",
        Price::Fixed(350_000),
        "unit AC",
    )
    .lead(1)
    .office(400_000),
    offer(
        "Perbaikan AC",
        true,
        "Perbaikan AC Tidak Dingin / Bocor Air",
        "Pengecekan kerusakan di lokasi; biaya perbaikan sesuai hasil survei.",
        Price::Quote,
        "kunjungan",
    ),
    offer(
        "Servis AC",
        true,
        "Servis Rutin AC Kantor (Kontrak)",
        "Perawatan berkala untuk kantor dan sekolah, jadwal dan jumlah unit sesuai kebutuhan.",
        Price::Quote,
        "paket",
    )
    .pic(Motif::AirConditioner),
];

const JHT_CATEGORIES: &[&str] = &["Jahit seragam", "Jahit pakaian", "Permak"];
const JHT: &[Offer] = &[
    offer(
        "Jahit seragam",
        true,
        "Jahit Seragam Kantor (PDH/PDL)",
        "Jahit seragam dinas dari bahan pemesan, termasuk bordir nama. Ukur di tempat.",
        Price::From(175_000),
        "potong",
    )
    .min(5)
    .lead(14)
    .office(195_000)
    .pic(Motif::Shirt),
    offer(
        "Jahit seragam",
        true,
        "Jahit Seragam Sekolah",
        "Kemeja dan rok/celana seragam sekolah, bahan dari pemesan.",
        Price::Fixed(120_000),
        "stel",
    )
    .lead(7)
    .pic(Motif::Shirt),
    offer(
        "Jahit pakaian",
        true,
        "Jahit Kebaya Modern",
        "Kebaya untuk wisuda dan kondangan, model sesuai permintaan.",
        Price::From(250_000),
        "potong",
    )
    .lead(10)
    .pic(Motif::Shirt),
    offer(
        "Permak",
        true,
        "Permak Celana dan Baju",
        "Potong, kecilkan, atau ganti resleting. Bisa ditunggu untuk pekerjaan kecil.",
        Price::Fixed(20_000),
        "potong",
    ),
    offer(
        "Jahit seragam",
        true,
        "Seragam Batik Instansi (Partai Besar)",
        "Pesanan seragam batik untuk instansi atau kelompok, harga sesuai bahan dan jumlah.",
        Price::Quote,
        "paket",
    )
    .min(10),
];

const TKR_CATEGORIES: &[&str] = &["Potong rambut", "Rias"];
const TKR: &[Offer] = &[
    offer(
        "Potong rambut",
        true,
        "Potong dan Tata Rambut Wanita",
        "Potong, cuci, dan blow. Bisa datang ke rumah dengan biaya transport.",
        Price::Fixed(45_000),
        "orang",
    )
    .pic(Motif::Comb),
    offer(
        "Rias",
        true,
        "Make Up Wisuda dan Kondangan",
        "Rias wajah dan hijab do untuk wisuda, kondangan, dan foto.",
        Price::Fixed(150_000),
        "orang",
    )
    .lead(1)
    .pic(Motif::Comb),
    offer(
        "Rias",
        true,
        "Rias Pengantin Adat Melayu Jambi",
        "Paket rias pengantin dengan sanggul dan busana adat. Harga sesuai paket.",
        Price::Quote,
        "paket",
    )
    .lead(14),
    offer(
        "Potong rambut",
        true,
        "Creambath dan Hair Spa",
        "Perawatan rambut dengan pijat kepala.",
        Price::Fixed(65_000),
        "orang",
    ),
];

const TIK_CATEGORIES: &[&str] = &["Servis komputer", "Pengetikan dan cetak"];
const TIK: &[Offer] = &[
    offer(
        "Servis komputer",
        true,
        "Instal Ulang Windows dan Aplikasi Kantor",
        "Instal ulang laptop/komputer, driver, antivirus, dan aplikasi perkantoran.",
        Price::Fixed(100_000),
        "unit",
    )
    .pic(Motif::Computer),
    offer(
        "Servis komputer",
        true,
        "Servis Laptop dan Printer",
        "Perbaikan laptop lambat, ganti keyboard, reset printer. Biaya suku cadang terpisah.",
        Price::From(75_000),
        "unit",
    )
    .pic(Motif::Computer),
    offer(
        "Pengetikan dan cetak",
        true,
        "Pengetikan dan Cetak Dokumen",
        "Ketik, edit, dan cetak dokumen, proposal, atau laporan.",
        Price::Fixed(5_000),
        "halaman",
    ),
    offer(
        "Pengetikan dan cetak",
        true,
        "Desain Spanduk dan Undangan",
        "Desain grafis spanduk, undangan, dan brosur; cetak di mitra percetakan.",
        Price::From(50_000),
        "desain",
    )
    .lead(2),
];

const OTO_CATEGORIES: &[&str] = &["Servis motor", "Suku cadang"];
const OTO: &[Offer] = &[
    offer(
        "Servis motor",
        true,
        "Servis Ringan Sepeda Motor",
        "Ganti oli, setel rem dan rantai, cek busi dan aki.",
        Price::Fixed(60_000),
        "motor",
    )
    .office(70_000)
    .pic(Motif::Motorcycle),
    offer(
        "Servis motor",
        true,
        "Servis Besar / Turun Mesin",
        "Bongkar mesin, ganti ring piston dan kampas; harga sesuai kerusakan.",
        Price::Quote,
        "motor",
    )
    .pic(Motif::Motorcycle),
    offer(
        "Servis motor",
        true,
        "Servis Injeksi dan CVT Matic",
        "Pembersihan injektor dan throttle body, servis CVT motor matic.",
        Price::From(85_000),
        "motor",
    )
    .pic(Motif::Motorcycle),
    offer(
        "Suku cadang",
        false,
        "Ganti Ban Tubeless",
        "Ban tubeless ring 14 termasuk pemasangan.",
        Price::Fixed(230_000),
        "buah",
    ),
];

const LIS_CATEGORIES: &[&str] = &["Instalasi listrik", "Perbaikan listrik"];
const LIS: &[Offer] = &[
    offer(
        "Instalasi listrik",
        true,
        "Instalasi Listrik Rumah Baru",
        "Instalasi titik lampu dan stop kontak sesuai PUIL, siap uji SLO.",
        Price::From(75_000),
        "titik",
    )
    .lead(2)
    .pic(Motif::Bulb),
    offer(
        "Perbaikan listrik",
        true,
        "Perbaikan Korsleting dan MCB Turun",
        "Cari dan perbaiki sumber korsleting, ganti MCB atau kabel rusak.",
        Price::From(100_000),
        "kunjungan",
    )
    .pic(Motif::Bulb),
    offer(
        "Instalasi listrik",
        true,
        "Pasang Lampu dan Stop Kontak",
        "Tambah titik lampu atau stop kontak, bahan dari pemesan atau kami.",
        Price::Fixed(50_000),
        "titik",
    )
    .office(60_000),
    offer(
        "Instalasi listrik",
        true,
        "Instalasi Listrik Gedung Kantor",
        "Penataan ulang instalasi kantor atau sekolah; biaya sesuai survei.",
        Price::Quote,
        "paket",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_trade_has_offers_in_its_own_categories() {
        for code in ["TBG", "RAC", "JHT", "TKR", "TIK", "OTO", "LIS"] {
            let (categories, offers) = for_trade(code);
            assert!(offers.len() >= 4, "{code}");
            for o in offers {
                assert!(categories.contains(&o.category), "{code}: {}", o.title);
            }
        }
    }
}
