//! Pictures drawn for the demo storefronts: simple flat illustrations (a cake, a snack box, an
//! air conditioner, a shirt, a comb and mirror, a computer, a motorcycle, a light bulb) in the
//! colours of each trade. They are encoded as PNG and then go through the same photo pipeline as
//! an alumna's phone camera upload.

use image::{ImageFormat, Rgb, RgbImage};

const W: u32 = 640;
const H: u32 = 480;

/// What a demo picture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Motif {
    Cake,
    SnackBox,
    Bread,
    AirConditioner,
    Shirt,
    Comb,
    Computer,
    Motorcycle,
    Bulb,
}

type Colour = [u8; 3];

struct Canvas(RgbImage);

impl Canvas {
    fn new(top: Colour, bottom: Colour) -> Canvas {
        let img = RgbImage::from_fn(W, H, |_, y| {
            let t = y as f32 / H as f32;
            Rgb(std::array::from_fn(|i| {
                (top[i] as f32 * (1.0 - t) + bottom[i] as f32 * t) as u8
            }))
        });
        Canvas(img)
    }

    fn put(&mut self, x: i32, y: i32, c: Colour) {
        if x >= 0 && y >= 0 && (x as u32) < W && (y as u32) < H {
            self.0.put_pixel(x as u32, y as u32, Rgb(c));
        }
    }

    fn rect(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, c: Colour) {
        for y in y0..y1 {
            for x in x0..x1 {
                self.put(x, y, c);
            }
        }
    }

    /// A rectangle with rounded corners of radius `r`.
    fn rounded(&mut self, x0: i32, y0: i32, x1: i32, y1: i32, r: i32, c: Colour) {
        for y in y0..y1 {
            for x in x0..x1 {
                let cx = x.clamp(x0 + r, x1 - 1 - r);
                let cy = y.clamp(y0 + r, y1 - 1 - r);
                if (x - cx).pow(2) + (y - cy).pow(2) <= r * r {
                    self.put(x, y, c);
                }
            }
        }
    }

    fn ellipse(&mut self, cx: i32, cy: i32, rx: i32, ry: i32, c: Colour) {
        for y in cy - ry..=cy + ry {
            for x in cx - rx..=cx + rx {
                let dx = (x - cx) as f32 / rx as f32;
                let dy = (y - cy) as f32 / ry as f32;
                if dx * dx + dy * dy <= 1.0 {
                    self.put(x, y, c);
                }
            }
        }
    }

    fn circle(&mut self, cx: i32, cy: i32, r: i32, c: Colour) {
        self.ellipse(cx, cy, r, r, c);
    }

    fn ring(&mut self, cx: i32, cy: i32, r: i32, width: i32, c: Colour) {
        for y in cy - r..=cy + r {
            for x in cx - r..=cx + r {
                let d2 = (x - cx).pow(2) + (y - cy).pow(2);
                if d2 <= r * r && d2 >= (r - width).pow(2) {
                    self.put(x, y, c);
                }
            }
        }
    }

    /// A filled polygon (even-odd rule, scanline).
    fn polygon(&mut self, points: &[(i32, i32)], c: Colour) {
        let (min_y, max_y) = points.iter().fold((i32::MAX, i32::MIN), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
        for y in min_y..=max_y {
            let yf = y as f32 + 0.5;
            let mut xs: Vec<f32> = Vec::new();
            for i in 0..points.len() {
                let (a, b) = (points[i], points[(i + 1) % points.len()]);
                let (ay, by) = (a.1 as f32, b.1 as f32);
                if (ay <= yf && by > yf) || (by <= yf && ay > yf) {
                    xs.push(a.0 as f32 + (yf - ay) / (by - ay) * (b.0 - a.0) as f32);
                }
            }
            xs.sort_by(f32::total_cmp);
            for pair in xs.chunks(2) {
                if let [from, to] = pair {
                    for x in from.round() as i32..to.round() as i32 {
                        self.put(x, y, c);
                    }
                }
            }
        }
    }

    fn line(&mut self, (x0, y0): (i32, i32), (x1, y1): (i32, i32), width: i32, c: Colour) {
        let steps = (x1 - x0).abs().max((y1 - y0).abs()).max(1);
        for i in 0..=steps {
            let x = x0 + (x1 - x0) * i / steps;
            let y = y0 + (y1 - y0) * i / steps;
            self.circle(x, y, width / 2, c);
        }
    }

    fn png(self) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        // Writing a PNG of a valid in-memory image into memory cannot fail.
        let _ = self.0.write_to(&mut out, ImageFormat::Png);
        out.into_inner()
    }
}

