// Mirrors bench/ours/headers-all.ts: reads every request header (all pairs), then adds one:
// proxy_get_header_map_pairs(request headers), proxy_add_header_map_value("x-header-count", "some"|"none").
use proxy_wasm::traits::*;
use proxy_wasm::types::*;

proxy_wasm::main! {{
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Root) });
}}

struct Root;

impl Context for Root {}

impl RootContext for Root {
    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Filter))
    }
}

struct Filter;

impl Context for Filter {}

impl HttpContext for Filter {
    fn on_http_request_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        let headers = self.get_http_request_headers();
        self.add_http_request_header("x-header-count", if headers.is_empty() { "none" } else { "some" });
        Action::Continue
    }
}
