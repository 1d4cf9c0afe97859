use crate::model::customers::{Customer, CustomerListQuery, CustomerPage, CustomerRow, CUSTOMERS_PER_PAGE};
use crate::domain::customer::{CustomerFields, CustomerKind};
use crate::domain::mandate::MandateMark;
use crate::server::db::{is_unique_violation, like_pattern, now, on_db, Db};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    number: String,
    kind: String,
    first_name: String,
    last_name: String,
    company_name: String,
    vat_number: String,
    enterprise_number: String,
    email: String,
    phone: String,
    language: String,
    street: String,
    postcode: String,
    city: String,
    country: String,
    iban: String,
    display_name: String,
    archived_at: Option<DateTime<Utc>>,
}

impl From<Row> for Customer {
    fn from(r: Row) -> Self {
        Customer {
            id: r.id,
            number: r.number,
            display_name: r.display_name,
            archived: r.archived_at.is_some(),
            fields: CustomerFields {
                kind: CustomerKind::parse(&r.kind).unwrap_or_default(),
                first_name: r.first_name,
                last_name: r.last_name,
                company_name: r.company_name,
                vat_number: r.vat_number,
                enterprise_number: r.enterprise_number,
                email: r.email,
                phone: r.phone,
                language: r.language,
                street: r.street,
                postcode: r.postcode,
                city: r.city,
                country: r.country,
                iban: r.iban,
            },
        }
    }
}

fn search_text(number: &str, f: &CustomerFields) -> String {
    [f.display_name().as_str(), &f.email, number, &f.city, &f.vat_number].join(" ").to_lowercase()
}