/// Tints a colour by `variant` so that two pictures of the same motif differ a little.
fn tint(c: Colour, variant: u32) -> Colour {
    let shift = (variant % 5) as i32 * 9 - 18;
    c.map(|v| (v as i32 + shift).clamp(0, 255) as u8)
}

const WHITE: Colour = [250, 250, 247];
const SHADOW: Colour = [60, 50, 45];

/// A 640×480 PNG of `motif`; `variant` changes the colours slightly.
pub fn draw(motif: Motif, variant: u32) -> Vec<u8> {
    match motif {
        Motif::Cake => cake(variant),
        Motif::SnackBox => snack_box(variant),
        Motif::Bread => bread(variant),
        Motif::AirConditioner => air_conditioner(variant),
        Motif::Shirt => shirt(variant),
        Motif::Comb => comb(variant),
        Motif::Computer => computer(variant),
        Motif::Motorcycle => motorcycle(variant),
        Motif::Bulb => bulb(variant),
    }
}

fn cake(v: u32) -> Vec<u8> {
    let mut c = Canvas::new([255, 236, 224], [246, 200, 190]);
    let cream = tint([255, 246, 235], v);
    let berry = tint([214, 64, 98], v);
    c.ellipse(320, 400, 220, 34, [225, 225, 230]);
    c.rounded(150, 260, 490, 395, 18, tint([196, 120, 80], v));
    c.rect(150, 260, 490, 292, cream);
    for x in (170..480).step_by(40) {
        c.ellipse(x, 294, 16, 12, cream);
    }
    c.rounded(205, 160, 435, 265, 14, tint([170, 96, 60], v));
    c.rect(205, 160, 435, 186, cream);
    for x in (222..430).step_by(36) {
        c.ellipse(x, 188, 13, 10, cream);
    }
    for x in [250, 290, 330, 370, 410] {
        c.rect(x - 5, 100, x + 5, 160, [120, 170, 230]);
        c.ellipse(x, 88, 8, 14, [255, 190, 60]);
        c.ellipse(x, 92, 4, 7, [255, 240, 170]);
    }
    for x in (180..470).step_by(56) {
        c.circle(x, 330, 11, berry);
    }
    c.png()
}

fn snack_box(v: u32) -> Vec<u8> {
    let mut c = Canvas::new([250, 244, 228], [232, 214, 186]);
    c.polygon(
        &[(110, 170), (530, 170), (500, 420), (140, 420)],
        tint([214, 170, 110], v),
    );
    c.polygon(
        &[(110, 170), (530, 170), (560, 120), (80, 120)],
        tint([236, 200, 140], v),
    );
    c.rect(140, 180, 500, 200, [190, 140, 86]);
    let pieces: [(i32, i32, Colour); 4] = [
        (210, 290, tint([120, 180, 90], v)),
        (320, 280, tint([230, 170, 60], v)),
        (430, 290, tint([150, 90, 60], v)),
        (265, 370, tint([240, 230, 200], v)),
    ];
    for (x, y, col) in pieces {
        c.ellipse(x, y + 6, 52, 30, SHADOW);
        c.ellipse(x, y, 52, 32, col);
        c.ellipse(x - 12, y - 10, 14, 7, WHITE);
    }
    c.rounded(370, 345, 470, 400, 10, tint([200, 60, 70], v));
    c.png()
}

