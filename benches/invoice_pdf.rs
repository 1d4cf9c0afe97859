//! One invoice PDF of 20 lines, rendered as the server does for `GET /invoices/{id}/pdf` (and
//! its e-invoice with the PDF inside): time per document (p50, p99) and the process's peak
//! memory with the PDF engine loaded. `make bench` runs it; figures go to the README.
//!
//! cargo bench --no-default-features --features ssr --bench invoice_pdf

use encaisse::domain::document::{examples, summarise, DocumentLine, VatCategory};
use encaisse::server::invoicing::{pdf, ubl};
use std::time::Instant;

fn twenty_lines() -> encaisse::domain::document::Document {
    let mut doc = examples::invoice();
    doc.lines = (0..20)
        .map(|i| {
            let quantity_milli = 1_000 + i * 250;
            let unit_price_cents = 199 + i * 731;
            let vat_rate = [6u8, 12, 21, 0][i as usize % 4];
            DocumentLine {
                description: format!("Article {i}: pain, viennoiserie et livraison du matin"),
                quantity_milli,
                unit_price_cents,
                vat_rate,
                category: if vat_rate == 0 { VatCategory::Zero } else { VatCategory::Standard },
                amount_cents: (quantity_milli * unit_price_cents + 500) / 1000,
            }
        })
        .collect();
    let (breakdown, totals) = summarise(&doc.lines, 0);
    doc.vat_breakdown = breakdown;
    doc.totals = totals;
    doc
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.to_string()))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() {
    let doc = twenty_lines();
    for _ in 0..5 {
        pdf::render(&doc).expect("renders"); // warm-up (font parsing, allocations)
    }
    let runs = 200;
    let mut pdf_ms = Vec::with_capacity(runs);
    let mut both_ms = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let bytes = pdf::render(&doc).expect("renders");
        pdf_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        let xml = ubl::render(&doc, Some(&bytes)).expect("renders");
        both_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        size = bytes.len().max(xml.len() / 2);
    }
    pdf_ms.sort_by(f64::total_cmp);
    both_ms.sort_by(f64::total_cmp);
    println!("invoice PDF, 20 lines, {runs} runs: p50 {:.1} ms, p99 {:.1} ms ({} KB)", percentile(&pdf_ms, 0.5), percentile(&pdf_ms, 0.99), size / 1024);
    println!("PDF + Peppol UBL with the PDF inside: p50 {:.1} ms, p99 {:.1} ms", percentile(&both_ms, 0.5), percentile(&both_ms, 0.99));
    println!("peak RSS of this process with the PDF engine loaded: {:.1} MB", peak_rss_mb());
}
