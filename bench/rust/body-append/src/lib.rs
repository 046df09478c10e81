// Mirrors bench/ours/body-append.ts: at the end of the request body, appends a fixed suffix
// without reading the body: proxy_set_buffer_bytes(request body, u32::MAX "to the end", 0, suffix).
use proxy_wasm::traits::*;
use proxy_wasm::types::*;

/// The ABI's "to the end" start (proxy-wasm-as's TO_END): the host appends.
const TO_END: usize = u32::MAX as usize;

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
    fn on_http_request_body(&mut self, _body_size: usize, end_of_stream: bool) -> Action {
        if end_of_stream {
            self.set_http_request_body(TO_END, 0, b"\n<!-- appended by the filter -->\n");
        }
        Action::Continue
    }
}
