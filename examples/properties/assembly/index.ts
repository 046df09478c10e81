export * from "proxy-wasm-as/assembly/proxy";
// Decides on the proxy's attributes (typed getters of the SDK) rather than on headers a client
// controls:
// - request.path (getRequestPath): requests under a denied path prefix get 403;
// - source.address (getSourceAddress): clients from a denied address get 403; allowed ones get
//   the address in an `x-source-address` request header for the upstream (the client's own
//   value is replaced);
// - xds.route_metadata.filter_metadata[NAMESPACE].policy (getRouteMetadataValue, which also
//   reads the pre-1.29 route_metadata): a route whose metadata says `policy: deny` refuses
//   every request;
// - plugin_name (getPluginName): read once, at the first denial, named in the 403 so an operator
//   knows which filter refused. Not at plugin start: ngx_wasm_module (Kong) cannot read it in
//   on_configure (stock: the worker crashes, docs/hosts.md); on a stream every proxy can.
import {
  Action, addressHost, asciiLowerCase, HeaderPair, HttpContext, JsonValue, PluginContext,
  getPluginConfigurationJson, getPluginName, getRequestPath, getRouteMetadataValue, getSourceAddress, logDebug,
  logError, registerPlugin, requestHeaders, sendLocalResponseText,
} from "proxy-wasm-as/assembly";

/** A string-array member, [] when absent, null (after logging) when invalid. */
function stringList(config: JsonValue, key: string): string[] | null {
  if (!config.has(key)) return [];
  const list = config.getStringArray(key);
  if (list === null) logError("properties: \"" + key + "\" must be an array of strings");
  return list;
}

class PropertiesPlugin extends PluginContext {
  denyPathPrefixes: string[] = [];
  denySources: string[] = [];
  sourceHeader: string = "x-source-address";
  metadataNamespace: string = "proxy_wasm_as.properties";
  /** The headers of every 403 (x-denied-by: the plugin's name), built at the first denial. */
  forbiddenHeadersBuilt: HeaderPair[] | null = null;

  forbiddenHeaders(): HeaderPair[] {
    let headers = this.forbiddenHeadersBuilt;
    if (headers === null) {
      const name = getPluginName();
      headers = [new HeaderPair("x-denied-by", name !== null && name.length > 0 ? name : "properties")];
      this.forbiddenHeadersBuilt = headers;
    }
    return headers;
  }

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("properties: configuration must be a JSON object");
      return false;
    }
    const prefixes = stringList(config, "deny_path_prefixes");
    if (prefixes === null) return false;
    const sources = stringList(config, "deny_source_addresses");
    if (sources === null) return false;
    let header = "x-source-address";
    const headerValue = config.get("source_header");
    if (headerValue !== null) {
      const text = headerValue.asString();
      if (text === null) {
        logError("properties: \"source_header\" must be a string (\"\" to add no header)");
        return false;
      }
      header = asciiLowerCase(text);
    }
    let namespace = "proxy_wasm_as.properties";
    const namespaceValue = config.get("metadata_namespace");
    if (namespaceValue !== null) {
      const text = namespaceValue.asString();
      if (text === null || text.length == 0) {
        logError("properties: \"metadata_namespace\" must be a non-empty string");
        return false;
      }
      namespace = text;
    }
    this.denyPathPrefixes = prefixes;
    this.denySources = sources;
    this.sourceHeader = header;
    this.metadataNamespace = namespace;
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new PropertiesStream(contextId, this);
  }
}

class PropertiesStream extends HttpContext {
  constructor(id: u32, public plugin: PropertiesPlugin) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const plugin = this.plugin;

    const policy = getRouteMetadataValue(plugin.metadataNamespace, "policy");
    if (policy !== null && policy == "deny") return this.deny("route_policy", "route metadata policy is deny");

    const path = getRequestPath();
    if (path !== null) {
      const prefixes = plugin.denyPathPrefixes;
      for (let i = 0; i < prefixes.length; i++) {
        if (path.startsWith(unchecked(prefixes[i]))) return this.deny("path_denied", "path prefix " + unchecked(prefixes[i]));
      }
    }

    const source = getSourceAddress();
    if (source !== null) {
      const host = addressHost(source);
      if (plugin.denySources.includes(host)) return this.deny("source_denied", "source address " + host);
      if (plugin.sourceHeader.length > 0) requestHeaders.replace(plugin.sourceHeader, host);
    } else if (plugin.sourceHeader.length > 0) {
      // Envoy always knows the client's address on an HTTP stream; should a proxy not, never
      // let a client-supplied value through as if the proxy had set it.
      requestHeaders.remove(plugin.sourceHeader);
    }
    return Action.Continue;
  }

  deny(details: string, reason: string): Action {
    logDebug("properties: request denied: " + reason);
    sendLocalResponseText(403, details, "forbidden\n", this.plugin.forbiddenHeaders());
    return Action.Pause;
  }
}

registerPlugin((contextId: u32): PluginContext => new PropertiesPlugin(contextId));
