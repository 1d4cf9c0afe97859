//! The invoice laid out on A4 pages as plain drawing operations (text runs, filled
//! rectangles, the QR code, the logo), in points from the top-left corner. No PDF here: the
//! operations are checked by the tests (nothing outside the page or under the footer) and
//! then drawn by `pdf::draw`.
//!
//! Page 1: seller identity (logo) and title; seller and buyer blocks; a band with the dates,
//! references and structured communication; for a credit note, the invoice it corrects; the
//! lines; VAT summary beside the totals; legal mentions; the payment block. Later pages start
//! with a short header and repeat the table header while the lines go on. Every page ends with
//! the same footer: the company's text, the seller's legal identity and bank account, and
//! "Page i/n".

use super::labels::{self, Labels};
use super::qr::{QrMatrix, QUIET_ZONE};
use super::text::{wrap, Faces};
use super::PdfError;
use crate::domain::document::{self, Document, DocumentKind, Party, Payment, VatCategory};
use crate::domain::epc_qr;
use crate::i18n::Lang;

pub(super) const PAGE_W: f32 = 595.28;
pub(super) const PAGE_H: f32 = 841.89;
pub(super) const LEFT: f32 = 48.0;
pub(super) const RIGHT: f32 = PAGE_W - 48.0;
pub(super) const TOP: f32 = 42.0;
/// Space under the footer.
pub(super) const BOTTOM: f32 = 30.0;
const WIDTH: f32 = RIGHT - LEFT;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Rgb(pub u8, pub u8, pub u8);

const INK: Rgb = Rgb(33, 37, 41);
const MUTED: Rgb = Rgb(98, 106, 116);
const ACCENT: Rgb = Rgb(24, 58, 104);
const RULE: Rgb = Rgb(208, 213, 220);
const SHADE: Rgb = Rgb(241, 243, 246);
const WHITE: Rgb = Rgb(255, 255, 255);

#[derive(Clone, Debug)]
pub(super) enum Op {
    /// One line of text, `y` its baseline; `width` as measured (for the tests' bounds checks).
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: Rgb,
        text: String,
        #[cfg_attr(not(test), allow(dead_code))]
        width: f32,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    /// The symbol's top-left corner and side (the quiet zone is drawn around it in white).
    Qr {
        x: f32,
        y: f32,
        size: f32,
        matrix: QrMatrix,
    },
    Logo {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

impl Op {
    fn shifted(mut self, dy: f32) -> Op {
        match &mut self {
            Op::Text { y, .. } | Op::Rect { y, .. } | Op::Qr { y, .. } | Op::Logo { y, .. } => *y += dy,
        }
        self
    }
}

/// A laid-out page.
pub(super) type Page = Vec<Op>;

/// Something placed as a whole: operations relative to its top, and its height.
#[derive(Default)]
struct Block {
    ops: Vec<Op>,
    h: f32,
}

/// Ascent used to put a baseline under a line's top (Liberation Sans: 0.905 em).
const ASCENT: f32 = 0.905;

#[derive(Clone, Copy, PartialEq)]
enum Align {
    Left,
    Right,
}

struct Ctx<'a> {
    faces: &'a Faces,
    doc: &'a Document,
    lang: Lang,
    l: &'static Labels,
}

impl Ctx<'_> {
    /// One line at baseline `y`, starting at `x` (left) or ending there (right). Returns its width.
    #[allow(clippy::too_many_arguments)]
    fn line(&self, ops: &mut Vec<Op>, x: f32, y: f32, size: f32, bold: bool, color: Rgb, text: &str, align: Align) -> f32 {
        let face = self.faces.get(bold);
        let text = face.sanitize(text).replace('\n', " ");
        let width = face.width(&text, size);
        let x = if align == Align::Right { x - width } else { x };
        ops.push(Op::Text { x, y, size, bold, color, text, width });
        width
    }

    /// Wrapped lines of `text` for a column `width` wide.
    fn lines(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let face = self.faces.get(bold);
        wrap(face, &face.sanitize(text), size, width)
    }

    /// A wrapped paragraph whose first line's top is `top`; returns its height.
    #[allow(clippy::too_many_arguments)]
    fn para(&self, ops: &mut Vec<Op>, x: f32, top: f32, width: f32, size: f32, bold: bool, color: Rgb, text: &str, leading: f32) -> f32 {
        let lines = self.lines(text, size, bold, width);
        for (i, l) in lines.iter().enumerate() {
            self.line(ops, x, top + i as f32 * leading + ASCENT * size, size, bold, color, l, Align::Left);
        }
        lines.len() as f32 * leading
    }

    fn title(&self) -> &'static str {
        match self.doc.kind {
            DocumentKind::Invoice => self.l.invoice,
            DocumentKind::CreditNote => self.l.credit_note,
        }
    }
}

