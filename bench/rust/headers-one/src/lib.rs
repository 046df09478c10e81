// Mirrors bench/ours/headers-one.ts: reads one request header by name, replaces one and removes
// one: proxy_get_header_map_value("user-agent"), proxy_replace_header_map_value("x-request-id",
// "seen"|"none"), proxy_remove_header_map_value("accept").
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
        let agent = self.get_http_request_header("user-agent");
        self.set_http_request_header("x-request-id", Some(if agent.is_none() { "none" } else { "seen" }));
        self.set_http_request_header("accept", None);
        Action::Continue
    }
}
