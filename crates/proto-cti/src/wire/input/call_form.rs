//! `call_form_result`: the fields of a sheet's form sent back by the client.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::capped::form_variables;

use crate::wire::lenient::Id;

/// `call_form_result`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallFormResult {
    /// The form.
    pub infos: CallFormInfos,
}

/// The `infos` of a call form.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallFormInfos {
    /// `XIVOFORM_x` → value.
    #[serde(default, deserialize_with = "form_variables")]
    pub variables: BTreeMap<String, Id>,
}