/// Inserts a customer. With no number, the next free `C00001`-style number is taken.
/// `Ok(None)` when the chosen number is already used in this company.
pub async fn insert(db: &Db, company_id: i64, number: Option<&str>, f: &CustomerFields) -> Result<Option<i64>, sqlx::Error> {
    // Automatic numbers may race with another insert: try a few times.
    for _ in 0..5 {
        let chosen = match number {
            Some(n) => n.to_string(),
            None => next_number(db, company_id).await?,
        };
        let at = now();
        let result = on_db!(db, |ex| {
            sqlx::query_scalar(
                "INSERT INTO customers (company_id, number, kind, first_name, last_name, company_name, vat_number,
               email, phone, language, street, postcode, city, country, iban, display_name, search_text,
               created_at, updated_at)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$18) RETURNING id",
            )
            .bind(company_id)
            .bind(&chosen)
            .bind(f.kind.as_str())
            .bind(&f.first_name)
            .bind(&f.last_name)
            .bind(&f.company_name)
            .bind(&f.vat_number)
            .bind(&f.email)
            .bind(&f.phone)
            .bind(&f.language)
            .bind(&f.street)
            .bind(&f.postcode)
            .bind(&f.city)
            .bind(&f.country)
            .bind(&f.iban)
            .bind(f.display_name())
            .bind(search_text(&chosen, f))
            .bind(at)
            .fetch_one(ex)
            .await
        });
        match result {
            Ok(id) => {
                set_enterprise_number(db, company_id, id, &f.enterprise_number).await?;
                return Ok(Some(id));
            }
            // A number the user chose is taken: tell them. An automatic one: take the next.
            Err(e) if is_unique_violation(&e) && number.is_none() => continue,
            Err(e) if is_unique_violation(&e) => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// The next automatic customer number: `C` and five digits, after the highest one used.
pub async fn next_number(db: &Db, company_id: i64) -> Result<String, sqlx::Error> {
    let highest: Option<String> = on_db!(db, |ex| {
        sqlx::query_scalar("SELECT MAX(number) FROM customers WHERE company_id = $1 AND number LIKE 'C%' AND length(number) = 6")
            .bind(company_id)
            .fetch_one(ex)
            .await
    })?;
    let next = highest.and_then(|n| n[1..].parse::<u32>().ok()).unwrap_or(0) + 1;
    Ok(format!("C{next:05}"))
}

/// Updates a customer's fields (never its number). `false` when it is not this company's.
pub async fn update(db: &Db, company_id: i64, id: i64, f: &CustomerFields) -> Result<bool, sqlx::Error> {
    let number: Option<String> = on_db!(db, |ex| sqlx::query_scalar("SELECT number FROM customers WHERE id = $1 AND company_id = $2")
        .bind(id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)?;
    let Some(number) = number else {
        return Ok(false);
    };
    let done = on_db!(db, |ex| {
        sqlx::query(
            "UPDATE customers SET kind=$3, first_name=$4, last_name=$5, company_name=$6, vat_number=$7, email=$8,
           phone=$9, language=$10, street=$11, postcode=$12, city=$13, country=$14, iban=$15,
           display_name=$16, search_text=$17, updated_at=$18
         WHERE id = $1 AND company_id = $2",
        )
        .bind(id)
        .bind(company_id)
        .bind(f.kind.as_str())
        .bind(&f.first_name)
        .bind(&f.last_name)
        .bind(&f.company_name)
        .bind(&f.vat_number)
        .bind(&f.email)
        .bind(&f.phone)
        .bind(&f.language)
        .bind(&f.street)
        .bind(&f.postcode)
        .bind(&f.city)
        .bind(&f.country)
        .bind(&f.iban)
        .bind(f.display_name())
        .bind(search_text(&number, f))
        .bind(now())
        .execute(ex)
        .await
        .map(|r| r.rows_affected())
    })?;
    if done == 1 {
        set_enterprise_number(db, company_id, id, &f.enterprise_number).await?;
    }
    Ok(done == 1)
}

async fn set_enterprise_number(db: &Db, company_id: i64, id: i64, number: &str) -> Result<(), sqlx::Error> {
    on_db!(db, |ex| sqlx::query("UPDATE customers SET enterprise_number = $3 WHERE id = $1 AND company_id = $2")
        .bind(id)
        .bind(company_id)
        .bind(number)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

const COLUMNS: &str = "id, number, kind, first_name, last_name, company_name, vat_number, enterprise_number, email, phone, language,
    street, postcode, city, country, iban, display_name, archived_at";

pub async fn get(db: &Db, company_id: i64, id: i64) -> Result<Option<Customer>, sqlx::Error> {
    let row: Option<Row> = on_db!(db, |ex| sqlx::query_as(&format!("SELECT {COLUMNS} FROM customers WHERE id = $1 AND company_id = $2"))
        .bind(id)
        .bind(company_id)
        .fetch_optional(ex)
        .await)?;
    Ok(row.map(Customer::from))
}

/// The id of the company's customer shown as `display_name` (the first, if several).
pub async fn id_by_name(db: &Db, company_id: i64, display_name: &str) -> Result<Option<i64>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_scalar("SELECT id FROM customers WHERE company_id = $1 AND display_name = $2 ORDER BY id LIMIT 1")
        .bind(company_id)
        .bind(display_name)
        .fetch_optional(ex)
        .await)
}

pub async fn set_archived(db: &Db, company_id: i64, id: i64, archived: bool) -> Result<bool, sqlx::Error> {
    let done = on_db!(db, |ex| sqlx::query("UPDATE customers SET archived_at = $3, updated_at = $4 WHERE id = $1 AND company_id = $2")
        .bind(id)
        .bind(company_id)
        .bind(archived.then(now))
        .bind(now())
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

pub async fn count(db: &Db, company_id: i64) -> Result<i64, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE company_id = $1 AND archived_at IS NULL")
        .bind(company_id)
        .fetch_one(ex)
        .await)
}

/// One page of the list: search, sort, archived or not. Uses the (company, archived, name) index.
/// With `twikey`, each row also carries its best mandate (one indexed subquery per row).
pub async fn list(db: &Db, company_id: i64, q: &CustomerListQuery, twikey: bool) -> Result<CustomerPage, sqlx::Error> {
    // Only whitelisted column names reach the SQL text.
    let order = match q.sort.as_str() {
        "number" => "number",
        "city" => "city",
        "created" => "created_at",
        _ => "display_name",
    };
    let dir = if q.desc { "DESC" } else { "ASC" };
    let archived = if q.archived { "archived_at IS NOT NULL" } else { "archived_at IS NULL" };
    let search = !q.q.trim().is_empty();
    let filter = format!("company_id = $1 AND {archived}{}", if search { " AND search_text LIKE $2 ESCAPE '\\'" } else { "" });
    let pattern = like_pattern(&q.q);

    let total: i64 = {
        let sql = format!("SELECT COUNT(*) FROM customers WHERE {filter}");
        on_db!(db, |ex| {
            let query = sqlx::query_scalar(&sql).bind(company_id);
            let query = if search { query.bind(&pattern) } else { query };
            query.fetch_one(ex).await
        })?
    };
    let per_page = CUSTOMERS_PER_PAGE as i64;
    let pages = ((total + per_page - 1) / per_page).max(1) as u32;
    let page = q.page.clamp(1, pages);
    let offset = (page as i64 - 1) * per_page;
    let (limit_at, offset_at) = if search { (3, 4) } else { (2, 3) };
    let mandate_rank = if twikey {
        "(SELECT CAST(MAX(CASE m.state WHEN 'signed' THEN 3 WHEN 'pending_bank' THEN 2 WHEN 'prepared' THEN 1 ELSE 0 END) AS BIGINT)
           FROM mandates m WHERE m.company_id = customers.company_id AND m.customer_id = customers.id)"
    } else {
        "CAST(NULL AS BIGINT)"
    };
    let sql = format!(
        "SELECT id, number, display_name, kind, email, city, {mandate_rank} FROM customers WHERE {filter}
         ORDER BY {order} {dir}, id {dir} LIMIT ${limit_at} OFFSET ${offset_at}"
    );
    let rows: Vec<(i64, String, String, String, String, String, Option<i64>)> = on_db!(db, |ex| {
        let query = sqlx::query_as(&sql).bind(company_id);
        let query = if search { query.bind(&pattern) } else { query };
        query.bind(per_page).bind(offset).fetch_all(ex).await
    })?;
    let rows = rows
        .into_iter()
        .map(|(id, number, display_name, kind, email, city, rank)| CustomerRow {
            id,
            number,
            display_name,
            kind: CustomerKind::parse(&kind).unwrap_or_default(),
            email,
            city,
            twikey: rank.and_then(MandateMark::from_rank),
        })
        .collect();
    Ok(CustomerPage { twikey_enabled: twikey, rows, total, page, pages })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::repo::companies;

    fn person(first: &str, last: &str, city: &str) -> CustomerFields {
        CustomerFields {
            kind: CustomerKind::Individual,
            first_name: first.into(),
            last_name: last.into(),
            email: format!("{}@example.be", first.to_lowercase()),
            city: city.into(),
            language: "fr".into(),
            country: "BE".into(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn numbering_search_sort_paging_and_isolation() {
        let (db, _dir) = crate::server::db::test_db().await;
        let a = companies::create(&db, "A").await.unwrap().id;
        let b = companies::create(&db, "B").await.unwrap().id;
        let first = insert(&db, a, None, &person("Anne", "Peeters", "Gent")).await.unwrap().unwrap();
        insert(&db, a, None, &person("Bart", "Janssens", "Liège")).await.unwrap().unwrap();
        assert_eq!(get(&db, a, first).await.unwrap().unwrap().number, "C00001");
        assert_eq!(next_number(&db, a).await.unwrap(), "C00003");
        // chosen numbers are unique per company, not across companies
        assert!(insert(&db, a, Some("C00001"), &person("X", "Y", "Z")).await.unwrap().is_none());
        assert!(insert(&db, b, Some("C00001"), &person("X", "Y", "Z")).await.unwrap().is_some());
        for i in 0..30 {
            insert(&db, a, None, &person(&format!("P{i:02}"), "Filler", "Namur")).await.unwrap().unwrap();
        }
        let all = list(&db, a, &CustomerListQuery::default(), false).await.unwrap();
        assert_eq!((all.total, all.pages, all.rows.len()), (32, 2, 25));
        assert_eq!(all.rows[0].display_name, "Anne Peeters");
        let page2 = list(&db, a, &CustomerListQuery { page: 2, ..Default::default() }, false).await.unwrap();
        assert_eq!(page2.rows.len(), 7);
        let found = list(&db, a, &CustomerListQuery { q: "liÈGE".into(), ..Default::default() }, false).await.unwrap();
        assert_eq!(found.total, 1, "search is case-insensitive, also on accents typed the same way");
        let none = list(&db, a, &CustomerListQuery { q: "100%".into(), ..Default::default() }, false).await.unwrap();
        assert_eq!(none.total, 0, "% is matched literally");
        let desc = list(&db, a, &CustomerListQuery { sort: "city".into(), desc: true, ..Default::default() }, false).await.unwrap();
        assert_eq!(desc.rows[0].city, "Namur");
        // company B sees only its own
        assert_eq!(list(&db, b, &CustomerListQuery::default(), false).await.unwrap().total, 1);
        assert!(get(&db, b, first).await.unwrap().is_none());
        assert!(!update(&db, b, first, &person("Evil", "Eve", "X")).await.unwrap());
        assert!(!set_archived(&db, b, first, true).await.unwrap());
        // archive moves it out of the default list
        assert!(set_archived(&db, a, first, true).await.unwrap());
        assert_eq!(list(&db, a, &CustomerListQuery::default(), false).await.unwrap().total, 31);
        assert_eq!(list(&db, a, &CustomerListQuery { archived: true, ..Default::default() }, false).await.unwrap().total, 1);
        // update keeps the number
        let mut changed = person("Anne", "Peeters-Dubois", "Gent");
        changed.iban = "BE68539007547034".into();
        assert!(update(&db, a, first, &changed).await.unwrap());
        let after = get(&db, a, first).await.unwrap().unwrap();
        assert_eq!((after.number.as_str(), after.display_name.as_str()), ("C00001", "Anne Peeters-Dubois"));
    }
}
