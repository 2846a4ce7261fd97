//! Charts as inline SVG, drawn on the server: no script, readable at 360 px (a `viewBox` scaled
//! to the width), with a `<title>` and `<desc>` for screen readers and every text escaped. The
//! page shows the same numbers in a table beside the chart.

use std::fmt::Write;

/// The palette of `static/karya.css`.
pub const GREEN: &str = "#0b6e4f";
pub const AMBER: &str = "#b7791f";
const INK: &str = "#1b1f23";
const MUTED: &str = "#5a6470";
const LINE: &str = "#d9dee3";

/// One stacked series: its name in the legend and its fill.
pub struct Series<'a> {
    pub name: &'a str,
    pub colour: &'a str,
}

/// One bar: its label under the axis and one value per series (stacked from the bottom).
pub struct Bar {
    pub label: String,
    /// A longer label for the bar's tooltip ("Jul 2026").
    pub long_label: String,
    pub values: Vec<i64>,
}

/// A vertical stacked bar chart of Rupiah amounts.
pub struct StackedBars<'a> {
    /// Unique on the page: the `<title>` and `<desc>` ids derive from it.
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub series: &'a [Series<'a>],
    pub bars: &'a [Bar],
    /// Shown across the plot when every value is zero.
    pub empty: &'a str,
}

const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 54.0;
const RIGHT: f64 = 6.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 22.0;

/// Text safe inside SVG elements and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A Rupiah amount abbreviated for an axis: `Rp4,2 jt`, `Rp850 rb`, `Rp1,5 M`, `Rp0`.
pub fn short_rupiah(amount: i64) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let a = amount.unsigned_abs();
    let (unit, suffix) = match a {
        1_000_000_000.. => (1_000_000_000, " M"),
        1_000_000.. => (1_000_000, " jt"),
        1_000.. => (1_000, " rb"),
        _ => return format!("{sign}Rp{a}"),
    };
    // Tenths, rounded half up.
    let tenths = (a * 10 + unit / 2) / unit;
    let (whole, tenth) = (tenths / 10, tenths % 10);
    if tenth == 0 || whole >= 100 {
        format!("{sign}Rp{}{suffix}", (a + unit / 2) / unit)
    } else {
        format!("{sign}Rp{whole},{tenth}{suffix}")
    }
}

/// A round step so that about four steps cover `max`.
fn nice_step(max: i64) -> i64 {
    let raw = (max + 3) / 4;
    let mut magnitude = 1i64;
    while magnitude.saturating_mul(10) <= raw {
        magnitude *= 10;
    }
    for m in [1, 2, 5, 10] {
        if magnitude.saturating_mul(m) >= raw {
            return magnitude.saturating_mul(m).max(1);
        }
    }
    magnitude.saturating_mul(10)
}

/// The chart as an `<svg>` element.
pub fn stacked_bars(chart: &StackedBars) -> String {
    let id = escape(chart.id);
    let max = chart
        .bars
        .iter()
        .map(|b| b.values.iter().map(|v| (*v).max(0)).sum::<i64>())
        .max()
        .unwrap_or(0);
    let step = nice_step(max.max(1));
    let steps = if max == 0 { 1 } else { (max + step - 1) / step };
    let top_value = (step * steps) as f64;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let plot_w = WIDTH - LEFT - RIGHT;
    let y_of = |v: f64| TOP + plot_h - v / top_value * plot_h;

    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(chart.title),
        escape(chart.desc)
    );
    // Legend.
    let mut x = LEFT;
    for series in chart.series {
        let _ = write!(
            s,
            r#"<rect x="{x}" y="6" width="12" height="12" rx="2" fill="{}"/><text x="{}" y="16" font-size="12" fill="{INK}">{}</text>"#,
            escape(series.colour),
            x + 16.0,
            escape(series.name)
        );
        // System fonts run about 0.62 em a character; leave a gap after the name.
        x += 32.0 + 8.0 * series.name.chars().count() as f64;
    }
    // Grid lines and amounts.
    for i in 0..=steps {
        let v = step * i;
        let y = y_of(v as f64);
        let _ = write!(
            s,
            r#"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="{LINE}" stroke-width="1"/><text x="{}" y="{:.1}" font-size="12" text-anchor="end" fill="{MUTED}">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 4.0,
            y + 4.0,
            escape(&short_rupiah(v))
        );
    }
    // Bars.
    let slot = plot_w / chart.bars.len().max(1) as f64;
    let bar_w = (slot * 0.64).max(1.0);
    for (i, bar) in chart.bars.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar_w) / 2.0;
        let mut base = 0i64;
        for (value, series) in bar.values.iter().zip(chart.series) {
            let value = (*value).max(0);
            if value > 0 {
                let y_top = y_of((base + value) as f64);
                let h = y_of(base as f64) - y_top;
                let _ = write!(
                    s,
                    r#"<rect x="{x:.1}" y="{y_top:.1}" width="{bar_w:.1}" height="{h:.1}" fill="{}"><title>{}</title></rect>"#,
                    escape(series.colour),
                    escape(&format!(
                        "{} · {}: {}",
                        bar.long_label,
                        series.name,
                        short_rupiah(value)
                    ))
                );
            }
            base += value;
        }
        axis_label(&mut s, LEFT + slot * i as f64 + slot / 2.0, &bar.label);
    }
    close_plot(&mut s, max == 0, chart.empty, plot_w, plot_h)
}

