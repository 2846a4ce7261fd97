//! Spreadsheet files built at test time. rust_xlsxwriter writes xlsx; nothing in the dependency
//! tree writes ods or xls, and the `zip` crate, though in the tree (via calamine and
//! rust_xlsxwriter), is not a dependency of ours, so ODS archives and compound files are
//! assembled here byte by byte: a ZIP with stored (uncompressed) entries and a version-3
//! compound file holding empty streams.

/// CRC-32 (IEEE), as ZIP requires for every entry.
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

/// A ZIP archive whose entries are stored without compression, in the given order.
pub(crate) fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let name_len = name.len() as u16;
        // Local file header.
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        out.extend_from_slice(&0u16.to_le_bytes()); // time
        out.extend_from_slice(&0x21u16.to_le_bytes()); // date: 1980-01-01
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra length
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        // Central directory header.
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        central.extend_from_slice(&20u16.to_le_bytes()); // version needed
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0x21u16.to_le_bytes());
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&name_len.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes()); // extra
        central.extend_from_slice(&0u16.to_le_bytes()); // comment
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    let central_size = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&central_size.to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

const ODS_MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#;

/// An ODS file with the given `content.xml` body (the `<table:table>` elements).
pub(crate) fn ods(tables: &str) -> Vec<u8> {
    ods_with_mime("application/vnd.oasis.opendocument.spreadsheet", tables)
}

pub(crate) fn ods_with_mime(mime: &str, tables: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
    );
    stored_zip(&[
        ("mimetype", mime.as_bytes()),
        ("META-INF/manifest.xml", ODS_MANIFEST.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

/// A version-3 compound file (512-byte sectors) whose root storage holds empty streams with the
/// given names: enough for anything that only looks at the directory.
pub(crate) fn cfb_with_streams(names: &[&str]) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    const NONE: u32 = 0xFFFF_FFFF;
    assert!(names.len() < 4, "one directory sector holds four entries");

    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let put16 = |b: &mut [u8], at: usize, v: u16| b[at..at + 2].copy_from_slice(&v.to_le_bytes());
    let put32 = |b: &mut [u8], at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put16(&mut header, 0x18, 0x003E); // minor version
    put16(&mut header, 0x1A, 0x0003); // major version
    put16(&mut header, 0x1C, 0xFFFE); // byte order
    put16(&mut header, 0x1E, 9); // sector shift: 512
    put16(&mut header, 0x20, 6); // mini sector shift: 64
    put32(&mut header, 0x2C, 1); // FAT sectors
    put32(&mut header, 0x30, 1); // first directory sector
    put32(&mut header, 0x38, 0x1000); // mini stream cutoff
    put32(&mut header, 0x3C, END); // no mini FAT
    put32(&mut header, 0x44, END); // no DIFAT sectors
    put32(&mut header, 0x4C, 0); // the FAT is sector 0
    for i in 1..109 {
        put32(&mut header, 0x4C + 4 * i, FREE);
    }

    let mut fat = vec![0u8; 512];
    put32(&mut fat, 0, 0xFFFF_FFFD); // sector 0: FAT
    put32(&mut fat, 4, END); // sector 1: directory, one sector
    for i in 2..128 {
        put32(&mut fat, 4 * i, FREE);
    }

    let mut dir = vec![0u8; 512];
    let entry = |dir: &mut Vec<u8>, i: usize, name: &str, kind: u8, child: u32, right: u32| {
        let e = &mut dir[i * 128..(i + 1) * 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (k, u) in units.iter().enumerate() {
            e[2 * k..2 * k + 2].copy_from_slice(&u.to_le_bytes());
        }
        put16(e, 0x40, ((units.len() + 1) * 2) as u16);
        e[0x42] = kind;
        e[0x43] = 1; // black
        put32(e, 0x44, NONE); // left sibling
        put32(e, 0x48, right);
        put32(e, 0x4C, child);
        put32(e, 0x74, END); // start sector
        put32(e, 0x78, 0); // size
    };
    entry(
        &mut dir,
        0,
        "Root Entry",
        5,
        if names.is_empty() { NONE } else { 1 },
        NONE,
    );
    for (i, name) in names.iter().enumerate() {
        let right = if i + 1 < names.len() {
            (i + 2) as u32
        } else {
            NONE
        };
        entry(&mut dir, i + 1, name, 2, NONE, right);
    }
    // Unused entries: no name, sibling and child fields "none".
    for i in names.len() + 1..4 {
        let e = &mut dir[i * 128..(i + 1) * 128];
        put32(e, 0x44, NONE);
        put32(e, 0x48, NONE);
        put32(e, 0x4C, NONE);
    }

    [header, fat, dir].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
