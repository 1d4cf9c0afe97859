//! `GET /invoices/{id}/pdf` and `GET /invoices/{id}/ubl` (and the same under `/credit-notes/`):
//! the issued invoice or credit note as a PDF and as a Peppol e-invoice (with the PDF inside),
//! for the signed-in user of its company.

use super::documents;
use crate::domain::document::Document;
use crate::server::Error;
use crate::server::session::AuthUser;
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use http::{header, HeaderValue, StatusCode};

pub async fn pdf(State(state): State<AppState>, Extension(user): Extension<Option<AuthUser>>, Path(id): Path<i64>) -> Response {
    pdf_of(state, user, Which::Invoice(id)).await
}

pub async fn credit_pdf(State(state): State<AppState>, Extension(user): Extension<Option<AuthUser>>, Path(id): Path<i64>) -> Response {
    pdf_of(state, user, Which::CreditNote(id)).await
}

async fn pdf_of(state: AppState, user: Option<AuthUser>, which: Which) -> Response {
    let doc = match document(&state, user, which, "pdf").await {
        Ok(doc) => doc,
        Err(response) => return response,
    };
    match render_pdf(doc.clone()).await {
        Ok(bytes) => attachment(bytes, "application/pdf", &documents::file_name(&doc, "pdf")),
        Err(response) => response,
    }
}

pub async fn ubl(State(state): State<AppState>, Extension(user): Extension<Option<AuthUser>>, Path(id): Path<i64>) -> Response {
    e_invoice(state, user, Which::Invoice(id)).await
}

pub async fn credit_ubl(State(state): State<AppState>, Extension(user): Extension<Option<AuthUser>>, Path(id): Path<i64>) -> Response {
    e_invoice(state, user, Which::CreditNote(id)).await
}

#[derive(Clone, Copy)]
enum Which {
    Invoice(i64),
    CreditNote(i64),
}

async fn e_invoice(state: AppState, user: Option<AuthUser>, which: Which) -> Response {
    let id = match which {
        Which::Invoice(id) | Which::CreditNote(id) => id,
    };
    let doc = match document(&state, user, which, "ubl").await {
        Ok(doc) => doc,
        Err(response) => return response,
    };
    let pdf = match render_pdf(doc.clone()).await {
        Ok(bytes) => bytes,
        Err(response) => return response,
    };
    match super::ubl::render(&doc, Some(&pdf)) {
        Ok(xml) => attachment(xml, "application/xml", &documents::file_name(&doc, "xml")),
        Err(e) => {
            // A document the Peppol rules would reject is not handed out; say why.
            tracing::warn!(invoice_id = id, error = %e, "no e-invoice for this invoice");
            (StatusCode::UNPROCESSABLE_ENTITY, format!("No e-invoice can be made for this invoice: {e}")).into_response()
        }
    }
}

/// The document of one of the user's company's invoices or credit notes, or the answer to give
/// instead.
async fn document(state: &AppState, user: Option<AuthUser>, which: Which, what: &str) -> Result<Document, Response> {
    let (found, id, path) = match which {
        Which::Invoice(id) => (None, id, "invoices"),
        Which::CreditNote(id) => (Some(()), id, "credit-notes"),
    };
    let Some(user) = user else {
        return Err(Redirect::to(&format!("/login?next=/{path}/{id}/{what}")).into_response());
    };
    let result = match found {
        None => documents::current(&state.db, user.company_id, id).await,
        Some(()) => documents::credit_note(&state.db, user.company_id, id).await,
    };
    match result {
        Ok(Some(doc)) => Ok(doc),
        Ok(None) | Err(Error::NotFound) => Err(StatusCode::NOT_FOUND.into_response()),
        Err(e) => {
            tracing::error!(invoice_id = id, error = %e, "invoice document");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

/// PDF rendering is CPU work: off the async threads.
async fn render_pdf(doc: Document) -> Result<Vec<u8>, Response> {
    documents::render_pdf(doc).await.map_err(|e| {
        tracing::error!(error = %e, "invoice PDF");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}

fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    r
}