/// The pages being filled.
struct Pages {
    pages: Vec<Page>,
    y: f32,
    /// Where the content must stop (the footer's top).
    bottom: f32,
    /// Where content starts on the current page (nothing placed yet when `y` is there).
    page_top: f32,
}

impl Pages {
    fn current(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a page")
    }

    fn at_top(&self) -> bool {
        self.y <= self.page_top + 0.01
    }

    fn new_page(&mut self, cx: &Ctx) {
        let mut ops = Vec::new();
        let size = 8.5;
        let baseline = TOP + ASCENT * size;
        cx.line(&mut ops, LEFT, baseline, size, true, INK, &cx.doc.seller.name, Align::Left);
        let right = format!("{} {} ({})", cx.title(), cx.doc.number, cx.l.continued);
        cx.line(&mut ops, RIGHT, baseline, size, false, MUTED, &right, Align::Right);
        ops.push(Op::Rect { x: LEFT, y: TOP + 14.0, w: WIDTH, h: 0.6, color: RULE });
        self.pages.push(ops);
        self.y = TOP + 28.0;
        self.page_top = self.y;
    }

    /// Places `block` after a gap of `gap` (none at the top of a page), on a new page when it
    /// does not fit on this one.
    fn place(&mut self, cx: &Ctx, block: Block, gap: f32) {
        if !self.at_top() && self.y + gap + block.h > self.bottom {
            self.new_page(cx);
        }
        if !self.at_top() {
            self.y += gap;
        }
        let y = self.y;
        self.current().extend(block.ops.into_iter().map(|op| op.shifted(y)));
        self.y += block.h;
    }
}

/// Lays `doc` out. `logo` is the logo's intrinsic width and height (any unit) when it can be
/// drawn.
pub(super) fn compose(doc: &Document, faces: &Faces, logo: Option<(f32, f32)>) -> Result<Vec<Page>, PdfError> {
    let lang = doc.language;
    let cx = Ctx { faces, doc, lang, l: labels::labels(lang) };
    let footer = footer_lines(&cx);
    let footer_h = footer_height(&footer);
    let bottom = PAGE_H - BOTTOM - footer_h - 14.0;
    let mut pages = Pages { pages: vec![Vec::new()], y: TOP, bottom, page_top: TOP };

    pages.place(&cx, header(&cx, logo), 0.0);
    pages.place(&cx, parties(&cx), 20.0);
    pages.place(&cx, meta_band(&cx), 16.0);
    if let Some(b) = credited_invoice(&cx) {
        pages.place(&cx, b, 10.0);
    }
    lines_table(&cx, &mut pages);
    pages.place(&cx, summary(&cx), 14.0);
    if let Some(b) = mentions(&cx) {
        pages.place(&cx, b, 14.0);
    }
    pages.place(&cx, payment(&cx)?, 16.0);

    let count = pages.pages.len();
    for (i, page) in pages.pages.iter_mut().enumerate() {
        draw_footer(&cx, page, &footer, footer_h, i + 1, count);
    }
    Ok(pages.pages)
}

// ---------------------------------------------------------------------------------------------
// Page 1 header: logo or seller name, title and number.

fn header(cx: &Ctx, logo: Option<(f32, f32)>) -> Block {
    let mut b = Block::default();
    let mut left_h = 0.0;
    match logo {
        Some((w, h)) if w > 0.0 && h > 0.0 => {
            let scale = (170.0 / w).min(60.0 / h);
            let (w, h) = (w * scale, h * scale);
            b.ops.push(Op::Logo { x: LEFT, y: 0.0, w, h });
            left_h = h;
        }
        _ => {
            left_h = left_h.max(cx.para(&mut b.ops, LEFT, 0.0, 270.0, 15.0, true, ACCENT, &cx.doc.seller.name, 18.0));
        }
    }
    let title = cx.title().to_uppercase();
    cx.line(&mut b.ops, RIGHT, ASCENT * 22.0, 22.0, true, ACCENT, &title, Align::Right);
    let number = format!("{} {}", cx.l.number, cx.doc.number);
    cx.line(&mut b.ops, RIGHT, 30.0 + ASCENT * 11.0, 11.0, true, INK, &number, Align::Right);
    b.h = f32::max(left_h, 44.0);
    b
}

// ---------------------------------------------------------------------------------------------
// Seller and buyer.

/// Address lines of a party: street, postcode and city, country when not Belgium.
fn address_lines(cx: &Ctx, p: &Party) -> Vec<String> {
    let a = &p.address;
    let mut lines: Vec<String> = Vec::new();
    if !a.street.trim().is_empty() {
        lines.push(a.street.clone());
    }
    let city = format!("{} {}", a.postcode.trim(), a.city.trim()).trim().to_string();
    if !city.is_empty() {
        lines.push(city);
    }
    if let Some(c) = labels::country(cx.lang, &a.country) {
        lines.push(c);
    }
    lines
}

