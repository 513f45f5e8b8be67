//! Lists: `offset` / `limit` pagination with the `total` that matched, and `search=` (a
//! case-insensitive substring of an object's names and numbers).

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::error::ApiError;

/// Items a page holds unless `limit` says otherwise.
pub const DEFAULT_LIMIT: usize = 100;
/// Most items a page holds.
pub const MAX_LIMIT: usize = 1000;
/// Longest `search` text, in bytes.
pub const MAX_SEARCH_BYTES: usize = 128;

/// A list's query.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Items to skip (default 0).
    pub offset: Option<usize>,
    /// Items to return, 1 to 1000 (default 100).
    pub limit: Option<usize>,
    /// Only the items whose names or numbers contain this text, ignoring case (at most 128
    /// bytes).
    pub search: Option<String>,
}

/// One page of a list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items match, over every page.
    pub total: usize,
    /// Items skipped before this page.
    pub offset: usize,
    /// Most items of a page, as asked.
    pub limit: usize,
}

/// A search, lower-cased once.
pub struct Search(Option<String>);

impl Search {
    /// Whether any of `texts` contains the search (always, without one).
    pub fn matches<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> bool {
        match &self.0 {
            None => true,
            Some(needle) => texts
                .into_iter()
                .any(|t| t.to_lowercase().contains(needle.as_str())),
        }
    }
}

impl ListQuery {
    /// The search, or 400 when too long.
    pub fn search(&self) -> Result<Search, ApiError> {
        match self.search.as_deref().map(str::trim) {
            Some(s) if s.len() > MAX_SEARCH_BYTES => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "InvalidQuery",
                format!("search is at most {MAX_SEARCH_BYTES} bytes"),
                json!({ "field": "search" }),
            )),
            Some("") | None => Ok(Search(None)),
            Some(s) => Ok(Search(Some(s.to_lowercase()))),
        }
    }

    /// The page of `matching` this query asks for, each item shown through `show`.
    pub fn page<T, U>(
        &self,
        matching: impl Iterator<Item = T>,
        show: impl Fn(T) -> U,
    ) -> Result<Page<U>, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "InvalidQuery",
                format!("limit is 1 to {MAX_LIMIT}"),
                json!({ "field": "limit" }),
            ));
        }
        let offset = self.offset.unwrap_or(0);
        let mut total = 0;
        let mut items = Vec::new();
        for item in matching {
            if total >= offset && items.len() < limit {
                items.push(show(item));
            }
            total += 1;
        }
        Ok(Page {
            items,
            total,
            offset,
            limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(offset: Option<usize>, limit: Option<usize>, search: Option<&str>) -> ListQuery {
        ListQuery {
            offset,
            limit,
            search: search.map(str::to_owned),
        }
    }

    #[test]
    fn pages_count_every_match() {
        let page = query(Some(2), Some(3), None)
            .page(0..10, |i| i * 10)
            .unwrap();
        assert_eq!(page.items, [20, 30, 40]);
        assert_eq!((page.total, page.offset, page.limit), (10, 2, 3));
        let past = query(Some(20), None, None).page(0..10, |i| i).unwrap();
        assert!(past.items.is_empty());
        assert_eq!(past.total, 10);
        assert!(query(None, Some(0), None).page(0..1, |i| i).is_err());
        assert!(
            query(None, Some(MAX_LIMIT + 1), None)
                .page(0..1, |i| i)
                .is_err()
        );
    }

    #[test]
    fn search_ignores_case() {
        let search = query(None, None, Some(" ALI ")).search().unwrap();
        assert!(search.matches(["Alice", "1001"]));
        assert!(!search.matches(["Bob", "1002"]));
        assert!(query(None, None, None).search().unwrap().matches([]));
        let long = "x".repeat(MAX_SEARCH_BYTES + 1);
        assert!(query(None, None, Some(&long)).search().is_err());
    }
}
