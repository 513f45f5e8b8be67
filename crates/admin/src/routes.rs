//! Every route of the API, registered through [`Routes`], which keeps the list of the
//! (method, path) pairs it registered: the OpenAPI check compares that list with the document
//! (`tests/openapi.rs`), both ways, and probes each over HTTP.

use std::sync::Arc;

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, on};

use crate::App;

/// A router being built, with what it serves.
pub struct Routes {
    router: Router<Arc<App>>,
    served: Vec<(Method, &'static str)>,
}

macro_rules! method {
    ($($name:ident => $method:ident, $filter:ident;)*) => {$(
        #[doc = concat!("Serves `", stringify!($method), " path` with `handler`.")]
        pub fn $name<H, T>(self, path: &'static str, handler: H) -> Self
        where
            H: Handler<T, Arc<App>>,
            T: 'static,
        {
            self.on(Method::$method, MethodFilter::$filter, path, handler)
        }
    )*};
}

impl Routes {
    fn new() -> Self {
        Routes {
            router: Router::new(),
            served: Vec::new(),
        }
    }

    fn on<H, T>(
        mut self,
        method: Method,
        filter: MethodFilter,
        path: &'static str,
        handler: H,
    ) -> Self
    where
        H: Handler<T, Arc<App>>,
        T: 'static,
    {
        self.router = self.router.route(path, on(filter, handler));
        self.served.push((method, path));
        self
    }

    method! {
        get => GET, GET;
        post => POST, POST;
        put => PUT, PUT;
        patch => PATCH, PATCH;
        delete => DELETE, DELETE;
    }
}

/// The API's routes (paths relative to `/api/v1`) and the (method, path) pairs they serve.
pub fn build() -> (Router<Arc<App>>, Vec<(Method, &'static str)>) {
    use crate::{crud, members, services};
    let routes = Routes::new().get("/openapi.json", crate::openapi::document);
    let routes = [
        crud::users::routes,
        crud::lines::routes,
        crud::agents::routes,
        crud::agent_groups::routes,
        crud::queues::routes,
        crud::profiles::routes,
        crud::rooms::routes,
        crud::voicemails::routes,
    ]
    .into_iter()
    .fold(routes, |routes, add| add(routes));
    let routes = routes
        .get("/users/{id}/services", services::get)
        .patch("/users/{id}/services", services::patch)
        .get("/queues/{id}/members", members::list)
        .post("/queues/{id}/members", members::create)
        .get("/queues/{id}/members/{agent}", members::get)
        .put("/queues/{id}/members/{agent}", members::replace)
        .delete("/queues/{id}/members/{agent}", members::delete);
    (routes.router, routes.served)
}
