//! The EPC QR code's module matrix and the rectangles it is drawn with.

use super::PdfError;
use qrcode::{Color, EcLevel, QrCode};

/// Modules of white around the symbol (the QR specification's quiet zone).
pub(super) const QUIET_ZONE: usize = 4;

#[derive(Clone, Debug, PartialEq)]
pub(super) struct QrMatrix {
    /// Modules per side.
    pub width: usize,
    /// Row by row, `true` for a dark module.
    pub dark: Vec<bool>,
}

impl QrMatrix {
    /// The symbol of `payload`, at error correction level M as EPC069-12 requires.
    pub fn new(payload: &str) -> Result<Self, PdfError> {
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).map_err(|e| PdfError::Qr(e.to_string()))?;
        let width = code.width();
        let dark = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
        Ok(QrMatrix { width, dark })
    }

    /// The dark modules as horizontal runs `(row, first column, length)`: one rectangle each,
    /// all filled as a single path (no hairline seams between neighbours).
    pub fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for row in 0..self.width {
            let mut col = 0;
            while col < self.width {
                if self.dark[row * self.width + col] {
                    let start = col;
                    while col < self.width && self.dark[row * self.width + col] {
                        col += 1;
                    }
                    runs.push((row, start, col - start));
                } else {
                    col += 1;
                }
            }
        }
        runs
    }

    /// The rectangles `(x, y, w, h)` the PDF draws for a symbol `size` points wide whose
    /// top-left corner is at `(x, y)`.
    pub fn rects(&self, x: f32, y: f32, size: f32) -> Vec<(f32, f32, f32, f32)> {
        let m = size / self.width as f32;
        self.runs().into_iter().map(|(row, col, len)| (x + col as f32 * m, y + row as f32 * m, len as f32 * m, m)).collect()
    }
}
