//! The invoice or credit note as a PDF: one or more A4 pages in the customer's language (FR,
//! NL, EN) with every mention Belgian law asks for, an EPC QR code for transfers, PDF/A-3u so
//! it can travel inside the Peppol e-invoice.
//!
//! [`render`] takes the frozen [`Document`] and returns the bytes; it is deterministic (the
//! same document gives the same bytes: no clock, no random ids; the issue date is the PDF's
//! creation date and the document id derives from the seller and the number).
//!
//! # Library: krilla
//!
//! [krilla](https://docs.rs/krilla) (MIT/Apache-2.0) is the PDF writer typst uses for its own
//! PDF export, on top of typst's `pdf-writer`. Chosen over `printpdf` because it
//! * validates PDF/A while writing: with the PDF/A-3u validator set, `finish` refuses a file
//!   that would not conform (a missing glyph, an unmapped character, interpolated images…)
//!   instead of writing it, and it writes the XMP metadata, output intent and ToUnicode maps
//!   PDF/A needs;
//! * subsets and embeds TrueType fonts itself (only the glyphs used: a one-page invoice
//!   with its QR code weighs ~40 KB);
//! * writes reproducible files (typst needs byte-identical output), which the tests check;
//! * draws SVG through its companion `krilla-svg` (logos uploaded as SVG).
//!
//! `typst` itself (a whole typesetting system) would be far heavier for one fixed layout.
//!
//! What it adds to the server build (`--features ssr`, dev profile, 2 cores, measured with
//! `cargo build --timings`): 52 new crates and ~55 s of compile time summed over crates —
//! ~45 s for krilla, skrifa and qrcode (the largest: `write-fonts` 9 s and `read-fonts` 8 s,
//! for font subsetting; `krilla` 3.5 s) and ~10 s for the SVG-only crates (`krilla-svg`,
//! `usvg`, `resvg`, `tiny-skia`, `fontdb`, `roxmltree`…). The first build after adding them
//! took 1 min 41 s of wall time, which also counts the `encaisse` crate itself (47 s) and a
//! one-off rebuild (~45 s) of crates already there whose shared dependencies gained features
//! (`smallvec`'s `union`, `write`). The tests add 19 crates (`pdf-extract` with `lopdf`,
//! `rqrr`).
//! Nothing reaches the wasm client: all of it is optional and in the `ssr` feature.
//!
//! Layout (where things go, page breaks) is in [`layout`] as plain drawing operations, so the
//! tests can check that nothing is cut off; [`labels`] holds the words in the three languages;
//! [`text`] measures with the embedded Liberation Sans (`assets/fonts/`, SIL OFL 1.1).

mod labels;
mod layout;
mod qr;
#[cfg(test)]
mod tests;
mod text;

use crate::domain::document::{Document, DocumentKind, Logo};
use crate::i18n::Lang;
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::{Document as PdfDocument, SerializeSettings};
use layout::{Op, Page, Rgb};
use text::Faces;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font cannot be read: {0}")]
    Font(String),
    #[error("the EPC QR code cannot be made: {0}")]
    Qr(String),
    #[error("the PDF cannot be written: {0}")]
    Write(String),
}

/// The PDF of `doc`: A4, PDF/A-3u, fonts embedded, byte-identical for the same document.
///
/// A logo that cannot be decoded (neither PNG, JPEG nor SVG, or broken) is left out rather than
/// failing the invoice.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let faces = Faces::load()?;
    let logo = doc.seller_logo.as_ref().and_then(load_logo);
    match write(doc, &faces, logo.as_ref()) {
        Err(e) if logo.is_some() => {
            tracing::warn!(number = %doc.number, error = %e, "invoice PDF: logo left out");
            write(doc, &faces, None)
        }
        other => other,
    }
}

/// A logo ready to draw.
enum LoadedLogo {
    Raster(krilla::image::Image),
    Svg(Box<usvg::Tree>),
}

impl LoadedLogo {
    fn size(&self) -> (f32, f32) {
        match self {
            LoadedLogo::Raster(i) => {
                let (w, h) = i.size();
                (w as f32, h as f32)
            }
            LoadedLogo::Svg(t) => (t.size().width(), t.size().height()),
        }
    }
}

fn load_logo(logo: &Logo) -> Option<LoadedLogo> {
    let bytes = &logo.bytes;
    let loaded = if bytes.starts_with(b"\x89PNG") {
        krilla::image::Image::from_png(bytes.clone().into(), false).ok().map(LoadedLogo::Raster)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        krilla::image::Image::from_jpeg(bytes.clone().into(), false).ok().map(LoadedLogo::Raster)
    } else if logo.mime.contains("svg") || bytes.iter().take(512).any(|&b| b == b'<') {
        usvg::Tree::from_data(bytes, &svg_options()).ok().map(|t| LoadedLogo::Svg(Box::new(t)))
    } else {
        None
    };
    if loaded.is_none() {
        tracing::warn!(mime = %logo.mime, "invoice PDF: logo not readable, left out");
    }
    loaded.filter(|l| {
        let (w, h) = l.size();
        w > 0.0 && h > 0.0
    })
}