fn parties(cx: &Ctx) -> Block {
    let mut b = Block::default();
    let doc = cx.doc;
    let (size, leading) = (9.0, 12.5);

    // Seller, on the left.
    let col_w = 235.0;
    let mut y = 0.0;
    cx.line(&mut b.ops, LEFT, y + ASCENT * 7.5, 7.5, true, MUTED, &cx.l.seller.to_uppercase(), Align::Left);
    y += 13.0;
    y += cx.para(&mut b.ops, LEFT, y, col_w, 10.5, true, INK, &doc.seller.name, 13.5);
    for l in address_lines(cx, &doc.seller) {
        y += cx.para(&mut b.ops, LEFT, y, col_w, size, false, INK, &l, leading);
    }
    y += 3.0;
    if let Some(n) = &doc.seller.enterprise_number {
        let t = format!("{} {}", cx.l.enterprise_number, labels::enterprise_number(n));
        y += cx.para(&mut b.ops, LEFT, y, col_w, size, false, INK, &t, leading);
    }
    if let Some(v) = &doc.seller.vat_number {
        let t = format!("{} {}", cx.l.vat_number, labels::vat_number(v));
        y += cx.para(&mut b.ops, LEFT, y, col_w, size, false, INK, &t, leading);
    }
    let contact: Vec<&str> =
        [&doc.seller.email, &doc.seller.phone, &doc.seller.website].into_iter().flatten().map(|s| s.as_str()).collect();
    for c in contact {
        y += cx.para(&mut b.ops, LEFT, y, col_w, 8.5, false, MUTED, c, 11.5);
    }
    let seller_h = y;

    // Buyer, on the right, in a shaded box.
    let bx = 316.0;
    let pad = 11.0;
    let inner = RIGHT - bx - 2.0 * pad;
    let mut ops = Vec::new();
    let mut y = pad;
    cx.line(&mut ops, bx + pad, y + ASCENT * 7.5, 7.5, true, MUTED, &cx.l.bill_to.to_uppercase(), Align::Left);
    y += 13.0;
    y += cx.para(&mut ops, bx + pad, y, inner, 10.5, true, INK, &doc.buyer.name, 13.5);
    for l in address_lines(cx, &doc.buyer) {
        y += cx.para(&mut ops, bx + pad, y, inner, size, false, INK, &l, leading);
    }
    if let Some(v) = &doc.buyer.vat_number {
        let t = format!("{} {}", cx.l.vat_number, labels::vat_number(v));
        y += 3.0 + cx.para(&mut ops, bx + pad, y + 3.0, inner, size, false, INK, &t, leading);
    } else if let Some(n) = doc.buyer.enterprise_number.as_ref().filter(|_| doc.buyer.is_company) {
        let t = format!("{} {}", cx.l.enterprise_number, labels::enterprise_number(n));
        y += 3.0 + cx.para(&mut ops, bx + pad, y + 3.0, inner, size, false, INK, &t, leading);
    }
    let buyer_h = y + pad;
    b.ops.push(Op::Rect { x: bx, y: 0.0, w: RIGHT - bx, h: buyer_h, color: SHADE });
    b.ops.push(Op::Rect { x: bx, y: 0.0, w: 2.5, h: buyer_h, color: ACCENT });
    b.ops.extend(ops);

    b.h = f32::max(seller_h, buyer_h);
    b
}

// ---------------------------------------------------------------------------------------------
// Dates and references.