fn bread(v: u32) -> Vec<u8> {
    let mut c = Canvas::new([252, 240, 220], [236, 212, 176]);
    c.ellipse(320, 390, 240, 40, [205, 170, 120]);
    for (i, x) in [200, 320, 440].into_iter().enumerate() {
        let y = 300 - (i as i32 % 2) * 20;
        c.ellipse(x, y + 10, 95, 70, SHADOW);
        c.ellipse(x, y, 95, 70, tint([214, 150, 80], v + i as u32));
        c.ellipse(x - 20, y - 25, 40, 18, tint([236, 190, 120], v));
        for dx in [-40, 0, 40] {
            c.line(
                (x + dx - 10, y - 30),
                (x + dx + 12, y + 10),
                6,
                [170, 104, 50],
            );
        }
    }
    c.png()
}

fn air_conditioner(v: u32) -> Vec<u8> {
    let mut c = Canvas::new([226, 240, 252], [190, 216, 240]);
    c.rounded(90, 110, 550, 270, 28, SHADOW);
    c.rounded(90, 100, 550, 260, 28, WHITE);
    c.rect(120, 215, 520, 228, [200, 206, 214]);
    c.rect(120, 236, 520, 244, [200, 206, 214]);
    c.circle(500, 140, 8, tint([60, 200, 120], v));
    c.rect(120, 130, 300, 150, [225, 230, 236]);
    for (i, x) in [170, 250, 330, 410, 490].into_iter().enumerate() {
        let sway = (i as i32 - 2) * 14;
        for k in 0..4 {
            let y = 290 + k * 40;
            c.line(
                (x + sway * k / 2, y),
                (x + sway * (k + 1) / 2, y + 24),
                8,
                tint([90, 160, 230], v),
            );
        }
    }
    c.png()
}

fn shirt(v: u32) -> Vec<u8> {
    let mut c = Canvas::new([238, 236, 250], [210, 206, 234]);
    let cloth = tint([60, 96, 170], v);
    c.polygon(
        &[
            (250, 90),
            (390, 90),
            (520, 160),
            (480, 250),
            (430, 225),
            (430, 420),
            (210, 420),
            (210, 225),
            (160, 250),
            (120, 160),
        ],
        cloth,
    );
    c.polygon(
        &[
            (250, 90),
            (320, 150),
            (390, 90),
            (360, 88),
            (320, 120),
            (280, 88),
        ],
        WHITE,
    );
    c.rect(316, 150, 324, 420, tint([40, 70, 130], v));
    for y in (180..400).step_by(55) {
        c.circle(334, y, 7, WHITE);
    }
    c.rect(360, 250, 410, 256, tint([40, 70, 130], v));
    // A tape measure across the corner.
    c.line((80, 440), (600, 330), 18, [240, 200, 60]);
    for k in 0..20 {
        let x = 100 + k * 25;
        let y = 436 - k * 25 * 110 / 520;
        c.line((x, y - 6), (x, y + 2), 3, SHADOW);
    }
    c.png()
}

fn comb(v: u32) -> Vec<u8> {
    let mut c = Canvas::new([252, 232, 240], [236, 196, 214]);
    c.circle(250, 210, 130, tint([200, 150, 170], v));
    c.circle(250, 210, 112, [230, 244, 250]);
    c.ellipse(215, 170, 40, 22, WHITE);
    c.rounded(236, 330, 264, 440, 10, tint([200, 150, 170], v));
    c.rounded(400, 110, 450, 420, 12, tint([60, 50, 70], v));
    for y in (130..400).step_by(16) {
        c.rect(450, y, 520, y + 8, tint([60, 50, 70], v));
    }
    c.png()
}

fn computer(v: u32) -> Vec<u8> {
    let mut c = Canvas::new([230, 238, 246], [200, 212, 226]);
    c.rounded(130, 80, 510, 330, 16, [50, 56, 66]);
    c.rect(150, 100, 490, 310, tint([70, 140, 210], v));
    c.rect(170, 125, 330, 140, WHITE);
    c.rect(170, 155, 420, 166, [200, 226, 246]);
    c.rect(170, 180, 390, 191, [200, 226, 246]);
    c.rect(170, 205, 440, 216, [200, 226, 246]);
    c.rect(290, 330, 350, 380, [80, 86, 96]);
    c.rounded(230, 372, 410, 392, 8, [80, 86, 96]);
    c.rounded(150, 410, 490, 450, 10, [230, 232, 236]);
    for x in (165..480).step_by(26) {
        c.rect(x, 418, x + 18, 428, [180, 184, 190]);
        c.rect(x, 434, x + 18, 444, [180, 184, 190]);
    }
    c.png()
}

