// Per-route configuration in Higress's layout: one plugin configuration whose `_rules_` hold
// settings for some routes, domains or services, and whose other keys are the global settings
// for every other request:
//   {"limit": 100, "_rules_": [{"_match_route_": ["r1"], "limit": 5},
//                              {"_match_domain_": ["*.example.com"], "limit": 50}]}
// The semantics follow Higress's Go SDK (higress-group/wasm-go, pkg/matcher/rule_matcher.go):
// - a rule's kind is the first of _match_route_ (with _match_service_ too: route and service),
//   _match_domain_, _match_service_, _match_route_prefix_ it has; it needs at least one;
// - the rules are tried in order and the first that matches wins; otherwise the global settings
//   apply (a configuration with keys besides `_rules_`, or `{}`), else none (null);
// - domains: "*.example.com" matches hosts ending in ".example.com", "api.*" hosts starting with
//   "api.", anything else the exact host; the :authority's port is ignored;
// - services: Istio's cluster name "outbound|PORT|SUBSET|FQDN" matches "FQDN" or "FQDN:PORT";
// - a rule's settings are read by the same reader as the global ones, from the rule's object.
// Not supported: Higress's `_match_consumer_` (an MSE header) and rule-level inheritance.
import { getClusterName, getRouteName } from "./attributes/xds";
import { requestHeaders } from "./headers";
import { JsonKind, JsonValue } from "./json";
import { logRaw } from "./runtime/log-raw";

const LOG_WARN: u32 = 3;
const LOG_ERROR: u32 = 4;
// The keys are written as literals where they are used: a top-level string constant is built
// into every filter that imports the SDK, whether it calls this file or not.

enum RuleKind {
  Route,
  RouteAndService,
  Domain,
  Service,
  RoutePrefix,
}

/** One entry of `_rules_`: what it matches and the settings read from it. */
class RouteRule<T> {
  constructor(
    public kind: RuleKind,
    public routes: string[],
    public domains: string[],
    public services: string[],
    public routePrefixes: string[],
    public config: T,
  ) {}
}

/** What a stream is matched on, each read from the host the first time a rule needs it. */
class StreamFacts {
  private route: string | null = null;
  private host: string | null = null;
  private cluster: string | null = null;

  routeName(): string {
    if (this.route === null) {
      const name = getRouteName();
      this.route = name === null ? "" : name;
    }
    return <string>this.route;
  }

  hostWithoutPort(): string {
    if (this.host === null) {
      const authority = requestHeaders.get(":authority");
      this.host = authority === null ? "" : stripPort(authority);
    }
    return <string>this.host;
  }

  clusterName(): string {
    if (this.cluster === null) {
      const name = getClusterName();
      this.cluster = name === null ? "" : name;
    }
    return <string>this.cluster;
  }
}

/** The rules of a per-route configuration and its global settings. */
export class RouteRules<T> {
  constructor(
    public readonly rules: RouteRule<T>[],
    public readonly global: T | null,
  ) {}

  /**
   * The settings for the current stream: the first rule that matches its route name, host
   * (:authority) or cluster, else the global settings, else null. Call it from
   * onRequestHeaders (the host is read from the request headers) and keep the result.
   */
  select(): T | null {
    const facts = new StreamFacts();
    for (let i = 0; i < this.rules.length; i++) {
      const rule = unchecked(this.rules[i]);
      if (matches(rule.kind, rule.routes, rule.domains, rule.services, rule.routePrefixes, facts)) return rule.config;
    }
    return this.global;
  }
}

function matches(
  kind: RuleKind,
  routes: string[],
  domains: string[],
  services: string[],
  prefixes: string[],
  facts: StreamFacts,
): bool {
  if (kind == RuleKind.Route) return routes.includes(facts.routeName());
  if (kind == RuleKind.RouteAndService)
    return routes.includes(facts.routeName()) && serviceMatches(services, facts.clusterName());
  if (kind == RuleKind.Domain) return domainMatches(domains, facts.hostWithoutPort());
  if (kind == RuleKind.Service) return serviceMatches(services, facts.clusterName());
  const route = facts.routeName();
  for (let i = 0; i < prefixes.length; i++) if (route.startsWith(unchecked(prefixes[i]))) return true;
  return false;
}

/** The host without ":port"; an IPv6 literal keeps its colons ("[::1]:80" gives "[::1]"). */
function stripPort(authority: string): string {
  const colon = authority.lastIndexOf(":");
  if (colon < 0) return authority;
  const bracket = authority.lastIndexOf("]");
  return bracket < 0 || bracket < colon ? authority.substring(0, colon) : authority;
}