/// SVG parsing with the embedded fonts as the only ones (text in a logo is drawn with
/// Liberation Sans, as outlines, whatever the server has installed).
fn svg_options() -> usvg::Options<'static> {
    let mut options = usvg::Options { font_family: "Liberation Sans".into(), ..usvg::Options::default() };
    let fonts = options.fontdb_mut();
    fonts.load_font_data(text::REGULAR.to_vec());
    fonts.load_font_data(text::BOLD.to_vec());
    fonts.set_serif_family("Liberation Sans");
    fonts.set_sans_serif_family("Liberation Sans");
    fonts.set_cursive_family("Liberation Sans");
    fonts.set_fantasy_family("Liberation Sans");
    fonts.set_monospace_family("Liberation Sans");
    options
}

fn write(doc: &Document, faces: &Faces, logo: Option<&LoadedLogo>) -> Result<Vec<u8>, PdfError> {
    let pages = layout::compose(doc, faces, logo.map(LoadedLogo::size))?;
    let configuration =
        ConfigurationBuilder::new().with_archival_validator(Archival::A3_U).finish().map_err(|e| PdfError::Write(format!("{e:?}")))?;
    let settings = SerializeSettings { configuration, enable_tagging: false, ..SerializeSettings::default() };
    let mut pdf = PdfDocument::new_with(settings);
    pdf.set_metadata(metadata(doc));
    for page in &pages {
        let mut p = pdf.start_page_with(PageSettings::from_wh(layout::PAGE_W, layout::PAGE_H).expect("A4 is not empty"));
        let mut surface = p.surface();
        draw_page(&mut surface, page, faces, logo);
        surface.finish();
        p.finish();
    }
    pdf.finish().map_err(|e| PdfError::Write(e.to_string()))
}

fn metadata(doc: &Document) -> Metadata {
    use chrono::Datelike;
    let title = match (doc.kind, doc.language) {
        (DocumentKind::Invoice, Lang::Fr) => "Facture",
        (DocumentKind::Invoice, Lang::Nl) => "Factuur",
        (DocumentKind::Invoice, Lang::En) => "Invoice",
        (DocumentKind::CreditNote, Lang::Fr) => "Note de crédit",
        (DocumentKind::CreditNote, Lang::Nl) => "Creditnota",
        (DocumentKind::CreditNote, Lang::En) => "Credit note",
    };
    let language = match doc.language {
        Lang::Fr => "fr-BE",
        Lang::Nl => "nl-BE",
        Lang::En => "en",
    };
    let d = doc.issue_date;
    let seller_id = doc.seller.vat_number.as_deref().or(doc.seller.enterprise_number.as_deref()).unwrap_or(&doc.seller.name);
    Metadata::new()
        .title(format!("{title} {}", doc.number))
        .authors(vec![doc.seller.name.clone()])
        .creator("Encaisse".into())
        .language(language.into())
        .creation_date(DateTime::new(d.year() as u16).month(d.month() as u8).day(d.day() as u8))
        .document_id(format!("{seller_id}/{}", doc.number))
}

fn color(c: Rgb) -> rgb::Color {
    rgb::Color::new(c.0, c.1, c.2)
}

fn fill(surface: &mut Surface, c: Rgb) {
    surface.set_fill(Some(Fill { paint: color(c).into(), opacity: NormalizedF32::ONE, rule: FillRule::NonZero }));
}

fn draw_page(surface: &mut Surface, ops: &Page, faces: &Faces, logo: Option<&LoadedLogo>) {
    surface.set_stroke(None);
    for op in ops {
        match op {
            Op::Rect { x, y, w, h, color } => {
                let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else { continue };
                let mut pb = PathBuilder::new();
                pb.push_rect(rect);
                if let Some(path) = pb.finish() {
                    fill(surface, *color);
                    surface.draw_path(&path);
                }
            }
            Op::Text { x, y, size, bold, color, text, .. } => {
                let face = faces.get(*bold);
                fill(surface, *color);
                surface.draw_glyphs(Point::from_xy(*x, *y), &face.glyphs(text), face.font.clone(), text, *size, false);
            }
            Op::Qr { x, y, size, matrix } => {
                let mut pb = PathBuilder::new();
                for (rx, ry, rw, rh) in matrix.rects(*x, *y, *size) {
                    if let Some(r) = Rect::from_xywh(rx, ry, rw, rh) {
                        pb.push_rect(r);
                    }
                }
                if let Some(path) = pb.finish() {
                    fill(surface, Rgb(0, 0, 0));
                    surface.draw_path(&path);
                }
            }
            Op::Logo { x, y, w, h } => {
                let (Some(logo), Some(size)) = (logo, Size::from_wh(*w, *h)) else { continue };
                surface.push_transform(&Transform::from_translate(*x, *y));
                match logo {
                    LoadedLogo::Raster(image) => surface.draw_image(image.clone(), size),
                    LoadedLogo::Svg(tree) => {
                        use krilla_svg::{SurfaceExt, SvgSettings};
                        // Text in an SVG logo as outlines: no font to embed or map for PDF/A.
                        let _ = surface.draw_svg(tree, size, SvgSettings { embed_text: false, ..SvgSettings::default() });
                    }
                }
                surface.pop();
            }
        }
    }
}