fn meta_band(cx: &Ctx) -> Block {
    let doc = cx.doc;
    let mut cells: Vec<(&str, String)> = Vec::new();
    let issue_label = match doc.kind {
        DocumentKind::Invoice => cx.l.invoice_date,
        DocumentKind::CreditNote => cx.l.credit_note_date,
    };
    cells.push((issue_label, labels::date(doc.issue_date)));
    if let Some(s) = doc.supply_date.filter(|s| *s != doc.issue_date) {
        cells.push((cx.l.supply_date, labels::date(s)));
    }
    if doc.kind == DocumentKind::Invoice {
        cells.push((cx.l.due_date, labels::date(doc.due_date)));
    }
    if let Some(r) = doc.buyer_reference.as_ref().filter(|r| !r.trim().is_empty()) {
        cells.push((cx.l.your_reference, r.clone()));
    }
    if doc.kind == DocumentKind::Invoice && !doc.structured_communication.trim().is_empty() {
        cells.push((cx.l.structured_communication, doc.structured_communication.clone()));
    }

    // Cells side by side at their natural width, the spare width shared out; a second band
    // when they do not fit on one.
    let pad = 10.0;
    let (label_size, value_size) = (7.0, 9.5);
    let natural: Vec<f32> = cells
        .iter()
        .map(|(label, value)| {
            let lw = cx.faces.regular.width(&cx.faces.regular.sanitize(&label.to_uppercase()), label_size);
            let vw = cx.faces.bold.width(&cx.faces.bold.sanitize(value), value_size);
            lw.max(vw).min(WIDTH - 2.0 * pad) + 2.0 * pad
        })
        .collect();
    let mut bands: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0.0;
    for (i, w) in natural.iter().enumerate() {
        if used + w > WIDTH && !bands.last().unwrap().is_empty() {
            bands.push(Vec::new());
            used = 0.0;
        }
        bands.last_mut().unwrap().push(i);
        used += w;
    }

    let mut b = Block::default();
    let band_h = 36.0;
    for (row, band) in bands.iter().enumerate() {
        let top = row as f32 * band_h;
        b.ops.push(Op::Rect { x: LEFT, y: top, w: WIDTH, h: band_h, color: SHADE });
        let total: f32 = band.iter().map(|&i| natural[i]).sum();
        let extra = (WIDTH - total).max(0.0) / band.len() as f32;
        let mut x = LEFT;
        for &i in band {
            let (label, value) = &cells[i];
            let w = natural[i] + extra;
            cx.line(&mut b.ops, x + pad, top + 14.0, label_size, false, MUTED, &label.to_uppercase(), Align::Left);
            // A value longer than the whole width (a very long reference) is cut to fit.
            let value = cx.lines(value, value_size, true, WIDTH - 2.0 * pad).into_iter().next().unwrap_or_default();
            cx.line(&mut b.ops, x + pad, top + 28.0, value_size, true, INK, &value, Align::Left);
            x += w;
        }
    }
    b.h = bands.len() as f32 * band_h;
    b
}

fn credited_invoice(cx: &Ctx) -> Option<Block> {
    let credited = cx.doc.credited_invoice.as_ref()?;
    let mut b = Block::default();
    let text = labels::credits_invoice(cx.lang, &credited.number, &labels::date(credited.issue_date));
    let h = cx.para(&mut b.ops, LEFT + 12.0, 7.0, WIDTH - 24.0, 9.5, true, INK, &text, 13.0);
    b.h = h + 14.0;
    b.ops.insert(0, Op::Rect { x: LEFT, y: 0.0, w: 2.5, h: b.h, color: ACCENT });
    Some(b)
}

// ---------------------------------------------------------------------------------------------
// The lines.

struct Column {
    left: f32,
    right: f32,
    align: Align,
}

const CELL_PAD: f32 = 6.0;

/// The lines' columns: the numbers as wide as their widest cell (at least a minimum), the
/// description takes the rest.
fn line_columns(cx: &Ctx) -> [Column; 5] {
    let face = cx.faces.get(false);
    let widest = |min: f32, cells: &mut dyn Iterator<Item = String>| -> f32 {
        cells.map(|c| face.width(&face.sanitize(&c), LINE_SIZE)).fold(min - 2.0 * CELL_PAD, f32::max) + 2.0 * CELL_PAD
    };
    let lines = &cx.doc.lines;
    let qty = widest(52.0, &mut lines.iter().map(|l| labels::quantity(cx.lang, l.quantity_milli)));
    let unit = widest(76.0, &mut lines.iter().map(|l| labels::money(cx.lang, l.unit_price_cents)));
    let vat = widest(50.0, &mut lines.iter().map(|l| labels::vat_label(cx.lang, &l.category, l.vat_rate)));
    let amount = widest(88.0, &mut lines.iter().map(|l| labels::money(cx.lang, l.amount_cents)));
    let r_amount = RIGHT;
    let r_vat = r_amount - amount;
    let r_unit = r_vat - vat;
    let r_qty = r_unit - unit;
    // The description keeps at least 180 pt, whatever the numbers.
    let r_desc = (r_qty - qty).max(LEFT + 180.0);
    [
        Column { left: LEFT, right: r_desc, align: Align::Left },
        Column { left: r_desc, right: r_qty, align: Align::Right },
        Column { left: r_qty, right: r_unit, align: Align::Right },
        Column { left: r_unit, right: r_vat, align: Align::Right },
        Column { left: r_vat, right: r_amount, align: Align::Right },
    ]
}

/// Text size of the lines.
const LINE_SIZE: f32 = 9.0;

/// A row's cells, each already wrapped to its column.
fn wrap_cells(cx: &Ctx, columns: &[Column], cells: &[String], size: f32, bold: bool) -> Vec<Vec<String>> {
    columns.iter().zip(cells).map(|(c, text)| cx.lines(text, size, bold, c.right - c.left - 2.0 * CELL_PAD)).collect()
}

