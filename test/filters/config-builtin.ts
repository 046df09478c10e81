// examples/typed-config written with the SDK's own JSON reader (getPluginConfigurationJson)
// instead of a @json class: the same filter and the same checks, field by field. The bench
// (bench/typed-config.mjs) compares the two builds' size and instructions.
export * from "proxy-wasm-as/assembly/proxy";
import {
  Action,
  HttpContext,
  JsonValue,
  PluginContext,
  getPluginConfigurationJson,
  logError,
  registerPlugin,
  requestHeaders,
  sendLocalResponseText,
} from "proxy-wasm-as/assembly";

class HeaderToAdd {
  constructor(
    public name: string,
    public value: string,
  ) {}
}

class Config {
  headers: HeaderToAdd[] = [];
  denyPrefixes: string[] = [];
  denyStatus: u16 = 403;
}

function refuse(message: string): Config | null {
  logError("plugin configuration: " + message);
  return null;
}

function readConfig(json: JsonValue): Config | null {
  const config = new Config();
  if (!json.isObject) return refuse("the configuration must be an object");
  const headers = json.get("headers");
  if (headers !== null) {
    if (!headers.isArray) return refuse('"headers" must be an array');
    for (let i = 0; i < headers.length; i++) {
      const item = <JsonValue>headers.at(i);
      if (!item.isObject) return refuse('"headers[' + i.toString() + ']" must be an object');
      const name = item.getString("name");
      if (name === null) return refuse('"headers[' + i.toString() + '].name" must be a string');
      const value = item.get("value");
      if (value !== null && !value.isString) return refuse('"headers[' + i.toString() + '].value" must be a string');
      config.headers.push(new HeaderToAdd(name, value === null ? "" : <string>value.asString()));
    }
  }
  if (json.has("denyPrefixes")) {
    const prefixes = json.getStringArray("denyPrefixes");
    if (prefixes === null) return refuse('"denyPrefixes" must be an array of strings');
    config.denyPrefixes = prefixes;
  }
  const status = json.get("denyStatus");
  if (status !== null) {
    const n = status.asNumber();
    if (!(n >= 0 && n <= 65535) || n != Math.floor(n))
      return refuse('"denyStatus" must be a whole number from 0 to 65535');
    config.denyStatus = <u16>n;
  }
  return config;
}

class BuiltinConfigPlugin extends PluginContext {
  config: Config = new Config();

  onPluginStart(configurationSize: usize): bool {
    const parsed = getPluginConfigurationJson();
    if (!parsed.ok) return false;
    const config = readConfig(<JsonValue>parsed.value);
    if (config === null) return false;
    this.config = config;
    return true;
  }

  newHttpContext(contextId: u32): HttpContext {
    return new BuiltinConfigStream(contextId, this.config);
  }
}

class BuiltinConfigStream extends HttpContext {
  constructor(
    id: u32,
    private config: Config,
  ) {
    super(id);
  }

  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    const path = requestHeaders.get(":path");
    const prefixes = this.config.denyPrefixes;
    for (let i = 0; path !== null && i < prefixes.length; i++) {
      if (path.startsWith(prefixes[i])) {
        sendLocalResponseText(this.config.denyStatus, "typed_config_denied", "denied\n");
        return Action.Pause;
      }
    }
    const headers = this.config.headers;
    for (let i = 0; i < headers.length; i++) requestHeaders.replace(headers[i].name, headers[i].value);
    return Action.Continue;
  }
}

registerPlugin((id: u32) => new BuiltinConfigPlugin(id));
