export * from "proxy-wasm-as/assembly/proxy";
// Traffic tagging for canary releases: each request gets `x-swimlane: canary` or
// `x-swimlane: production`, decided by a stable hash (32-bit FNV-1a) of the user id header, so
// a user always lands in the same lane while the percentage is unchanged. In an Istio mesh, a
// request without a user id is hashed on the calling workload instead ("namespace/workload",
// from Istio's peer metadata: getDownstreamPeerNamespace / getDownstreamPeerWorkload), so a
// calling service stays in one lane; with neither it goes to production. Routes then match on
// the tag (see envoy.yaml): the filter asks Envoy to pick the route again (clearRouteCache). A
// request that already has `x-swimlane` keeps it.
//
// Configuration (JSON, every key optional):
//   {"userHeader": "x-user-id", "canaryPercent": 10, "tagHeader": "x-swimlane", "hashPeer": true,
//    "clearRouteCache": true}
// `canaryPercent` is 0 to 100, with up to two decimals (buckets of 0.01 %).
import {
  Action, HttpContext, JsonValue, PluginContext, clearRouteCache, getDownstreamPeerNamespace,
  getDownstreamPeerWorkload, getPluginConfigurationJson, logError, registerPlugin, requestHeaders,
} from "proxy-wasm-as/assembly";

const BUCKETS: u32 = 10000;

/** A boolean member: 1 or 0 (`fallback` when absent), -1 (after logging) when not a boolean. */
function boolKey(config: JsonValue, key: string, fallback: bool): i32 {
  const value = config.get(key);
  if (value === null) return fallback ? 1 : 0;
  if (!value.isBool) {
    logError("traffic-tag: \"" + key + "\" must be true or false");
    return -1;
  }
  return value.asBool() ? 1 : 0;
}

class TrafficTagPlugin extends PluginContext {
  userHeader: string = "x-user-id";
  tagHeader: string = "x-swimlane";
  /** Users whose hash bucket (0..9999) is below this are canary users. */
  canaryBuckets: u32 = 1000;
  /** Hash the Istio client workload when the request has no user id. */
  hashPeer: bool = true;
  /**
   * Whether to ask the proxy to match the route again after tagging (Envoy's clear_route_cache).
   * false for a proxy without that foreign function: ngx_wasm_module traps on an unknown one;
   * nginx reads the tag itself where the configuration uses it ($http_x_swimlane).
   */
  clearRouteCache: bool = true;
  // Encoded once: a request costs no allocation to tag.
  tagName: ArrayBuffer = new ArrayBuffer(0);
  canary: ArrayBuffer = String.UTF8.encode("canary");
  production: ArrayBuffer = String.UTF8.encode("production");

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged what is wrong with the JSON
    const config = <JsonValue>parsed.value;
    if (!config.isObject) {
      logError("traffic-tag: configuration must be a JSON object");
      return false;
    }
    const userHeader = headerName(config, "userHeader", "x-user-id");
    const tagHeader = headerName(config, "tagHeader", "x-swimlane");
    if (userHeader === null || tagHeader === null) return false;
    this.userHeader = userHeader;
    this.tagHeader = tagHeader;
    this.tagName = String.UTF8.encode(tagHeader);
    const hashPeer = boolKey(config, "hashPeer", true);
    const clear = boolKey(config, "clearRouteCache", true);
    if (hashPeer < 0 || clear < 0) return false;
    this.hashPeer = hashPeer == 1;
    this.clearRouteCache = clear == 1;
    const percent = config.get("canaryPercent");
    if (percent !== null) {
      const n = percent.asNumber();
      if (!(n >= 0 && n <= 100)) {
        logError("traffic-tag: \"canaryPercent\" must be a number from 0 to 100");
        return false;
      }
      this.canaryBuckets = <u32>Math.round(n * 100);
    }
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new TrafficTagStream(contextId, this);
  }
}

class TrafficTagStream extends HttpContext {
  constructor(id: u32, private plugin: TrafficTagPlugin) { super(id); }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const plugin = this.plugin;
    if (requestHeaders.has(plugin.tagHeader)) return Action.Continue; // chosen upstream of us: keep it
    let user = requestHeaders.getBytes(plugin.userHeader);
    if ((user === null || user.byteLength == 0) && plugin.hashPeer) user = peerId();
    const canary = user !== null && user.byteLength > 0 && fnv1a(user) % BUCKETS < plugin.canaryBuckets;
    requestHeaders.replaceBytes(plugin.tagName, canary ? plugin.canary : plugin.production);
    // Route matching read the headers before this filter ran: have Envoy match again on the tag.
    if (plugin.clearRouteCache) clearRouteCache();
    return Action.Continue;
  }
}

/** "namespace/workload" of the calling Istio workload, or null outside a mesh. */
function peerId(): ArrayBuffer | null {
  const workload = getDownstreamPeerWorkload();
  if (workload === null || workload.length == 0) return null;
  const namespace = getDownstreamPeerNamespace();
  return String.UTF8.encode((namespace === null ? "" : namespace) + "/" + workload);
}

/** 32-bit FNV-1a of the bytes. */
function fnv1a(data: ArrayBuffer): u32 {
  let hash: u32 = 0x811c9dc5;
  const p = changetype<usize>(data);
  for (let i = 0; i < data.byteLength; i++) {
    hash ^= <u32>load<u8>(p + <usize>i);
    hash *= 0x01000193;
  }
  return hash;
}

/** `key` as a lower-case header name, `fallback` when absent; null (after logging) when invalid. */
function headerName(config: JsonValue, key: string, fallback: string): string | null {
  const value = config.get(key);
  if (value === null) return fallback;
  const text = value.asString();
  if (text === null || text.length == 0 || text.charCodeAt(0) == 0x3a) {
    logError("traffic-tag: \"" + key + "\" must be a non-empty header name, not a pseudo-header");
    return null;
  }
  let lower = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    lower += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
  }
  return lower;
}

registerPlugin((contextId: u32): PluginContext => new TrafficTagPlugin(contextId));
