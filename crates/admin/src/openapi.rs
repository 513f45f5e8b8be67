//! The OpenAPI 3 document, generated from the handlers' `#[utoipa::path]` attributes and the
//! core's types (`ctid_core`'s `openapi` feature derives their schemas from their
//! definitions), served at `/api/v1/openapi.json`. Built and encoded once, at start.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, ResponseBuilder, Server};
use utoipa::{Modify, OpenApi};

use crate::App;
use crate::crud::{agent_groups, agents, lines, profiles, queues, rooms, users, voicemails};
use crate::error::ErrorBody;
use crate::{members, services};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ctid admin API",
        description = "The configured world of a ctid server (users, lines, agents, queues and \
            their members, agent groups, CTI profiles, conference rooms, voicemail boxes) and \
            users' services, read and changed live. Every request carries the admin API key: \
            `Authorization: Bearer <key>`. Errors are `{error, message, details}`."
    ),
    paths(
        users::list, users::get, users::create, users::replace, users::patch, users::delete,
        lines::list, lines::get, lines::create, lines::replace, lines::patch, lines::delete,
        agents::list, agents::get, agents::create, agents::replace, agents::patch, agents::delete,
        agent_groups::list, agent_groups::get, agent_groups::create, agent_groups::replace,
        agent_groups::patch, agent_groups::delete,
        queues::list, queues::get, queues::create, queues::replace, queues::patch, queues::delete,
        profiles::list, profiles::get, profiles::create, profiles::replace, profiles::patch,
        profiles::delete,
        rooms::list, rooms::get, rooms::create, rooms::replace, rooms::patch, rooms::delete,
        voicemails::list, voicemails::get, voicemails::create, voicemails::replace,
        voicemails::patch, voicemails::delete,
        members::list, members::create, members::get, members::replace, members::delete,
        services::get, services::patch,
        document,
    ),
    components(schemas(ErrorBody)),
    modifiers(&Common),
)]
pub struct ApiDoc;

/// What every operation shares: the server's base path, the key, the 401 answer, and an
/// operation id made of the tag and the handler's name.
struct Common;

impl Modify for Common {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        doc.servers = Some(vec![Server::new("/api/v1")]);
        let components = doc
            .components
            .get_or_insert_with(|| ComponentsBuilder::new().build());
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        doc.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "api_key",
            Vec::<String>::new(),
        )]);
        let unauthorized = ResponseBuilder::new()
            .description("No key, or not the admin API key")
            .content(
                "application/json",
                utoipa::openapi::ContentBuilder::new()
                    .schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build();
        for item in doc.paths.paths.values_mut() {
            for operation in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                operation
                    .responses
                    .responses
                    .insert("401".to_owned(), unauthorized.clone().into());
                let tag = operation
                    .tags
                    .as_ref()
                    .and_then(|t| t.first())
                    .map(|t| t.replace(' ', "_"));
                if let (Some(tag), Some(id)) = (tag, &operation.operation_id) {
                    operation.operation_id = Some(format!("{tag}_{id}"));
                }
            }
        }
    }
}

/// The document, encoded.
pub fn encoded() -> Bytes {
    serde_json::to_vec(&ApiDoc::openapi())
        .expect("the document serializes")
        .into()
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3 document of this API", body = Object)))]
pub async fn document(State(app): State<Arc<App>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        app.openapi.clone(),
    )
        .into_response()
}
