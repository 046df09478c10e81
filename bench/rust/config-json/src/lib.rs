// Mirrors bench/ours/config-json.ts: the plugin starts by parsing its JSON configuration (an
// object with a "rules" array) with serde_json, the usual choice of Rust filter authors, and
// keeps the number of rules; it refuses a configuration that is not such an object.
use proxy_wasm::traits::*;
use proxy_wasm::types::*;
use std::sync::atomic::{AtomicUsize, Ordering};

static RULES: AtomicUsize = AtomicUsize::new(0);

proxy_wasm::main! {{
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Root) });
}}

struct Root;

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, _plugin_configuration_size: usize) -> bool {
        let config = match self.get_plugin_configuration() {
            Some(bytes) => bytes,
            None => return false,
        };
        let value: serde_json::Value = match serde_json::from_slice(&config) {
            Ok(v) => v,
            Err(_) => return false,
        };
        match value.get("rules").and_then(|r| r.as_array()) {
            Some(rules) => {
                RULES.store(rules.len(), Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Filter))
    }
}

struct Filter;

impl Context for Filter {}

impl HttpContext for Filter {}