/// One item of a bar chart: its label and one value per series, with the text shown for it
/// (the same text as the data table's cell).
pub struct BarItem {
    pub label: String,
    pub values: Vec<(i64, String)>,
}

/// Horizontal bars, one group per item and one bar per series: long labels (trade names) stay
/// readable at 360 px. Each bar carries `data-label`, `data-series` and `data-value` (its text).
pub struct Bars<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub series: &'a [Series<'a>],
    pub items: &'a [BarItem],
    pub empty: &'a str,
}

/// The bar chart as an `<svg>` element.
pub fn bars(chart: &Bars) -> String {
    let id = escape(chart.id);
    let n = chart.series.len().max(1);
    let legend_h = if chart.series.len() > 1 { 24.0 } else { 4.0 };
    let item_h = 18.0 + 14.0 * n as f64 + 8.0;
    let height = legend_h + item_h * chart.items.len().max(1) as f64;
    let max = chart
        .items
        .iter()
        .flat_map(|i| i.values.iter().map(|(v, _)| (*v).max(0)))
        .max()
        .unwrap_or(0);
    // Room right of the longest bar for the longest value ("Rp194.482.500"), at about 6.5
    // units a character of the 11-unit font.
    let longest = chart
        .items
        .iter()
        .flat_map(|i| i.values.iter().map(|(_, t)| t.chars().count()))
        .max()
        .unwrap_or(0);
    let plot_w = (WIDTH - 8.0 - 6.5 * longest as f64).max(WIDTH / 2.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" id="{id}" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(chart.title),
        escape(chart.desc)
    );
    if chart.series.len() > 1 {
        legend(&mut s, chart.series, 0.0);
    }
    for (i, item) in chart.items.iter().enumerate() {
        let top = legend_h + item_h * i as f64;
        let _ = write!(
            s,
            r#"<text x="0" y="{:.1}" font-size="12" fill="{INK}">{}</text>"#,
            top + 13.0,
            escape(&item.label)
        );
        for (k, ((value, text), series)) in item.values.iter().zip(chart.series).enumerate() {
            let y = top + 18.0 + 14.0 * k as f64;
            let w = if max > 0 {
                (*value).max(0) as f64 / max as f64 * plot_w
            } else {
                0.0
            };
            let _ = write!(
                s,
                r#"<rect x="0" y="{y:.1}" width="{w:.1}" height="11" fill="{}" data-label="{}" data-series="{}" data-value="{}"><title>{}</title></rect><text x="{:.1}" y="{:.1}" font-size="11" fill="{INK}">{}</text>"#,
                escape(series.colour),
                escape(&item.label),
                escape(series.name),
                escape(text),
                escape(&format!("{} · {}: {}", item.label, series.name, text)),
                w + 4.0,
                y + 10.0,
                escape(text)
            );
        }
    }
    if max == 0 && !chart.empty.is_empty() {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="13" text-anchor="middle" fill="{MUTED}">{}</text>"#,
            WIDTH / 2.0,
            height / 2.0,
            escape(chart.empty)
        );
    }
    s.push_str("</svg>");
    s
}

