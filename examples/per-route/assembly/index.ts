export * from "proxy-wasm-as/assembly/proxy";
// Tags every request with the settings of the rule it falls under, Higress-style: the
// configuration's `_rules_` give settings for some routes, domains or services, and its other
// keys are the settings for every other request. A rule or global part with `"deny": true`
// answers 403 itself.
//
// Configuration (JSON):
//   {"tag": "default",
//    "_rules_": [{"_match_route_": ["checkout"], "tag": "payments"},
//                {"_match_domain_": ["*.internal.example.com"], "deny": true},
//                {"_match_service_": ["reviews.default.svc.cluster.local:9080"], "tag": "reviews"}]}
// Without global keys, requests that no rule matches pass untouched.
import {
  Action,
  HttpContext,
  JsonValue,
  PluginContext,
  RouteRules,
  getPluginConfigurationJson,
  logError,
  parseRouteRules,
  registerPlugin,
  requestHeaders,
  sendLocalResponseText,
} from "proxy-wasm-as/assembly";

class Settings {
  constructor(
    public tag: string,
    public deny: bool,
  ) {}
}

/** One object's settings (the global part, or one rule); null after logging what is wrong. */
function readSettings(json: JsonValue): Settings | null {
  const tag = json.get("tag");
  if (tag !== null && !tag.isString) {
    logError('per-route: "tag" must be a string');
    return null;
  }
  const deny = json.get("deny");
  if (deny !== null && !deny.isBool) {
    logError('per-route: "deny" must be true or false');
    return null;
  }
  return new Settings(tag === null ? "" : <string>tag.asString(), deny !== null && deny.asBool());
}

class PerRoutePlugin extends PluginContext {
  rules: RouteRules<Settings> | null = null;

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false; // the SDK logged where the JSON breaks
    this.rules = parseRouteRules<Settings>(<JsonValue>parsed.value, readSettings);
    return this.rules !== null; // parseRouteRules logged what is wrong
  }

  newHttpContext(contextId: u32): HttpContext {
    return new PerRouteStream(contextId, <RouteRules<Settings>>this.rules);
  }
}

class PerRouteStream extends HttpContext {
  constructor(
    id: u32,
    private rules: RouteRules<Settings>,
  ) {
    super(id);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const settings = this.rules.select();
    if (settings === null) return Action.Continue; // no rule and no global settings: not ours
    if (settings.deny) {
      sendLocalResponseText(403, "per_route_denied", "denied\n");
      return Action.Pause;
    }
    if (settings.tag.length > 0) requestHeaders.replace("x-route-tag", settings.tag);
    return Action.Continue;
  }
}

registerPlugin((id: u32) => new PerRoutePlugin(id));