function domainMatches(domains: string[], host: string): bool {
  for (let i = 0; i < domains.length; i++) {
    const domain = unchecked(domains[i]);
    if (domain.startsWith("*")) {
      if (host.endsWith(domain.substring(1))) return true;
    } else if (domain.endsWith("*")) {
      if (host.startsWith(domain.substring(0, domain.length - 1))) return true;
    } else if (host == domain) {
      return true;
    }
  }
  return false;
}

function serviceMatches(services: string[], cluster: string): bool {
  const parts = cluster.split("|");
  if (parts.length != 4) return false;
  const port = parts[1];
  const fqdn = parts[3];
  for (let i = 0; i < services.length; i++) {
    const service = unchecked(services[i]);
    const colon = service.lastIndexOf(":");
    if (colon >= 0 && service.substring(0, colon) == fqdn && service.substring(colon + 1) == port) return true;
    if (service == fqdn) return true;
  }
  return false;
}

function fail<T>(message: string): RouteRules<T> | null {
  logRaw(LOG_ERROR, "per-route configuration: " + message);
  return null;
}

function notStrings(where: string, key: string): string[] | null {
  logRaw(LOG_ERROR, "per-route configuration: " + where + "." + key + " must be an array of strings");
  return null;
}

/** The strings of `rule[key]`, empty ones left out (as Higress does); null, after an error line, when it is not an array of strings. */
function matchList(rule: JsonValue, key: string, where: string): string[] | null {
  const value = rule.get(key);
  if (value === null) return [];
  if (value.kind != JsonKind.Array) return notStrings(where, key);
  const items = value.asArray();
  const out = new Array<string>();
  for (let i = 0; i < items.length; i++) {
    const text = unchecked(items[i]).asString();
    if (text === null) return notStrings(where, key);
    if (text.length > 0) out.push(text);
  }
  return out;
}

/**
 * Reads a per-route configuration (the layout above). `read` turns one object (the whole
 * configuration for the global settings, or one rule) into the plugin's settings, or returns
 * null after logging why. Null, after an error log line, when the layout is wrong or `read`
 * refused a rule. `onPluginStart`, with the value of getPluginConfigurationJson().
 */
export function parseRouteRules<T>(config: JsonValue, read: (json: JsonValue) => T | null): RouteRules<T> | null {
  if (!config.isObject) return fail<T>("the configuration must be a JSON object");
  const keys = config.objectKeys();
  const rulesValue = config.get("_rules_");
  const globalKeys = keys.length - (rulesValue === null ? 0 : 1);
  let global: T | null = null;
  if (keys.length == 0 || globalKeys > 0) {
    global = read(config);
    if (global === null && rulesValue !== null) {
      logRaw(LOG_WARN, "per-route configuration: the global settings were refused; only _rules_ apply");
    }
  }
  if (rulesValue === null)
    return global === null ? fail<T>("no global settings and no _rules_") : new RouteRules<T>([], global);
  if (!rulesValue.isArray) return fail<T>("_rules_ must be an array");
  const items = rulesValue.asArray();
  const rules = new Array<RouteRule<T>>();
  for (let i = 0; i < items.length; i++) {
    const item = unchecked(items[i]);
    const where = "_rules_[" + i.toString() + "]";
    if (!item.isObject) return fail<T>(where + " must be an object");
    const routes = matchList(item, "_match_route_", where);
    const domains = matchList(item, "_match_domain_", where);
    const services = matchList(item, "_match_service_", where);
    const prefixes = matchList(item, "_match_route_prefix_", where);
    if (routes === null || domains === null || services === null || prefixes === null) return null;
    let kind = RuleKind.RoutePrefix;
    if (routes.length > 0) kind = services.length > 0 ? RuleKind.RouteAndService : RuleKind.Route;
    else if (domains.length > 0) kind = RuleKind.Domain;
    else if (services.length > 0) kind = RuleKind.Service;
    else if (prefixes.length == 0) {
      return fail<T>(
        where + " matches nothing: it needs _match_route_, _match_domain_, _match_service_ or _match_route_prefix_",
      );
    }
    const settings = read(item);
    if (settings === null) return fail<T>(where + " was refused");
    rules.push(new RouteRule<T>(kind, routes, domains, services, prefixes, settings));
  }
  if (rules.length == 0 && global === null) return fail<T>("no global settings and no _rules_");
  return new RouteRules<T>(rules, global);
}