fn legend(s: &mut String, series: &[Series], x0: f64) {
    let mut x = x0;
    for series in series {
        let _ = write!(
            s,
            r#"<rect x="{x}" y="6" width="12" height="12" rx="2" fill="{}"/><text x="{}" y="16" font-size="12" fill="{INK}">{}</text>"#,
            escape(series.colour),
            x + 16.0,
            escape(series.name)
        );
        x += 32.0 + 7.0 * series.name.chars().count() as f64;
    }
}

/// A line chart of counts over ordered labels (years): one line per series, a point per value
/// carrying `data-label`, `data-series` and `data-value`.
pub struct Lines<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub series: &'a [Series<'a>],
    pub labels: &'a [String],
    /// One row per series, one value per label.
    pub values: &'a [Vec<i64>],
    pub empty: &'a str,
}

/// The line chart as an `<svg>` element.
pub fn lines(chart: &Lines) -> String {
    let id = escape(chart.id);
    let max = chart
        .values
        .iter()
        .flat_map(|v| v.iter().map(|x| (*x).max(0)))
        .max()
        .unwrap_or(0);
    let step = nice_step(max.max(1));
    let steps = if max == 0 { 1 } else { (max + step - 1) / step };
    let top_value = (step * steps) as f64;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let plot_w = WIDTH - LEFT - RIGHT;
    let y_of = |v: f64| TOP + plot_h - v / top_value * plot_h;
    let slot = plot_w / chart.labels.len().max(1) as f64;
    let x_of = |i: usize| LEFT + slot * i as f64 + slot / 2.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" id="{id}" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(chart.title),
        escape(chart.desc)
    );
    legend(&mut s, chart.series, LEFT);
    for i in 0..=steps {
        let v = step * i;
        let y = y_of(v as f64);
        let _ = write!(
            s,
            r#"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="{LINE}" stroke-width="1"/><text x="{}" y="{:.1}" font-size="12" text-anchor="end" fill="{MUTED}">{v}</text>"#,
            WIDTH - RIGHT,
            LEFT - 4.0,
            y + 4.0,
        );
    }
    for (values, series) in chart.values.iter().zip(chart.series) {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x_of(i), y_of((*v).max(0) as f64)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
            points.join(" "),
            escape(series.colour)
        );
        for (i, v) in values.iter().enumerate() {
            let label = chart.labels.get(i).map(String::as_str).unwrap_or("");
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{}" data-label="{}" data-series="{}" data-value="{v}"><title>{}</title></circle>"#,
                x_of(i),
                y_of((*v).max(0) as f64),
                escape(series.colour),
                escape(label),
                escape(series.name),
                escape(&format!("{label} · {}: {v}", series.name))
            );
        }
    }
    // Every label when they fit side by side (about 8 units a character), else every second,
    // third…: the table beside the chart has them all.
    let widest = chart
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let step = ((widest as f64 * 8.0 / slot).ceil() as usize).max(1);
    for (i, label) in chart
        .labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % step == 0)
    {
        axis_label(&mut s, x_of(i), label);
    }
    close_plot(&mut s, max == 0, chart.empty, plot_w, plot_h)
}

/// A label under the x axis, centred on `x`.
fn axis_label(s: &mut String, x: f64, label: &str) {
    let _ = write!(
        s,
        r#"<text x="{x:.1}" y="{}" font-size="12" text-anchor="middle" fill="{INK}">{}</text>"#,
        HEIGHT - 6.0,
        escape(label)
    );
}

