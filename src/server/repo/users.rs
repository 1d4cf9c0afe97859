use crate::i18n::Lang;
use crate::server::db::{now, on_db, Db, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub company_id: i64,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub language: String,
}

impl User {
    pub fn lang(&self) -> Lang {
        Lang::parse(&self.language).unwrap_or_default()
    }
}

/// [`insert`] in a transaction of its own.
pub async fn create(db: &Db, company_id: i64, name: &str, email: &str, password_hash: &str, lang: Lang) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, company_id, name, email, password_hash, lang).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn insert(db: &mut Tx, company_id: i64, name: &str, email: &str, password_hash: &str, lang: Lang) -> Result<i64, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_scalar(
        "INSERT INTO users (company_id, name, email, password_hash, language, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(company_id)
    .bind(name)
    .bind(email)
    .bind(password_hash)
    .bind(lang.code())
    .bind(now())
    .fetch_one(ex)
    .await)
}

const COLUMNS: &str = "id, company_id, name, email, password_hash, language";

pub async fn by_email(db: &Db, email: &str) -> Result<Option<User>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE lower(email) = lower($1)"))
        .bind(email)
        .fetch_optional(ex)
        .await)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<User>, sqlx::Error> {
    on_db!(db, |ex| sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1")).bind(id).fetch_optional(ex).await)
}

pub async fn set_language(db: &Db, id: i64, lang: Lang) -> Result<(), sqlx::Error> {
    on_db!(db, |ex| sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
        .bind(lang.code())
        .bind(id)
        .execute(ex)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn email_is_unique_case_insensitively() {
        let (db, _dir) = crate::server::db::test_db().await;
        let c = crate::server::repo::companies::create(&db, "Acme").await.unwrap();
        let id = create(&db, c.id, "Anne", "Anne@Example.be", "h", Lang::Fr).await.unwrap();
        let err = create(&db, c.id, "Other", "anne@example.BE", "h", Lang::En).await.unwrap_err();
        assert!(crate::server::db::is_unique_violation(&err));
        let user = by_email(&db, "ANNE@example.be").await.unwrap().unwrap();
        assert_eq!((user.id, user.lang()), (id, Lang::Fr));
        set_language(&db, id, Lang::Nl).await.unwrap();
        assert_eq!(by_id(&db, id).await.unwrap().unwrap().lang(), Lang::Nl);
    }
}