#[allow(clippy::too_many_arguments)]
fn draw_cells(
    cx: &Ctx,
    ops: &mut Vec<Op>,
    columns: &[Column],
    cells: &[Vec<String>],
    range: std::ops::Range<usize>,
    top: f32,
    size: f32,
    leading: f32,
    bold: bool,
    color: Rgb,
) {
    for (c, lines) in columns.iter().zip(cells) {
        for (k, i) in range.clone().enumerate() {
            let Some(text) = lines.get(i) else { continue };
            let baseline = top + k as f32 * leading + ASCENT * size;
            let x = if c.align == Align::Right { c.right - CELL_PAD } else { c.left + CELL_PAD };
            cx.line(ops, x, baseline, size, bold, color, text, c.align);
        }
    }
}

fn table_header(cx: &Ctx) -> Block {
    let columns = line_columns(cx);
    let l = cx.l;
    let cells: Vec<String> = [l.description, l.quantity, l.unit_price, l.vat, l.amount_excl_vat].iter().map(|s| s.to_string()).collect();
    let (size, leading) = (8.0, 10.0);
    let wrapped = wrap_cells(cx, &columns, &cells, size, true);
    let n = wrapped.iter().map(|c| c.len()).max().unwrap_or(1);
    let h = n as f32 * leading + 10.0;
    let mut b = Block { ops: vec![Op::Rect { x: LEFT, y: 0.0, w: WIDTH, h, color: ACCENT }], h };
    draw_cells(cx, &mut b.ops, &columns, &wrapped, 0..n, 5.5, size, leading, true, WHITE);
    b
}