fn motorcycle(v: u32) -> Vec<u8> {
    let mut c = Canvas::new([236, 240, 236], [200, 210, 200]);
    c.rect(0, 400, W as i32, H as i32, [150, 156, 150]);
    c.ring(170, 340, 70, 18, [40, 40, 44]);
    c.ring(470, 340, 70, 18, [40, 40, 44]);
    c.circle(170, 340, 14, [160, 160, 170]);
    c.circle(470, 340, 14, [160, 160, 170]);
    let body = tint([200, 40, 40], v);
    c.polygon(
        &[
            (190, 300),
            (300, 230),
            (420, 230),
            (470, 300),
            (380, 330),
            (260, 330),
        ],
        body,
    );
    c.rounded(250, 200, 380, 235, 14, [40, 40, 44]);
    c.line((420, 230), (470, 150), 12, [90, 90, 96]);
    c.line((450, 150), (500, 140), 10, [40, 40, 44]);
    c.line((470, 300), (470, 340), 10, [90, 90, 96]);
    c.circle(500, 200, 16, [255, 220, 120]);
    // A spanner.
    c.line((60, 120), (160, 60), 14, [140, 146, 156]);
    c.ring(52, 126, 20, 10, [140, 146, 156]);
    c.png()
}

fn bulb(v: u32) -> Vec<u8> {
    let mut c = Canvas::new([40, 44, 70], [70, 66, 110]);
    c.circle(320, 200, 150, tint([90, 86, 130], v));
    c.circle(320, 190, 100, tint([255, 226, 110], v));
    c.polygon(
        &[(270, 250), (370, 250), (350, 320), (290, 320)],
        tint([255, 226, 110], v),
    );
    c.ellipse(290, 160, 26, 36, [255, 246, 200]);
    for (i, y) in [325, 345, 365].into_iter().enumerate() {
        c.rounded(
            288,
            y,
            352,
            y + 14,
            6,
            if i % 2 == 0 {
                [190, 194, 200]
            } else {
                [150, 154, 160]
            },
        );
    }
    c.rounded(305, 380, 335, 395, 6, [90, 94, 100]);
    c.polygon(
        &[
            (470, 80),
            (430, 170),
            (465, 170),
            (440, 250),
            (520, 140),
            (480, 140),
            (505, 80),
        ],
        [255, 200, 60],
    );
    c.png()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_motif_draws_a_decodable_picture_and_variants_differ() {
        for motif in [
            Motif::Cake,
            Motif::SnackBox,
            Motif::Bread,
            Motif::AirConditioner,
            Motif::Shirt,
            Motif::Comb,
            Motif::Computer,
            Motif::Motorcycle,
            Motif::Bulb,
        ] {
            let png = draw(motif, 0);
            let img = image::load_from_memory(&png).expect("decodes");
            assert_eq!((img.width(), img.height()), (W, H), "{motif:?}");
            assert_ne!(png, draw(motif, 1), "{motif:?}");
        }
    }
}

#[cfg(test)]
mod look {
    /// `KARYA_PICTURES=dir cargo test --lib demo::pictures::look` writes every motif to `dir`.
    #[test]
    fn write_pictures_for_a_look() {
        let Ok(dir) = std::env::var("KARYA_PICTURES") else {
            return;
        };
        for (i, motif) in [
            super::Motif::Cake,
            super::Motif::SnackBox,
            super::Motif::Bread,
            super::Motif::AirConditioner,
            super::Motif::Shirt,
            super::Motif::Comb,
            super::Motif::Computer,
            super::Motif::Motorcycle,
            super::Motif::Bulb,
        ]
        .into_iter()
        .enumerate()
        {
            std::fs::write(format!("{dir}/{i}.png"), super::draw(motif, 0)).expect("write");
        }
    }
}