/// Ends a vertical chart's SVG; a chart with nothing to draw says so in the middle of the plot.
fn close_plot(s: &mut String, nothing: bool, empty: &str, plot_w: f64, plot_h: f64) -> String {
    if nothing && !empty.is_empty() {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" font-size="13" text-anchor="middle" fill="{MUTED}">{}</text>"#,
            LEFT + plot_w / 2.0,
            TOP + plot_h / 2.0,
            escape(empty)
        );
    }
    s.push_str("</svg>");
    std::mem::take(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart_of(values: &[(i64, i64)], title: &str) -> String {
        let bars: Vec<Bar> = values
            .iter()
            .enumerate()
            .map(|(i, (a, b))| Bar {
                label: format!("B{i}"),
                long_label: format!("Bulan {i}"),
                values: vec![*a, *b],
            })
            .collect();
        let series = [
            Series {
                name: "Umum",
                colour: GREEN,
            },
            Series {
                name: "OPD",
                colour: AMBER,
            },
        ];
        stacked_bars(&StackedBars {
            id: "c",
            title,
            desc: "Pendapatan <per> bulan",
            series: &series,
            bars: &bars,
            empty: "Belum ada",
        })
    }

    /// The SVG parses as XML, with every element closed.
    fn assert_well_formed(svg: &str) {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(svg);
        reader.config_mut().check_end_names = true;
        let mut depth = 0i32;
        let mut roots = 0;
        loop {
            match reader.read_event().expect("well-formed SVG") {
                Event::Start(e) => {
                    if depth == 0 {
                        roots += 1;
                        assert_eq!(e.name().0, "svg");
                    }
                    depth += 1;
                }
                Event::End(_) => depth -= 1,
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!((depth, roots), (0, 1), "one closed <svg> element");
    }

    #[test]
    fn amounts_abbreviate_the_indonesian_way() {
        assert_eq!(short_rupiah(0), "Rp0");
        assert_eq!(short_rupiah(950), "Rp950");
        assert_eq!(short_rupiah(850_000), "Rp850 rb");
        assert_eq!(short_rupiah(4_200_000), "Rp4,2 jt");
        assert_eq!(short_rupiah(4_249_999), "Rp4,2 jt");
        assert_eq!(short_rupiah(1_000_000), "Rp1 jt");
        assert_eq!(short_rupiah(1_500_000_000), "Rp1,5 M");
        assert_eq!(short_rupiah(125_000_000), "Rp125 jt");
    }

    #[test]
    fn the_chart_is_well_formed_and_carries_its_values() {
        let svg = chart_of(
            &[(1_000_000, 500_000), (0, 0), (3_000_000, 0)],
            "Judul & <uji>",
        );
        assert_well_formed(&svg);
        assert!(svg.contains("<title id=\"c-title\">Judul &amp; &lt;uji&gt;</title>"));
        assert!(svg.contains("Pendapatan &lt;per&gt; bulan"));
        assert!(svg.contains("viewBox=\"0 0 360 220\""));
        assert!(svg.contains("Bulan 0 · Umum: Rp1 jt"));
        assert!(svg.contains("Bulan 0 · OPD: Rp500 rb"));
        assert!(svg.contains("Bulan 2 · Umum: Rp3 jt"));
        // Zero segments draw nothing; three non-zero segments, three bars' titles.
        assert_eq!(svg.matches("<rect x=").count() - 2, 3);
        assert!(svg.contains(">B1</text>"));
        assert!(!svg.contains("Belum ada"));
        // The top of the axis covers the tallest bar.
        assert!(svg.contains(">Rp3 jt</text>"));
    }

    #[test]
    fn a_chart_with_no_money_says_so() {
        let svg = chart_of(&[(0, 0); 12], "Kosong");
        assert_well_formed(&svg);
        assert!(svg.contains("Belum ada"));
        assert!(svg.contains(">Rp0</text>"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert_eq!(svg.matches("<rect x=").count(), 2, "only the legend");
    }

    #[test]
    fn bars_and_lines_are_well_formed_and_carry_their_values() {
        let items = vec![
            BarItem {
                label: "Tata Boga & Roti".into(),
                values: vec![(12, "12".into()), (3, "3".into())],
            },
            BarItem {
                label: "Las".into(),
                values: vec![(0, "0".into()), (0, "0".into())],
            },
        ];
        let series = [
            Series {
                name: "Lulus",
                colour: GREEN,
            },
            Series {
                name: "Dibayar",
                colour: AMBER,
            },
        ];
        let svg = bars(&Bars {
            id: "b",
            title: "Judul",
            desc: "Uraian",
            series: &series,
            items: &items,
            empty: "Kosong",
        });
        assert_well_formed(&svg);
        assert!(
            svg.contains(
                r#"data-label="Tata Boga &amp; Roti" data-series="Lulus" data-value="12""#
            )
        );
        assert_eq!(svg.matches("data-value=").count(), 4);
        assert!(!svg.contains("Kosong"));
        let labels = vec!["2025".to_string(), "2026".to_string()];
        let values = vec![vec![10, 20], vec![5, 0]];
        let svg = lines(&Lines {
            id: "l",
            title: "Tren",
            desc: "Per tahun",
            series: &series,
            labels: &labels,
            values: &values,
            empty: "Kosong",
        });
        assert_well_formed(&svg);
        assert!(svg.contains(r#"data-label="2026" data-series="Lulus" data-value="20""#));
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(!svg.contains("NaN"));
    }
}