fn lines_table(cx: &Ctx, pages: &mut Pages) {
    let columns = line_columns(cx);
    let (size, leading, pad) = (LINE_SIZE, 12.0, 5.0);
    let header = table_header(cx);
    let header_h = header.h;
    let first_row_h = cx.doc.lines.first().map(|_| leading + 2.0 * pad).unwrap_or(0.0);
    // The header goes with at least one row.
    if !pages.at_top() && pages.y + 18.0 + header_h + first_row_h > pages.bottom {
        pages.new_page(cx);
    }
    pages.place(cx, table_header(cx), 18.0);

    for line in &cx.doc.lines {
        let cells = [
            line.description.clone(),
            labels::quantity(cx.lang, line.quantity_milli),
            labels::money(cx.lang, line.unit_price_cents),
            labels::vat_label(cx.lang, &line.category, line.vat_rate),
            labels::money(cx.lang, line.amount_cents),
        ];
        let wrapped = wrap_cells(cx, &columns, &cells, size, false);
        let n = wrapped.iter().map(|c| c.len()).max().unwrap_or(1);
        // A row goes on one page; a row taller than a whole page (a very long description)
        // is split between lines.
        let mut start = 0;
        let mut fresh = false;
        while start < n {
            let room = ((pages.bottom - pages.y - 2.0 * pad) / leading).floor().max(0.0) as usize;
            let fresh_room = ((pages.bottom - pages.page_top - header_h - 2.0 * pad) / leading).floor().max(1.0) as usize;
            let remaining = n - start;
            if room < remaining.min(fresh_room) && !fresh {
                pages.new_page(cx);
                pages.place(cx, table_header(cx), 0.0);
                fresh = true;
                continue;
            }
            fresh = false;
            let take = remaining.min(room.max(1));
            let h = take as f32 * leading + 2.0 * pad;
            let mut row = Block { ops: Vec::new(), h };
            draw_cells(cx, &mut row.ops, &columns, &wrapped, start..start + take, pad, size, leading, false, INK);
            row.ops.push(Op::Rect { x: LEFT, y: h - 0.5, w: WIDTH, h: 0.5, color: RULE });
            pages.place(cx, row, 0.0);
            start += take;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// VAT summary and totals.

fn summary(cx: &Ctx) -> Block {
    let doc = cx.doc;
    let l = cx.l;
    let mut b = Block::default();

    // VAT summary, left.
    let w = 262.0;
    // No background here: the text itself lines up with the page's left edge.
    let cols = [
        Column { left: LEFT - CELL_PAD, right: LEFT + 92.0, align: Align::Left },
        Column { left: LEFT + 92.0, right: LEFT + 180.0, align: Align::Right },
        Column { left: LEFT + 180.0, right: LEFT + w + CELL_PAD, align: Align::Right },
    ];
    let mut y = 0.0;
    cx.line(&mut b.ops, LEFT, ASCENT * 7.5, 7.5, true, MUTED, &l.vat_summary.to_uppercase(), Align::Left);
    y += 14.0;
    let head: Vec<String> = [l.vat_rate, l.taxable_base, l.vat].iter().map(|s| s.to_string()).collect();
    let head = wrap_cells(cx, &cols, &head, 7.5, true);
    let n = head.iter().map(|c| c.len()).max().unwrap_or(1);
    draw_cells(cx, &mut b.ops, &cols, &head, 0..n, y, 7.5, 9.5, true, MUTED);
    y += n as f32 * 9.5 + 3.0;
    b.ops.push(Op::Rect { x: LEFT, y, w, h: 0.6, color: RULE });
    y += 4.0;
    for v in &doc.vat_breakdown {
        let cells =
            [labels::vat_label(cx.lang, &v.category, v.rate), labels::money(cx.lang, v.base_cents), labels::money(cx.lang, v.vat_cents)];
        let cells = wrap_cells(cx, &cols, &cells, 8.5, false);
        let n = cells.iter().map(|c| c.len()).max().unwrap_or(1);
        draw_cells(cx, &mut b.ops, &cols, &cells, 0..n, y, 8.5, 11.0, false, INK);
        y += n as f32 * 11.0 + 2.0;
    }
    let vat_h = y;

    // Totals, right.
    let x0 = 316.0;
    let pad = 10.0;
    let mut rows: Vec<(&str, i64)> = vec![
        (l.total_excl_vat, doc.totals.excl_vat_cents),
        (l.total_vat, doc.totals.vat_cents),
        (l.total_incl_vat, doc.totals.incl_vat_cents),
    ];
    if doc.totals.prepaid_cents != 0 {
        rows.push((l.prepaid, -doc.totals.prepaid_cents));
    }
    let mut y = 0.0;
    let leading = 17.0;
    for (i, (label, cents)) in rows.iter().enumerate() {
        let bold = i == 2;
        let baseline = y + 12.0;
        cx.line(&mut b.ops, x0 + pad, baseline, 9.0, bold, INK, label, Align::Left);
        cx.line(&mut b.ops, RIGHT - pad, baseline, 9.0, bold, INK, &labels::money(cx.lang, *cents), Align::Right);
        y += leading;
        if i + 1 < rows.len() {
            b.ops.push(Op::Rect { x: x0, y: y - 0.5, w: RIGHT - x0, h: 0.5, color: RULE });
        }
    }
    y += 4.0;
    let (final_label, final_cents) = match doc.kind {
        DocumentKind::Invoice => (l.amount_to_pay, doc.totals.payable_cents),
        DocumentKind::CreditNote => (l.credit_total, doc.totals.incl_vat_cents),
    };
    let final_h = 26.0;
    b.ops.push(Op::Rect { x: x0, y, w: RIGHT - x0, h: final_h, color: ACCENT });
    let baseline = y + 17.0;
    cx.line(&mut b.ops, x0 + pad, baseline, 10.5, true, WHITE, final_label, Align::Left);
    cx.line(&mut b.ops, RIGHT - pad, baseline, 11.5, true, WHITE, &labels::money(cx.lang, final_cents), Align::Right);
    let totals_h = y + final_h;

    b.h = f32::max(vat_h, totals_h);
    b
}

// ---------------------------------------------------------------------------------------------
// Legal mentions: small business, reverse charge, exemption reasons.

fn mention_texts(cx: &Ctx) -> Vec<String> {
    let doc = cx.doc;
    let categories = doc.lines.iter().map(|l| &l.category).chain(doc.vat_breakdown.iter().map(|v| &v.category));
    let mut small_business = doc.seller.vat_number.is_none();
    let mut reverse_charge = false;
    let mut reasons: Vec<&str> = Vec::new();
    for c in categories {
        match c {
            VatCategory::SmallBusiness => small_business = true,
            VatCategory::ReverseCharge => reverse_charge = true,
            VatCategory::Exempt { reason } if !reasons.contains(&reason.as_str()) => reasons.push(reason),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if small_business {
        out.push(document::small_business_mention(cx.lang).to_string());
    }
    if reverse_charge {
        out.push(document::reverse_charge_mention(cx.lang).to_string());
    }
    for r in reasons {
        out.push(labels::exemption_sentence(cx.lang, r));
    }
    out
}

fn mentions(cx: &Ctx) -> Option<Block> {
    let texts = mention_texts(cx);
    if texts.is_empty() {
        return None;
    }
    let mut b = Block::default();
    cx.line(&mut b.ops, LEFT, ASCENT * 7.5, 7.5, true, MUTED, &cx.l.legal_mentions.to_uppercase(), Align::Left);
    let mut y = 14.0;
    for t in texts {
        y += cx.para(&mut b.ops, LEFT, y, WIDTH, 8.5, false, INK, &t, 11.5) + 2.0;
    }
    b.h = y;
    Some(b)
}

// ---------------------------------------------------------------------------------------------
// Payment.

/// Side of the QR symbol, without its quiet zone (≈ 3 cm: scans from a printed page and from
/// a screen).
const QR_SIZE: f32 = 84.0;

/// The EPC QR payload of a transfer invoice (`None` when there is nothing to pay).
pub(super) fn qr_payload(doc: &Document) -> Option<String> {
    if doc.kind != DocumentKind::Invoice || !matches!(doc.payment, Payment::Transfer) || doc.totals.payable_cents <= 0 {
        return None;
    }
    let remittance = epc_qr::remittance_for_structured_communication(&doc.structured_communication);
    Some(epc_qr::payload(&doc.seller_bic, &doc.seller.name, &doc.seller_iban, doc.totals.payable_cents, remittance))
}

fn payment(cx: &Ctx) -> Result<Block, PdfError> {
    let doc = cx.doc;
    let l = cx.l;
    let pad = 14.0;
    let mut ops = Vec::new();
    let title = match doc.kind {
        DocumentKind::Invoice => l.payment,
        DocumentKind::CreditNote => l.settlement,
    };
    let x = LEFT + pad;
    let mut y = pad;
    cx.line(&mut ops, x, y + ASCENT * 10.5, 10.5, true, ACCENT, title, Align::Left);
    y += 20.0;

    let qr = qr_payload(doc);
    let text_w = if qr.is_some() { WIDTH - 2.0 * pad - QR_SIZE - 30.0 } else { WIDTH - 2.0 * pad };
    let mut qr_h = 0.0;

    match (&doc.kind, &doc.payment) {
        (DocumentKind::CreditNote, _) => {
            if let Some(c) = &doc.credited_invoice {
                let t = labels::settlement_sentence(cx.lang, &c.settlement, &c.number);
                y += cx.para(&mut ops, x, y, text_w, 9.5, false, INK, &t, 13.0);
            }
        }
        (DocumentKind::Invoice, Payment::DirectDebit { mandate_reference, debtor_iban, collection_date }) => {
            let compact: Vec<char> = debtor_iban.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            let last4: String = compact[compact.len().saturating_sub(4)..].iter().collect();
            let around = collection_date.map(labels::date);
            let t = labels::direct_debit_sentence(cx.lang, &last4, mandate_reference, around.as_deref());
            y += cx.para(&mut ops, x, y, text_w, 9.5, false, INK, &t, 13.0);
            y += 2.0 + cx.para(&mut ops, x, y + 2.0, text_w, 9.0, false, MUTED, labels::direct_debit_no_action(cx.lang), 12.5);
        }
        (DocumentKind::Invoice, Payment::Transfer) if doc.totals.payable_cents <= 0 => {
            y += cx.para(&mut ops, x, y, text_w, 9.5, false, INK, l.nothing_to_pay, 13.0);
        }
        (DocumentKind::Invoice, Payment::Transfer) => {
            let rows: Vec<(&str, String)> = vec![
                (l.amount_to_pay, labels::money(cx.lang, doc.totals.payable_cents)),
                (l.due_date, labels::date(doc.due_date)),
                (l.iban, labels::iban(&doc.seller_iban)),
                (l.bic, doc.seller_bic.clone()),
                (l.structured_communication, doc.structured_communication.clone()),
            ];
            let label_w = rows.iter().map(|(k, _)| cx.faces.regular.width(&cx.faces.regular.sanitize(k), 8.5)).fold(0.0, f32::max) + 14.0;
            for (k, v) in rows {
                let baseline = y + ASCENT * 10.0;
                cx.line(&mut ops, x, baseline, 8.5, false, MUTED, k, Align::Left);
                let v = cx.lines(&v, 10.0, true, text_w - label_w).into_iter().next().unwrap_or_default();
                cx.line(&mut ops, x + label_w, baseline, 10.0, true, INK, &v, Align::Left);
                y += 15.0;
            }
        }
    }

    if let Some(payload) = qr {
        let matrix = QrMatrix::new(&payload)?;
        let quiet = QR_SIZE / matrix.width as f32 * QUIET_ZONE as f32;
        let qx = RIGHT - pad - QR_SIZE;
        let qy = pad + 2.0;
        ops.push(Op::Rect { x: qx - quiet, y: qy - quiet, w: QR_SIZE + 2.0 * quiet, h: QR_SIZE + 2.0 * quiet, color: WHITE });
        ops.push(Op::Qr { x: qx, y: qy, size: QR_SIZE, matrix });
        let caption_y = qy + QR_SIZE + quiet + 2.0;
        // Centred under the symbol, within the box.
        let caption_size = 6.5;
        let caption = cx.lines(l.scan_to_pay, caption_size, false, QR_SIZE + 2.0 * pad - 8.0);
        for (i, c) in caption.iter().enumerate() {
            let w = cx.faces.regular.width(c, caption_size);
            cx.line(
                &mut ops,
                qx + (QR_SIZE - w) / 2.0,
                caption_y + i as f32 * 9.0 + ASCENT * caption_size,
                caption_size,
                false,
                MUTED,
                c,
                Align::Left,
            );
        }
        qr_h = caption_y + caption.len() as f32 * 9.0 - pad;
    }

    let h = f32::max(y, qr_h) + pad;
    let mut b = Block { ops: vec![Op::Rect { x: LEFT, y: 0.0, w: WIDTH, h, color: SHADE }], h };
    b.ops.extend(ops);
    Ok(b)
}

// ---------------------------------------------------------------------------------------------
// Footer.

const FOOTER_SIZE: f32 = 7.5;
const FOOTER_LEADING: f32 = 10.0;
/// A company's footer text longer than this is cut (it would eat the page).
const FOOTER_MAX_LINES: usize = 6;
/// Room kept on the last line for "Page i/n".
const PAGE_NUMBER_W: f32 = 70.0;

struct FooterLines {
    free: Vec<String>,
    legal: Vec<String>,
}

fn footer_lines(cx: &Ctx) -> FooterLines {
    let doc = cx.doc;
    let mut free = doc.footer.as_deref().map(|f| cx.lines(f.trim(), FOOTER_SIZE, false, WIDTH)).unwrap_or_default();
    free.retain(|l| !l.trim().is_empty());
    if free.len() > FOOTER_MAX_LINES {
        free.truncate(FOOTER_MAX_LINES);
        let last = free.last_mut().unwrap();
        // Room for the ellipsis.
        while !last.is_empty() && cx.faces.regular.width(&format!("{last}…"), FOOTER_SIZE) > WIDTH {
            last.pop();
        }
        last.push('…');
    }
    let s = &doc.seller;
    let mut parts = vec![s.name.clone()];
    let address = address_lines(cx, s).join(", ");
    if !address.is_empty() {
        parts.push(address);
    }
    if let Some(n) = &s.enterprise_number {
        parts.push(format!("{} {}", cx.l.enterprise_number, labels::enterprise_number(n)));
    }
    if let Some(v) = &s.vat_number {
        parts.push(format!("{} {}", cx.l.vat_number, labels::vat_number(v)));
    }
    parts.push(format!("{} {}", cx.l.iban, labels::iban(&doc.seller_iban)));
    if !doc.seller_bic.trim().is_empty() {
        parts.push(format!("{} {}", cx.l.bic, doc.seller_bic.trim()));
    }
    // The parts stay whole from one line to the next (an IBAN is not split).
    let face = cx.faces.get(false);
    let max_w = WIDTH - PAGE_NUMBER_W;
    let mut legal: Vec<String> = Vec::new();
    for part in parts {
        let part = face.sanitize(&part).replace('\n', " ");
        match legal.last_mut() {
            Some(line) if face.width(&format!("{line}  ·  {part}"), FOOTER_SIZE) <= max_w => {
                line.push_str("  ·  ");
                line.push_str(&part);
            }
            _ => legal.extend(wrap(face, &part, FOOTER_SIZE, max_w)),
        }
    }
    FooterLines { free, legal }
}

fn footer_height(f: &FooterLines) -> f32 {
    (f.free.len() + f.legal.len()) as f32 * FOOTER_LEADING + if f.free.is_empty() { 0.0 } else { 3.0 }
}

fn draw_footer(cx: &Ctx, page: &mut Page, f: &FooterLines, h: f32, number: usize, count: usize) {
    let top = PAGE_H - BOTTOM - h;
    page.push(Op::Rect { x: LEFT, y: top - 8.0, w: WIDTH, h: 0.6, color: RULE });
    let mut y = top;
    for l in &f.free {
        cx.line(page, LEFT, y + ASCENT * FOOTER_SIZE, FOOTER_SIZE, false, INK, l, Align::Left);
        y += FOOTER_LEADING;
    }
    if !f.free.is_empty() {
        y += 3.0;
    }
    for l in &f.legal {
        cx.line(page, LEFT, y + ASCENT * FOOTER_SIZE, FOOTER_SIZE, false, MUTED, l, Align::Left);
        y += FOOTER_LEADING;
    }
    let page_label = format!("{} {number}/{count}", cx.l.page);
    cx.line(page, RIGHT, y - FOOTER_LEADING + ASCENT * FOOTER_SIZE, FOOTER_SIZE, false, MUTED, &page_label, Align::Right);
}
