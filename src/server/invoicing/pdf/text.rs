//! The two embedded faces (Liberation Sans regular and bold, `assets/fonts/`), their glyph
//! widths for measuring and wrapping, and the glyph runs handed to krilla.
//!
//! Glyphs are placed one per character with the font's advance widths (no kerning, no
//! ligatures): what is measured is exactly what is drawn, so right-aligned amounts line up
//! and wrapped text never runs past its column. A character the font lacks becomes `?` before
//! anything is measured or drawn (PDF/A forbids the `.notdef` glyph).

use super::PdfError;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

pub(super) static REGULAR: &[u8] = include_bytes!("../../../../assets/fonts/LiberationSans-Regular.ttf");
pub(super) static BOLD: &[u8] = include_bytes!("../../../../assets/fonts/LiberationSans-Bold.ttf");

/// One face: the krilla font to embed and skrifa's view of the same bytes to measure.
pub(super) struct Face {
    pub font: Font,
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    units_per_em: f32,
}

impl Face {
    fn new(bytes: &'static [u8]) -> Result<Self, PdfError> {
        let font_ref = FontRef::new(bytes).map_err(|e| PdfError::Font(e.to_string()))?;
        let units_per_em = font_ref.metrics(Size::unscaled(), LocationRef::default()).units_per_em as f32;
        let font = Font::new(bytes.into(), 0).ok_or_else(|| PdfError::Font("krilla could not read the font".into()))?;
        Ok(Face {
            font,
            charmap: font_ref.charmap(),
            metrics: font_ref.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em,
        })
    }

    fn glyph(&self, c: char) -> Option<skrifa::GlyphId> {
        self.charmap.map(c).filter(|g| g.to_u32() != 0)
    }

    /// The text as it will be drawn: line breaks kept (for [`wrap`]), other control characters
    /// as spaces, characters the font lacks as `?`.
    pub fn sanitize(&self, s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '\n' => '\n',
                c if c.is_control() => ' ',
                c if self.glyph(c).is_some() => c,
                _ => '?',
            })
            .collect()
    }

    /// Width of already sanitised text at `size` points.
    pub fn width(&self, s: &str, size: f32) -> f32 {
        s.chars().filter_map(|c| self.glyph(c)).map(|g| self.advance(g)).sum::<f32>() * size
    }

    /// Advance in em.
    fn advance(&self, g: skrifa::GlyphId) -> f32 {
        self.metrics.advance_width(g).unwrap_or(0.0) / self.units_per_em
    }

    /// krilla glyphs of already sanitised text, each mapped back to its character (the PDF's
    /// ToUnicode table, so the text can be copied and searched).
    pub fn glyphs(&self, s: &str) -> Vec<KrillaGlyph> {
        s.char_indices()
            .filter_map(|(i, c)| {
                let g = self.glyph(c)?;
                Some(KrillaGlyph::new(GlyphId::new(g.to_u32()), self.advance(g), 0.0, 0.0, 0.0, i..i + c.len_utf8(), None))
            })
            .collect()
    }
}

pub(super) struct Faces {
    pub regular: Face,
    pub bold: Face,
}

impl Faces {
    pub fn load() -> Result<Self, PdfError> {
        Ok(Faces { regular: Face::new(REGULAR)?, bold: Face::new(BOLD)? })
    }

    pub fn get(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }
}

/// Greedy word wrap of sanitised text into lines at most `width` wide; a word longer than a
/// line is broken between characters. Line breaks in the text are kept.
pub(super) fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if face.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if face.width(word, size) <= width {
                line = word.to_string();
                continue;
            }
            // A word wider than the column: cut it where it no longer fits.
            for c in word.chars() {
                let mut next = line.clone();
                next.push(c);
                if face.width(&next, size) > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                } else {
                    line = next;
                }
            }
        }
        lines.push(line);
    }
    lines
}
