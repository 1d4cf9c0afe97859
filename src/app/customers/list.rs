use crate::api::customers::{list_customers, CustomerListQuery};
use crate::app::components::{urlencode, ButtonLink, LoadError, Loading, Protected};
use crate::domain::mandate::MandateMark;
use crate::app::viewer::use_t;
use crate::i18n::Msg;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CustomerListPage() -> impl IntoView {
    view! { <Protected><CustomerList /></Protected> }
}

fn query_string(q: &CustomerListQuery) -> String {
    let mut parts = Vec::new();
    if !q.q.is_empty() {
        parts.push(format!("q={}", urlencode(&q.q)));
    }
    if !q.sort.is_empty() {
        parts.push(format!("sort={}", urlencode(&q.sort)));
    }
    if q.desc {
        parts.push("desc=true".into());
    }
    if q.archived {
        parts.push("archived=true".into());
    }
    if q.page > 1 {
        parts.push(format!("page={}", q.page));
    }
    if parts.is_empty() { "/customers".into() } else { format!("/customers?{}", parts.join("&")) }
}

#[component]
fn CustomerList() -> impl IntoView {
    let t = use_t();
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let p = params.read();
        CustomerListQuery {
            q: p.get("q").unwrap_or_default(),
            sort: p.get("sort").unwrap_or_default(),
            desc: p.get("desc").as_deref() == Some("true"),
            page: p.get("page").and_then(|n| n.parse().ok()).unwrap_or(1),
            archived: p.get("archived").as_deref() == Some("true"),
        }
    });
    let page = Resource::new(move || query.get(), list_customers);

    // A column header that sorts by it (and flips the direction when already sorted by it).
    let sort_header = move |key: &'static str, label: Msg| {
        let q = query.get();
        let active = q.sort == key || (q.sort.is_empty() && key == "name");
        let link = query_string(&CustomerListQuery { sort: key.into(), desc: active && !q.desc, page: 1, ..q.clone() });
        let aria_sort = if active { if q.desc { "descending" } else { "ascending" } } else { "none" };
        let arrow = if active { if q.desc { " ↓" } else { " ↑" } } else { "" };
        view! { <th scope="col" aria-sort=aria_sort><a href=link>{t(label)}{arrow}</a></th> }
    };

    view! {
        <Title text=t(Msg::CustomersTitle) />
        <section class="page" id="customer-list" data-live>
            <header class="page-header">
                <h1>{t(Msg::CustomersTitle)}</h1>
                <ButtonLink href="/customers/new" label=Msg::NewCustomer />
            </header>
            <form class="toolbar" method="get" action="/customers" role="search">
                <label class="visually-hidden" for="customer-search">{t(Msg::Search)}</label>
                <input
                    id="customer-search"
                    type="search"
                    name="q"
                    value=move || query.get().q
                    placeholder=t(Msg::SearchCustomersPlaceholder)
                />
                {move || { let s = query.get().sort; (!s.is_empty()).then(|| view! { <input type="hidden" name="sort" value=s /> }) }}
                {move || query.get().archived.then(|| view! { <input type="hidden" name="archived" value="true" /> })}
                <button type="submit" class="button">{t(Msg::Search)}</button>
                <a class="toggle-archived" href=move || query_string(&CustomerListQuery { archived: !query.get().archived, page: 1, ..query.get() })
                    aria-current=move || query.get().archived.then_some("true")>
                    {t(Msg::ShowArchived)}
                </a>
            </form>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Err(e) => view! { <LoadError error=e /> }.into_any(),
                        Ok(p) if p.rows.is_empty() => {
                            let searching = !query.get_untracked().q.is_empty();
                            view! {
                                <div class="card empty-state">
                                    <p>{if searching { t(Msg::NoCustomersMatch) } else { t(Msg::NoCustomersYet) }}</p>
                                    {(!searching).then(|| view! { <a class="button" href="/customers/new">{t(Msg::AddFirstCustomer)}</a> })}
                                </div>
                            }.into_any()
                        }
                        Ok(p) => {
                            let q = query.get_untracked();
                            let prev = (p.page > 1).then(|| query_string(&CustomerListQuery { page: p.page - 1, ..q.clone() }));
                            let next = (p.page < p.pages).then(|| query_string(&CustomerListQuery { page: p.page + 1, ..q.clone() }));
                            view! {
                                <div class="card table-card">
                                    <table class="data-table">
                                        <thead>
                                            <tr>
                                                {sort_header("number", Msg::Number)}
                                                {sort_header("name", Msg::Name)}
                                                <th scope="col">{t(Msg::Email)}</th>
                                                {sort_header("city", Msg::City)}
                                                {p.twikey_enabled.then(|| view! { <th scope="col">"Twikey"</th> })}
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {p.rows.into_iter().map(|c| view! {
                                                <tr data-testid="customer-row">
                                                    <td class="mono">{c.number}</td>
                                                    <td>
                                                        <a href=format!("/customers/{}", c.id)>{c.display_name}</a>
                                                        <span class="tag">{t(match c.kind {
                                                            crate::domain::customer::CustomerKind::Individual => Msg::Individual,
                                                            crate::domain::customer::CustomerKind::Company => Msg::Company,
                                                        })}</span>
                                                    </td>
                                                    <td>{c.email}</td>
                                                    <td>{c.city}</td>
                                                    {p.twikey_enabled.then(|| view! {
                                                        <td data-testid="twikey-status" data-state=match c.twikey {
                                                            Some(MandateMark::Signed) => "signed",
                                                            Some(MandateMark::Waiting) => "waiting",
                                                            None => "none",
                                                        }>
                                                            {match c.twikey {
                                                                Some(MandateMark::Signed) => view! {
                                                                    <span class="mandate-icon signed" role="img" aria-label=t(Msg::SignedMandate) title=t(Msg::SignedMandate)>
                                                                        <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true"><circle cx="10" cy="10" r="10" fill="#f28c28"/><path d="M5.5 10.5l3 3 6-7" stroke="#fff" stroke-width="2.2" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>
                                                                    </span>
                                                                }.into_any(),
                                                                Some(MandateMark::Waiting) => view! {
                                                                    <span class="mandate-icon waiting" role="img" aria-label=t(Msg::WaitingMandate) title=t(Msg::WaitingMandate)>
                                                                        <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true"><circle cx="10" cy="10" r="8.5" fill="none" stroke="#b8860b" stroke-width="1.8" stroke-dasharray="3 2.5"/><path d="M10 5.5v5l3 2" stroke="#8a6d1f" stroke-width="1.8" fill="none" stroke-linecap="round"/></svg>
                                                                    </span>
                                                                }.into_any(),
                                                                None => ().into_any(),
                                                            }}
                                                        </td>
                                                    })}
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <nav class="pager" aria-label=t(Msg::PageOf)>
                                    <span class="muted">{p.total}" "{t(Msg::ResultsCount)}" · "{t(Msg::PageOf)}" "{p.page}" / "{p.pages}</span>
                                    {prev.map(|href| view! { <a class="button" href=href rel="prev">{t(Msg::Previous)}</a> })}
                                    {next.map(|href| view! { <a class="button" href=href rel="next">{t(Msg::Next)}</a> })}
                                </nav>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
